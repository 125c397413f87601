/**
 * The RIMT through the CLI: iasl 20250404's own template (compiled by that
 * iasl, test/fixtures/rimt/iasl-template.dat) and a hand-built table with
 * every node type and three IOMMUs (test/fixtures/rimt/tables.ts) decode with
 * no finding, print iasl's field lines, come back byte for byte through
 * encode and through JSON (destinations as {"node": i}), and agree field by
 * field with `iasl -d` of the reference root's iasl (skipped, saying why,
 * where there is no root).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CHECKSUM_OFFSET, computeChecksum } from '../../src/acpi/header.js';
import { decodeRimt, encodeRimt, printRimtText, type RimtTable } from '../../src/acpi/rimt/index.js';
import { chrootArgv, findReferenceRoot, rootTempDir } from '../../src/judge/reference-root.js';
import { everyNodeRimt, encodeRimtModel, RIMT_FIXTURE_DIR, smallRimt } from '../fixtures/rimt/tables.js';
import { TABLES_DIR } from '../support/paths.js';
import { runCli } from '../support/run-cli.js';
import { expectSameBytes, flavours, plain } from './bytes.js';
import { compareWithIasl, parseFieldLines } from './iasl-oracle.js';
import { expectJsonRoundTrip, expectRoundTrip } from './roundtrip.js';

const TEMPLATE = join(RIMT_FIXTURE_DIR, 'iasl-template.dat');
const EVERY_NODE = join(RIMT_FIXTURE_DIR, 'every-node.dat');
/** QEMU 11.1's own RIMTs (test/fixtures/rimt/README.md says how they were captured). */
const QEMU = ['qemu-iommu-pci.dat', 'qemu-iommu-pci-addr3.dat', 'qemu-iommu-sys.dat'].map((f) => join(RIMT_FIXTURE_DIR, f));
const FILES = [TEMPLATE, EVERY_NODE, ...QEMU];

const work = mkdtempSync(join(tmpdir(), 'ridmap-rimt-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('the hand-built RIMT fixture', () => {
  if (process.env['RIDMAP_UPDATE_FIXTURES']) writeFileSync(EVERY_NODE, encodeRimtModel(everyNodeRimt()));
  it('every-node.dat is what everyNodeRimt() encodes to', () => {
    expect(existsSync(EVERY_NODE), `${EVERY_NODE} missing: run with RIDMAP_UPDATE_FIXTURES=1`).toBe(true);
    expectSameBytes(plain(readFileSync(EVERY_NODE)), encodeRimtModel(everyNodeRimt()), 'every-node.dat');
  });

  for (const [flavour, make] of flavours) {
    it(`decodes (${flavour}) to exactly the model it was built from`, () => {
      const { table, diagnostics } = decodeRimt(make(encodeRimtModel(everyNodeRimt())));
      expect(diagnostics).toEqual([]);
      expect(table).toEqual(everyNodeRimt());
    });
  }
});

describe('RIMT through the CLI', () => {
  for (const file of FILES) {
    const name = file.slice(RIMT_FIXTURE_DIR.length);

    it(`decode ${name}: exit 0, no finding, iasl's field lines`, async () => {
      const r = await runCli('decode', file);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      // iasl has no name for RIMT: the signature is followed by its 4 spaces alone.
      expect(r.stdout).toMatch(/^\[000h 0000 004h\] {19}Signature : "RIMT" {4}$/m);
      expect(r.stdout).toMatch(/^\[024h 0036 004h\] {8}Number of RIMT Nodes : 0000000[26]$/m);
      expect(r.stdout).toMatch(/^\[[0-9A-F]{3}h \d{4} 004h\] +Destination IOMMU Offset : 000000[0-9A-F]{2}$/m);
    });

    it(`${name}: decode→encode and decode→JSON→encode give the bytes back`, () => {
      const bytes = plain(readFileSync(file));
      expectRoundTrip(bytes);
      expectJsonRoundTrip(bytes);
    });

    it(`decode --format json ${name}, then encode: destinations are {"node": i}, the same bytes come back`, async () => {
      const r = await runCli('decode', '--format', 'json', file);
      expect(r.code).toBe(0);
      const doc = JSON.parse(r.stdout) as { tables: { nodeCount?: unknown; nodes: { type: string; idMappings?: { destinationIommu: unknown }[] }[] }[] };
      const t = doc.tables[0]!;
      expect(t).not.toHaveProperty('nodeCount');
      const destinations = t.nodes.flatMap((n) => n.idMappings ?? []).map((m) => m.destinationIommu);
      expect(destinations.length).toBeGreaterThan(0);
      for (const d of destinations) expect(d).toEqual({ node: expect.any(Number) });
      const json = join(work, `${name}.json`);
      const out = join(work, `${name}.out`);
      writeFileSync(json, r.stdout);
      const e = await runCli('encode', json, '-o', out);
      expect(e.stderr).toBe('');
      expect(e.code).toBe(0);
      expectSameBytes(plain(readFileSync(out)), plain(readFileSync(file)), `${name} through JSON`);
    });
  }

  it('the hand-built table names every node type, two platform IOMMUs and their wires in the text', async () => {
    const r = await runCli('decode', EVERY_NODE);
    expect(r.stdout.match(/ Hardware ID : "RSCV0004"$/gm)).toHaveLength(3);
    expect(r.stdout).toMatch(/ Interrupt Number : 00000021$/m);
    expect(r.stdout).toMatch(/ Device Object Name : "\\_SB_\.DMA0"$/m);
    expect(r.stdout.match(/ Source ID Base : /g)).toHaveLength(5);
  });

  it('an edited JSON document is laid out afresh: drop the first IOMMU, and the destinations still name theirs', () => {
    const t = everyNodeRimt();
    t.nodes.splice(0, 1);
    for (const n of t.nodes) {
      for (const m of 'idMappings' in n ? n.idMappings : []) {
        const ref = m.destinationIommu as { node: number };
        m.destinationIommu = { node: ref.node === 0 ? 0 : ref.node - 1 };
      }
    }
    const back = decodeRimt(encodeRimtModel(t));
    expect(back.diagnostics).toEqual([]);
    expect(back.table).toEqual(t);
  });

  it('encode refuses a destination that names no node, and says where', () => {
    const t: RimtTable = everyNodeRimt();
    const rc = t.nodes[3] as Extract<RimtTable['nodes'][number], { type: 'PcieRootComplex' }>;
    rc.idMappings[0]!.destinationIommu = { node: 9 };
    const e = encodeRimt(t);
    expect(e.bytes).toBeUndefined();
    expect(e.diagnostics.map((d) => [d.code, d.path])).toEqual([['encode-bad-reference', 'RIMT/PcieRootComplex[0]/IdMapping[0].destinationIommu']]);
  });
});

