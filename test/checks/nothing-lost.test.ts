/**
 * Nothing `check` finds is lost: every diagnostic that decoding a table,
 * resolving its map, resolving the topology or building it makes reaches
 * `check`'s output, under its own code or reported by a named check at the
 * same structure path with at least its severity. Computed here apart from
 * the runner (decode, resolve and build called directly), over every check
 * fixture and every damaged IORT and VIOT table of the test fixtures; and
 * through the CLI for the VIOT findings `check` used to swallow.
 */
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkInputs } from '../../src/checks/check-inputs.js';
import { loadInput, tableReadDiagnostics } from '../../src/io/load-input.js';
import { CHECKS } from '../../src/checks/registry.js';
import type { Diagnostic, Severity } from '../../src/diagnostic.js';
import { parseTopology } from '../../src/model/parse-topology.js';
import { resolveTopology } from '../../src/model/resolve.js';
import { corpusPresent, corpusRoot } from '../acpi/corpus.js';
import { CORRUPT, uniqueIorts } from '../fixtures/iort/corpus.js';
import { invalidIortCases } from '../fixtures/iort/invalid-cases.js';
import { encodeViotModel, smallViot, viotCases } from '../fixtures/viot/tables.js';
import { REPO_ROOT } from '../support/paths.js';
import { runCli } from '../support/run-cli.js';
import { namedTopology } from './check-fixtures.js';

const dir = join(REPO_ROOT, 'test/fixtures/checks');
const ids = new Set(CHECKS.map((c) => c.id));
const RANK: Record<Severity, number> = { info: 0, warning: 1, error: 2 };

/** Each case: input files (name, bytes) and an optional reference topology file. */
interface Case {
  name: string;
  inputs: { file: string; bytes: Uint8Array }[];
  topology?: string;
}

function fixtureCases(): Case[] {
  const files = readdirSync(dir).filter((f) => !f.startsWith('_') && !f.endsWith('.topology.yaml'));
  return files.map((f) => {
    const id = f.slice(0, f.indexOf('.'));
    const text = readFileSync(join(dir, f), 'utf8');
    const beside = readdirSync(dir).find((x) => x === `${id}.topology.yaml`);
    const named = f.endsWith('.yaml') ? undefined : namedTopology(text);
    const topology = beside ?? named;
    return { name: f, inputs: [{ file: join(dir, f), bytes: readFileSync(join(dir, f)) }], ...(topology ? { topology: join(dir, topology) } : {}) };
  });
}

const tableCases = (): Case[] =>
  [...invalidIortCases, ...viotCases].map((c) => ({ name: `${c.name}.dat`, inputs: [{ file: `${c.name}.dat`, bytes: c.bytes() }] }));

/** Every distinct IORT of the corpus, and QEMU's VIOTs (real tables: their resolvers' notes must reach check too). */
function corpusCases(): Case[] {
  const viots = [join(corpusRoot, 'qemu-expected/tests/data/acpi/aarch64/virt/VIOT'), join(corpusRoot, 'qemu-expected/tests/data/acpi/x86/q35/VIOT.viot')];
  return [
    // The text-mangled one is no input ridmap can read at all (exit 2, input-unknown-kind).
    ...uniqueIorts().filter((c) => !c.file.endsWith(CORRUPT)).map((c) => ({ name: c.name, inputs: [{ file: `${c.name}.dat`, bytes: c.bytes }] })),
    ...viots.map((file) => ({ name: file.slice(corpusRoot.length + 1), inputs: [{ file, bytes: new Uint8Array(readFileSync(file)) }] })),
  ];
}

/** What decode, the maps and the topology say, asked of them directly. */
async function everythingFound(c: Case): Promise<Diagnostic[]> {
  const resolved = c.topology ? resolveTopology(parseTopology(readFileSync(c.topology, 'utf8'), c.topology)) : undefined;
  const out: Diagnostic[] = [...(resolved?.findings ?? [])];
  for (const input of c.inputs) {
    const loaded = await loadInput(input.file, input.bytes);
    for (const t of loaded.tables.filter((x) => x.modelled)) {
      out.push(...tableReadDiagnostics(t), ...(t.resolve?.(resolved).findings ?? []));
    }
  }
  return out;
}

