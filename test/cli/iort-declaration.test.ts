/**
 * The IORT through the CLI now that one declaration drives it (issue 16):
 * decode walks Node Count nodes from Node Offset as Linux does, so bytes
 * after the counted nodes are kept with a warning rather than read as a
 * broken node; JSON keeps references as {"node": i} and `encode` of it
 * gives the bytes back; a table revision with known issues is reported by
 * decode and by check under its own id.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CORPUS_DIR, GOLDEN_DIR, HAVE_CORPUS, REPO_ROOT } from '../support/paths.js';
import { runCli } from '../support/run-cli.js';

const tmp = mkdtempSync(join(tmpdir(), 'ridmap-iort-'));
const fixture = (id: string) => join(REPO_ROOT, 'test/fixtures/checks', `${id}.dsl`);

/** decode --format json, then encode: the bytes of `file` back (with its checksum). */
async function jsonRoundTrip(file: string, name: string): Promise<{ json: { tables: Record<string, unknown>[] }; bytes: Buffer }> {
  const json = await runCli('decode', file, '--format', 'json');
  expect(json.code).toBe(0);
  const jsonFile = join(tmp, `${name}.json`);
  writeFileSync(jsonFile, json.stdout);
  const out = join(tmp, `${name}.dat`);
  const enc = await runCli('encode', jsonFile, '-o', out);
  expect(enc.stderr).toBe('');
  expect(enc.code).toBe(0);
  return { json: JSON.parse(json.stdout) as { tables: Record<string, unknown>[] }, bytes: readFileSync(out) };
}

describe('IORT decode follows Node Count and Node Offset', () => {
  it('bytes after the counted nodes: a warning, exit 0, and they come back from the JSON', async () => {
    const run = await runCli('decode', fixture('iort-bytes-after-nodes'));
    expect(run.code).toBe(0);
    expect(run.stderr.split('\n').filter(Boolean)).toEqual([expect.stringContaining('IORT@0xdc: warning [iort-bytes-after-nodes]: 4 byte(s) after the last of the 3 node(s)')]);
    // As iasl prints a raw buffer: the bytes, then their ASCII in a comment.
    expect(run.stdout).toContain('[0DCh 0220 004h]              Trailing Bytes : DE AD BE EF                                     /* .... */\\\n');
    const back = await jsonRoundTrip(fixture('iort-bytes-after-nodes'), 'after-nodes');
    expect(back.json.tables[0]!['trailing']).toBe('deadbeef');
    expect(back.json.tables[0]).not.toHaveProperty('nodeCount');
    const text = await runCli('decode', join(tmp, 'after-nodes.dat'));
    expect(text.stdout.split('\n').slice(1)).toEqual(run.stdout.split('\n').slice(1).map((l) => l.replace(fixture('iort-bytes-after-nodes'), join(tmp, 'after-nodes.dat'))));
  });

  it('check reports them, and a table revision with known issues, under their own ids', async () => {
    const after = await runCli('check', fixture('iort-bytes-after-nodes'));
    expect(after.stderr).toContain('IORT@0xdc: warning [iort-bytes-after-nodes]');
    const revision = await runCli('check', fixture('iort-unsupported-revision'));
    expect(revision.stderr).toContain('IORT@0x8: warning [iort-unsupported-revision]: table revision 4 (issue E.c)');
    const decoded = await runCli('decode', fixture('iort-unsupported-revision'));
    expect([decoded.code, decoded.stderr]).toEqual([0, expect.stringContaining('warning [iort-unsupported-revision]')]);
  });
});

describe('IORT JSON keeps node references and gives the bytes back', () => {
  it('golden arm-smmuv3-its: ID mappings name nodes as {"node": i}', async () => {
    const file = join(GOLDEN_DIR, 'arm-smmuv3-its/IORT.hex');
    const { json, bytes } = await jsonRoundTrip(file, 'golden');
    const nodes = json.tables[0]!['nodes'] as { type: string; idMappings: { outputReference: unknown }[] }[];
    const rc = nodes.find((n) => n.type === 'RootComplex')!;
    expect(rc.idMappings[0]!.outputReference).toEqual({ node: nodes.findIndex((n) => n.type === 'SmmuV3') });
    expect(rc).not.toHaveProperty('mappingCount');
    const decoded = await runCli('decode', join(tmp, 'golden.dat'));
    const original = await runCli('decode', file);
    const fields = (s: string) => s.split('\n').filter((l) => l.startsWith('['));
    expect(fields(decoded.stdout)).toEqual(fields(original.stdout));
    expect(bytes.length).toBe(new DataView(bytes.buffer, bytes.byteOffset).getUint32(4, true));
  });

  it.skipIf(!HAVE_CORPUS)('Orion O6 (14 named components with unused bytes): the JSON gives its bytes back', async () => {
    const file = join(CORPUS_DIR, 'real/libmuy-orion-o6-drivers/acpi/iort.dat');
    const { json, bytes } = await jsonRoundTrip(file, 'orion');
    expect(JSON.stringify(json)).toContain('"outputReference":{"node":');
    expect(bytes).toEqual(readFileSync(file));
  });
});

describe('IORT diff compares what the declaration says', () => {
  it.skipIf(!HAVE_CORPUS)('a root complex that gains ID mappings shows them, not "Node Data" bytes and counts', async () => {
    const dir = join(CORPUS_DIR, 'qemu-expected/tests/data/acpi/aarch64/virt');
    const run = await runCli('diff', join(dir, 'IORT'), join(dir, 'IORT.its_off'));
    expect(run.stdout).toContain('  ~ root complex segment 0\n      Identifier: 00000000 → 00000001\n      + IDs 0x0-0xff → SMMUv3 smmuv3@0x9050000 [0x0]\n');
    expect(run.stdout).not.toContain('Node Data');
    expect(run.stdout).not.toContain('Node Count');
  });
});

describe('editing an IORT\'s JSON', () => {
  it('a layout naming no part of the node, or a reference to no node, is refused with its JSON path', async () => {
    const json = await runCli('decode', join(GOLDEN_DIR, 'arm-smmuv3-its/IORT.hex'), '--format', 'json');
    const doc = JSON.parse(json.stdout) as { tables: { nodes: Record<string, unknown>[] }[] };
    const nodes = doc.tables[0]!.nodes;
    const rc = nodes.findIndex((n) => n['type'] === 'RootComplex');
    nodes[rc]!['layout'] = { order: ['memoryRanges'] };
    (nodes[rc]!['idMappings'] as Record<string, unknown>[])[0]!['outputReference'] = { node: nodes.length };
    const file = join(tmp, 'edited.json');
    writeFileSync(file, JSON.stringify(doc));
    const run = await runCli('encode', file, '-o', join(tmp, 'edited.dat'));
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`$.tables[0].nodes[${rc}].layout.order`);
    nodes[rc]!['layout'] = undefined;
    writeFileSync(file, JSON.stringify(doc));
    const again = await runCli('encode', file, '-o', join(tmp, 'edited.dat'));
    expect(again.code).toBe(2);
    expect(again.stderr).toContain(`IORT/RootComplex[0]/IdMapping[0].outputReference`);
    expect(again.stderr).toContain('[encode-bad-reference]');
  });
});
