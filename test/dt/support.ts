/**
 * What the DT suites share: dtc as an oracle (run in a temporary directory,
 * every warning it knows switched on), the example topologies that call for a
 * DT, and a plain form of a tree for comparing (names and property bytes).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { topologyHasDt } from '../../src/dt/from-topology.js';
import { layoutTree, type LaidOutNode } from '../../src/dt/layout.js';
import type { DtTree } from '../../src/dt/tree.js';
import { loadTopologyFile } from '../../src/io/load-topology.js';
import { REFERENCE_ROOT_STAMP, referenceRootPath } from '../../src/judge/reference-root.js';
import { resolveTopology } from '../../src/model/resolve.js';
import type { Topology } from '../../src/model/topology-schema.js';
import { CORPUS_DIR, REPO_ROOT, TABLES_DIR } from '../support/paths.js';

export const inCi = Boolean(process.env['CI']);

/** Every check dtc 1.6 knows (dtc's checks.c), so that any warning it can give is given. */
export const DTC_WARNINGS = [
  'graph_endpoint', 'graph_port', 'graph_child_address', 'graph_nodes', 'interrupts_property', 'interrupt_provider',
  'deprecated_gpio_property', 'gpios_property', 'thermal_sensors_property', 'sound_dai_property', 'resets_property',
  'pwms_property', 'power_domains_property', 'phys_property', 'mux_controls_property', 'msi_parent_property',
  'mboxes_property', 'iommus_property', 'io_channels_property', 'interrupts_extended_property', 'hwlocks_property',
  'dmas_property', 'cooling_device_property', 'clocks_property', 'chosen_node_stdout_path', 'chosen_node_bootargs',
  'chosen_node_is_root', 'unique_unit_address', 'avoid_unnecessary_addr_size', 'avoid_default_addr_size',
  'unit_address_format', 'spi_bus_reg', 'spi_bus_bridge', 'i2c_bus_reg', 'i2c_bus_bridge', 'simple_bus_reg',
  'simple_bus_bridge', 'pci_device_reg', 'pci_device_bus_num', 'pci_bridge', 'dma_ranges_format', 'reg_format',
  'ranges_format', 'addr_size_cells', 'alias_paths', 'names_is_string_list', 'compatible_is_string_list',
  'label_is_string', 'status_is_string', 'model_is_string', 'device_type_is_string', 'size_cells_is_cell',
  'address_cells_is_cell', 'omit_unused_nodes', 'path_references', 'phandle_references', 'name_properties',
  'name_is_string', 'explicit_phandles', 'duplicate_label', 'property_name_chars_strict', 'property_name_chars',
  'unit_address_vs_reg', 'node_name_vs_property_name', 'node_name_format', 'node_name_chars_strict', 'node_name_chars',
  'duplicate_property_names', 'duplicate_node_names', 'obsolete_chosen_interrupt_controller',
  'unique_unit_address_if_enabled',
];

export function haveTool(name: string): boolean {
  return spawnSync(name, ['--version'], { stdio: 'ignore' }).status === 0;
}

/**
 * The dtc the tests hold ridmap to: the reference root's (dtc 1.7.2, the
 * project's oracle, run through the root's own loader and libraries so that
 * it reads host paths, as the bench runs it) when the root is there, else the
 * one on PATH. dtc 1.7 prints a DTB's string lists as `"a", "b"` where 1.6
 * printed `"a\0b"`: the tests that compare printed text need 1.7 (dtcPrintsAsRidmap).
 */
const DTC: { cmd: string; pre: string[]; version: string } | undefined = (() => {
  const root = referenceRootPath();
  const [loader, bin] = [join(root, 'lib64/ld-linux-x86-64.so.2'), join(root, 'usr/bin/dtc')];
  const candidates = existsSync(join(root, REFERENCE_ROOT_STAMP)) && existsSync(loader) && existsSync(bin)
    ? [{ cmd: loader, pre: ['--library-path', ['lib/x86_64-linux-gnu', 'usr/lib/x86_64-linux-gnu'].map((l) => join(root, l)).join(':'), bin] }]
    : [];
  for (const c of [...candidates, { cmd: 'dtc', pre: [] }]) {
    const r = spawnSync(c.cmd, [...c.pre, '--version'], { encoding: 'utf8' });
    const version = r.status === 0 ? /Version: DTC (\S+)/.exec(r.stdout)?.[1] : undefined;
    if (version) return { ...c, version };
  }
  return undefined;
})();