describe('ridmap diff of two RIMTs', () => {
  it('names IOMMUs by base address (or PCIe function), root complexes by segment, platform devices by name', async () => {
    const b = everyNodeRimt();
    const [first, second] = b.nodes as Extract<RimtTable['nodes'][number], { type: 'Iommu' }>[];
    second!.baseAddress = 0x3030000n;
    first!.interruptWires[1]!.interruptNumber = 40;
    const rc1 = b.nodes[4] as Extract<RimtTable['nodes'][number], { type: 'PcieRootComplex' }>;
    rc1.idMappings[0]!.destinationIdBase = 0x20100;
    const fa = join(work, 'diff-a.dat');
    const fb = join(work, 'diff-b.dat');
    writeFileSync(fa, encodeRimtModel(everyNodeRimt()));
    writeFileSync(fb, encodeRimtModel(b));
    const r = await runCli('diff', fa, fb);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^ {2}~ IOMMU riscv-iommu@0x3010000$/m);
    expect(r.stdout).toMatch(/^ {2}- IOMMU riscv-iommu@0x3020000$/m);
    expect(r.stdout).toMatch(/^ {2}\+ IOMMU riscv-iommu@0x3030000$/m);
    expect(r.stdout).toMatch(/^ {2}~ PCIe root complex segment 1$/m);
    // Unchanged structures are not listed; the map part (the RIMT resolves) says what the changes do to the RIDs.
    const [structures, mapPart] = r.stdout.split('\nmap:\n');
    expect(structures).not.toMatch(/riscv-iommu-pci@0001:00:01\.0|segment 0$|DMA0/m);
    expect(mapPart).toContain('buses 80-ff moved from riscv-iommu@0x3020000 to riscv-iommu@0x3030000');
    expect(mapPart).toContain('buses 01-ff (segment 1) keep riscv-iommu-pci@0001:00:01.0 but their output IDs shift by +0x10000');
    const same = await runCli('diff', fa, fa);
    expect(same.code).toBe(0);
  });
});