function isListed(d: Diagnostic, findings: readonly Diagnostic[]): boolean {
  return findings.some((f) =>
    f.path === d.path &&
    (f.code === d.code ? f.message === d.message : ids.has(f.code) && RANK[f.severity] >= RANK[d.severity]),
  );
}

describe('every diagnostic of decode, resolve and the model reaches check', () => {
  for (const c of [...fixtureCases(), ...tableCases()]) {
    it(c.name, async () => {
      const loaded = await Promise.all(c.inputs.map((i) => loadInput(i.file, i.bytes)));
      const topology = c.topology ? { file: c.topology, text: readFileSync(c.topology, 'utf8') } : undefined;
      const { findings } = checkInputs(loaded, { ...(topology ? { topology } : {}), policies: ['firmware'] });
      const lost = (await everythingFound(c)).filter((d) => !isListed(d, findings));
      expect(lost.map((d) => `${d.code} ${d.path}: ${d.message}`)).toEqual([]);
    });
  }
});

describe.skipIf(!corpusPresent)('every diagnostic reaches check: the corpus IORTs and VIOTs', () => {
  for (const c of corpusPresent ? corpusCases() : []) {
    it(c.name, async () => {
      const loaded = await Promise.all(c.inputs.map((i) => loadInput(i.file, i.bytes)));
      const { findings } = checkInputs(loaded, { policies: ['firmware'] });
      const lost = (await everythingFound(c)).filter((d) => !isListed(d, findings));
      expect(lost.map((d) => `${d.code} ${d.path}: ${d.message}`)).toEqual([]);
    });
  }
});

describe('VIOT findings check used to swallow reach its output through the CLI', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'ridmap-viot-'));
  const file = (name: string) => {
    const c = viotCases.find((x) => x.name === name)!;
    const path = join(tmp, `${name}.dat`);
    writeFileSync(path, c.bytes());
    return path;
  };

  it('viot-endpoint-short: Linux stops parsing at a short endpoint node (beside the table-structure finding)', async () => {
    const run = await runCli('check', file('viot-endpoint-short'));
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/VIOT\/PciRange\[0\]@0x40: error \[table-structure\]: .*\(bin-length-short\)/);
    expect(run.stderr).toMatch(/: error \[viot-endpoint-short\]: an endpoint node shorter than 24 bytes: Linux stops parsing the VIOT here/);
  });

  it('viot-iommu-short: a range pointing at an IOMMU node shorter than 16 bytes is dropped', async () => {
    const run = await runCli('check', file('bin-length-short.iommu'));
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/VIOT\/PciRange\[0\]\.outputNode: error \[viot-iommu-short\]: .*Linux drops this endpoint/);
  });

  it('viot-output-dangling is the same fault as viot-output-node at that Output Node: listed once, under the named check', async () => {
    const run = await runCli('check', file('viot-output-node'), '--format', 'json');
    expect(run.code).toBe(1);
    const { findings } = JSON.parse(run.stdout) as { findings: Diagnostic[] };
    // Bytes cannot make the resolver's viot-output-dangling alone: an Output Node that starts no node is the walk's
    // viot-output-node, and JSON naming a node that does not exist is refused by encode.
    const shown = findings.filter((d) => d.severity !== 'info');
    expect(shown.map((d) => `${d.severity} ${d.code} ${d.path}`)).toEqual(['error viot-output-node VIOT/PciRange[0].outputNode']);
  });

  it('viot-iommu-not-found: with a topology that has no function at the virtio-iommu-pci\'s BDF, the range is dropped', async () => {
    const path = join(tmp, 'small.dat');
    writeFileSync(path, encodeViotModel(smallViot()));
    const run = await runCli('check', path, '--topology', join(dir, '_pci-only.topology.yaml'));
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/VIOT\/PciRange\[0\]\.outputNode(@0x[0-9a-f]+)?: error \[viot-iommu-not-found\]: VIOT\/VirtioIommuPci\[0\] is the PCI function 0000:00:01\.0, but the topology has none there/);
  });
});