/** Whether the dtc prints a DTB as ridmap does (1.7 and later: string lists), so that printed text can be compared. */
export function dtcPrintsAsRidmap(): boolean {
  const [major = 0, minor = 0] = (DTC?.version ?? '').split('.').map(Number);
  return major > 1 || (major === 1 && minor >= 7);
}

/** Whether there is a dtc to compare with (DTC above). */
export function haveDtc(): boolean {
  return DTC !== undefined;
}

export interface DtcRun {
  status: number | null;
  stdout: Buffer;
  stderr: string;
}

/** Runs dtc (DTC above) on `input` (written as in.<inFormat>) in a fresh temporary directory. */
export function dtc(input: string | Uint8Array, inFormat: 'dts' | 'dtb', outFormat: 'dts' | 'dtb', extra: string[] = []): DtcRun {
  const dir = mkdtempSync(join(tmpdir(), 'ridmap-dtc-'));
  try {
    const inPath = join(dir, `in.${inFormat}`);
    const outPath = join(dir, `out.${outFormat}`);
    writeFileSync(inPath, input);
    if (!DTC) throw new Error('no dtc: guard the test with haveDtc()');
    const r = spawnSync(DTC.cmd, [...DTC.pre, ...extra, '-I', inFormat, '-O', outFormat, '-o', outPath, inPath], { encoding: 'buffer' });
    const stdout = r.status === 0 ? readFileSync(outPath) : Buffer.alloc(0);
    return { status: r.status, stdout, stderr: r.stderr.toString('utf8') };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export function dtcAllWarnings(): string[] {
  return DTC_WARNINGS.flatMap((w) => ['-W', w]);
}

/** A tree as dtc sees it: node names, property names and bytes (hex), phandles included. */
export interface PlainNode {
  name: string;
  properties: [string, string][];
  children: PlainNode[];
}

export function plainNode(n: LaidOutNode): PlainNode {
  return {
    name: n.name,
    properties: n.properties.map((p) => [p.name, Buffer.from(p.bytes).toString('hex')]),
    children: n.children.map(plainNode),
  };
}

export function plainTree(tree: DtTree): { root: PlainNode; memoryReservations: [bigint, bigint][]; bootCpuidPhys: number } {
  return {
    root: plainNode(layoutTree(tree).root),
    memoryReservations: tree.memoryReservations.map((r) => [r.address, r.size]),
    bootCpuidPhys: tree.bootCpuidPhys,
  };
}

/** The example topologies with an Arm IOMMU, a virtio-iommu or an ITS: the ones a board DT describes. */
export function dtExamples(): { name: string; topology: Topology }[] {
  return readdirSync(TABLES_DIR)
    .filter((f) => f.endsWith('.yaml'))
    .sort()
    .map((f) => ({ name: f, topology: loadTopologyFile(join(TABLES_DIR, f)) }))
    // The examples `build` writes a board DT for (a RISC-V IOMMU goes to the RIMT only).
    .filter(({ topology }) => topologyHasDt(resolveTopology(topology)));
}

/** Every DTS and DTSI among the test fixtures and the corpus's DT sources, sorted: the DTS readers' real inputs. */
export function dtSourceFiles(): string[] {
  const ext = /\.dtsi?$/;
  const files = (dir: string): string[] =>
    existsSync(dir)
      ? readdirSync(dir)
          .sort()
          .flatMap((f) => (statSync(join(dir, f)).isDirectory() ? files(join(dir, f)) : ext.test(f) ? [join(dir, f)] : []))
      : [];
  return [...files(join(REPO_ROOT, 'test/fixtures')), ...files(join(CORPUS_DIR, 'dt-source'))];
}