describe('RIMT nodes ridmap does not know, and bad destinations', () => {
  it('a node of a reserved type is kept raw (a warning), and the table comes back byte for byte', async () => {
    const t = everyNodeRimt();
    t.nodes.push({ type: 7, revision: 1, id: 6, raw: Uint8Array.of(1, 2, 3, 4, 5, 6, 7, 8) });
    const bytes = encodeRimtModel(t);
    const d = decodeRimt(bytes);
    expect(d.diagnostics.map((x) => [x.severity, x.code])).toEqual([['warning', 'bin-unknown-type']]);
    expect(d.table.nodes[6]).toEqual(t.nodes[6]);
    expectRoundTrip(bytes);
    expectJsonRoundTrip(bytes);
    const file = join(work, 'unknown-node.dat');
    writeFileSync(file, bytes);
    const r = await runCli('decode', file);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/ Type : 07$/m);
    expect(r.stdout).toMatch(/^ +[0-9A-F]{8}: 01 02 03 04 05 06 07 08 /m);
  });

  it('a Destination IOMMU Offset that starts no node is rimt-dangling-reference, with its offset', async () => {
    const bytes = encodeRimtModel(everyNodeRimt());
    const d0 = decodeRimt(bytes);
    const at = findDestinationOffset(bytes, d0.table);
    const bad = Uint8Array.from(bytes);
    new DataView(bad.buffer).setUint32(at, 0x31, true);
    bad[CHECKSUM_OFFSET] = computeChecksum(bad);
    const d = decodeRimt(bad);
    expect(d.diagnostics.map((x) => [x.severity, x.code, x.offset])).toEqual([['error', 'rimt-dangling-reference', at]]);
    const file = join(work, 'dangling.dat');
    writeFileSync(file, bad);
    const r = await runCli('decode', file);
    expect(r.stderr).toMatch(/RIMT\/PcieRootComplex\[0\]\/IdMapping\[0\].*error \[rimt-dangling-reference\]/);
    expect(r.code).toBe(2);
  });
});

describe('a Destination IOMMU Offset of 0', () => {
  it('is rimt-dangling-reference too (Linux: "ID map has NULL parent reference", a firmware bug)', () => {
    const bad = Uint8Array.from(encodeRimtModel(smallRimt()));
    new DataView(bad.buffer).setUint32(0x78, 0, true);
    bad[CHECKSUM_OFFSET] = computeChecksum(bad);
    const d = decodeRimt(bad);
    expect(d.diagnostics.map((x) => [x.code, x.offset])).toEqual([['rimt-dangling-reference', 0x78]]);
    expect((d.table.nodes[1] as { idMappings: { destinationIommu: unknown }[] }).idMappings[0]!.destinationIommu).toEqual({ offset: 0 });
  });
});

/** Byte offset of the first ID mapping's Destination IOMMU Offset (it holds the first IOMMU's offset, 0x30). */
function findDestinationOffset(bytes: Uint8Array, table: RimtTable): number {
  expect(table.nodes[3]!.type).toBe('PcieRootComplex');
  const text = printRimtText(bytes);
  const m = /^\[([0-9A-F]{3})h \d{4} 004h\] +Destination IOMMU Offset : 00000030$/m.exec(text)!;
  return parseInt(m[1]!, 16);
}

// ---------------------------------------------------------------------------
// iasl -d of the reference root (ACPICA 20250404, which knows RIMT)

const lookup = findReferenceRoot();
const rootMissing = lookup.missing
  ?? (process.getuid?.() === 0 ? undefined : 'running iasl in the reference root needs chroot, so root');
if (rootMissing) console.warn(`RIMT against the reference root's iasl skipped: ${rootMissing}`);

/** `iasl -d` inside the reference root; the .dsl text. */
function rootIaslDisassemble(root: string, bytes: Uint8Array): string {
  const base = rootTempDir(root);
  mkdirSync(base, { recursive: true });
  const dir = mkdtempSync(join(base, 'ridmap-rimt-'));
  try {
    writeFileSync(join(dir, 't.dat'), bytes);
    const argv = chrootArgv(root, '/bin/sh', ['-c', `cd '${dir}' && iasl -d t.dat`]);
    const r = spawnSync(argv[0]!, argv.slice(1), { encoding: 'utf8' });
    if (r.error) throw r.error;
    return readFileSync(join(dir, 't.dsl'), 'utf8');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe.skipIf(rootMissing !== undefined)('RIMT against iasl -d of the reference root', () => {
  for (const file of FILES) {
    it(`${file.slice(RIMT_FIXTURE_DIR.length)}: every field line iasl prints is ours, value for value`, () => {
      const bytes = plain(readFileSync(file));
      const iasl = parseFieldLines(rootIaslDisassemble(lookup.root!.path, bytes));
      expect(iasl.some((l) => l.label === 'Destination IOMMU Offset')).toBe(true);
      const r = compareWithIasl(iasl, parseFieldLines(printRimtText(bytes)));
      expect(r.problems).toEqual([]);
      expect(r.matched).toBe(iasl.length);
    });
  }
  for (const example of ['riscv-virt-iommu-pci', 'riscv-server-rimt']) {
    it(`ridmap's RIMT built from tables/${example}.yaml: every field line iasl prints is ours`, async () => {
      const out = join(work, `built-${example}`);
      expect((await runCli('build', join(TABLES_DIR, `${example}.yaml`), '--out', out)).code).toBe(0);
      const bytes = plain(readFileSync(join(out, 'RIMT.dat')));
      const iasl = parseFieldLines(rootIaslDisassemble(lookup.root!.path, bytes));
      expect(iasl.some((l) => l.label === 'Destination IOMMU Offset')).toBe(true);
      const r = compareWithIasl(iasl, parseFieldLines(printRimtText(bytes)));
      expect(r.problems).toEqual([]);
      expect(r.matched).toBe(iasl.length);
    });
  }
});
