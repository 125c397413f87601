/** Helpers the importer tests share: import a command line (in-process or through the CLI, then build), find a function, expect an error. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { InputError, type Diagnostic } from '../../src/diagnostic.js';
import { importQemu, type QemuImport } from '../../src/import/qemu/import-qemu.js';
import { resolveTopology } from '../../src/model/resolve.js';
import type { PciFunction } from '../../src/model/resolved.js';
import { formatBdf } from '../../src/model/rid.js';
import type { HostBridge, PciNode, Topology } from '../../src/model/topology-schema.js';
import { runCli } from '../support/run-cli.js';

export function imported(...argv: string[]): QemuImport {
  return importQemu(argv);
}

export function topologyOf(...argv: string[]): Topology {
  return importQemu(argv).topology;
}

/** Every PCI node with its host bridge, depth-first. */
export function nodes(t: Topology): { node: PciNode; host: HostBridge; parent?: PciNode }[] {
  const out: { node: PciNode; host: HostBridge; parent?: PciNode }[] = [];
  const walk = (children: readonly PciNode[], host: HostBridge, parent?: PciNode) => {
    for (const node of children) {
      out.push({ node, host, ...(parent ? { parent } : {}) });
      walk(node.children ?? [], host, node);
    }
  };
  for (const h of t.hostBridges ?? []) walk(h.children, h);
  return out;
}

export function node(t: Topology, id: string): PciNode {
  const found = nodes(t).find((n) => n.node.id === id);
  if (!found) throw new Error(`no node ${id}; have ${nodes(t).map((n) => n.node.id).join(', ')}`);
  return found.node;
}

/** `bb:dd.f` of every function under the firmware numbering, by id. */
export function bdfs(t: Topology): Record<string, string> {
  const r = resolveTopology(t);
  return Object.fromEntries(r.functions.map((f: PciFunction) => [f.id, formatBdf(f.rid)]));
}

/** The root-bus layout: `dd.f model` per function, in devfn order. */
export function rootBus(t: Topology, host = 0): string[] {
  return (t.hostBridges?.[host]?.children ?? []).map((n) => `${String(n.addr)} ${n.model}`);
}

/** The import fails with `code`, naming the argument at argv index `index`. */
export function expectImportError(argv: string[], code: string, index?: number): Diagnostic {
  let error: unknown;
  try {
    importQemu(argv);
  } catch (e) {
    error = e;
  }
  expect(error, `importing ${argv.join(' ')} fails`).toBeInstanceOf(InputError);
  const d = (error as InputError).diagnostics[0]!;
  expect(d.code).toBe(code);
  expect(d.severity).toBe('error');
  if (index !== undefined) {
    expect(d.path).toBe(`argv[${index}]`);
    expect(d.message).toContain(`\`${argv[index]} ${argv[index + 1] ?? ''}`.trimEnd());
  }
  return d;
}

/**
 * `ridmap import qemu [OPTIONS] -- ARGV` then `ridmap build` of its YAML, both through the CLI
 * (the path users run): the YAML's text and path and the build's output directory, under `dir`.
 */
export async function importAndBuildCli(
  dir: string,
  name: string,
  argv: readonly string[],
  importOptions: readonly string[] = [],
): Promise<{ yamlText: string; yaml: string; out: string }> {
  const run = await runCli('import', 'qemu', ...importOptions, '--', ...argv);
  expect(run.code, run.stderr).toBe(0);
  const yaml = join(dir, `${name}.yaml`);
  writeFileSync(yaml, run.stdout);
  const out = join(dir, name);
  const built = await runCli('build', yaml, '--out', out);
  expect(built.code, built.stderr).toBe(0);
  return { yamlText: run.stdout, yaml, out };
}
