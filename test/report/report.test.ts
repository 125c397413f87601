/**
 * The report module (what the browser page shows) says what the CLI says:
 * the same decoded text and JSON, map, findings and diff, for the same files.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildOutputs } from '../../src/build-outputs.js';
import { formatDiagnostic } from '../../src/diagnostic.js';
import { parseTopology } from '../../src/model/parse-topology.js';
import { resolveTopology } from '../../src/model/resolve.js';
import { buildDiff, buildReport, decodedJson, loadSide, MAX_PICTURE_NODES, type NamedBytes, type Report } from '../../src/report/index.js';
import { CORPUS_DIR, GOLDEN_DIR, HAVE_CORPUS, TABLES_DIR } from '../support/paths.js';
import { runCli } from '../support/run-cli.js';
import { encodeModel, smallDmar } from '../acpi/dmar-fixtures.js';

const QEMU = join(CORPUS_DIR, 'qemu-expected');
const Q35_DMAR = join(QEMU, 'tests/data/acpi/x86/q35/DMAR.dmar');
const OLD_DMAR = join(QEMU, 'older/44d3bdd8a6f1/tests/data/acpi/q35/DMAR.dmar');
const VTD_TOPOLOGY = join(TABLES_DIR, 'q35-vtd-pci-bridge.yaml');
const ARM_TOPOLOGY = join(TABLES_DIR, 'arm-smmuv3-its.yaml');

const file = (path: string, name = path): NamedBytes => ({ name, bytes: new Uint8Array(readFileSync(path)) });

/** The board DTB or DTS the Arm example topology builds. */
function armBoard(name: 'board.dtb' | 'board.dts'): NamedBytes {
  const resolved = resolveTopology(parseTopology(readFileSync(ARM_TOPOLOGY, 'utf8'), ARM_TOPOLOGY));
  const { data } = buildOutputs(resolved).outputs.find((o) => o.name === name)!;
  return { name, bytes: typeof data === 'string' ? new TextEncoder().encode(data) : data };
}
const armDtb = () => armBoard('board.dtb');

describe.skipIf(!HAVE_CORPUS)('report of a corpus table (QEMU q35 DMAR)', () => {
  // Built in beforeAll, not in the describe body: vitest runs the body of a skipped
  // describe too (to list its tests), and without the corpus the file is not there.
  let report: Report;
  beforeAll(async () => {
    report = await buildReport([file(Q35_DMAR)]);
  });

  it('decodes it as `ridmap decode` does', async () => {
    expect(report.diagnostics).toEqual([]);
    expect(report.tables.map((t) => [t.name, t.format, t.modelled, t.maps, t.binary, t.bytes.length])).toEqual([['DMAR', 'DMAR', true, true, true, 120]]);
    const text = report.tables[0]!.text;
    expect(text).toContain('[000h 0000 004h]                   Signature : "DMAR"    [DMA Remapping Table]');
    expect(text).toContain('[038h 0056 008h]       Register Base Address : 00000000FED90000');
    // Field lines as the CLI prints them (its header comment also names the file).
    const cli = await runCli('decode', Q35_DMAR);
    const fields = (t: string) => t.split('\n').filter((l) => l.startsWith('['));
    expect(fields(text)).toEqual(fields(cli.stdout));
  });

  it('maps it as `ridmap map --format json` does, and draws its RID ranges', async () => {
    const cli = await runCli('map', Q35_DMAR, '--format', 'json');
    expect(report.map.json).toEqual(JSON.parse(cli.stdout));
    expect(report.map.text).toContain('0000:00:1f.2-0000:00:1f.3 -> vtd@0xfed90000 +0xfa (DMAR)');
    expect(report.map.dot).toContain('label="00:1f.2-1f.3\\nvtd@0xfed90000 +0xfa\\n(DMAR)"');
    expect(report.map.dot).toContain('"seg:0" -> "bus:0:0";');
  });

  it('checks it as `ridmap check --format json` does', async () => {
    const cli = JSON.parse((await runCli('check', Q35_DMAR, '--format', 'json')).stdout);
    expect(report.check.findings).toEqual(cli.findings);
    expect(report.check.summary).toEqual(cli.summary);
  });

  it('exports the JSON of `ridmap decode --format json`', async () => {
    const side = await loadSide([file(Q35_DMAR)]);
    expect(decodedJson(side)).toBe((await runCli('decode', Q35_DMAR, '--format', 'json')).stdout);
  });

  it('diffs two versions as `ridmap diff` does', async () => {
    const diff = await buildDiff([file(OLD_DMAR)], [file(Q35_DMAR)]);
    const cli = await runCli('diff', OLD_DMAR, Q35_DMAR);
    expect(diff.lines.join('\n') + '\n').toBe(cli.stdout);
    expect(diff.equal).toBe(false);
  });

  it('colours the topology picture by what the tables say, and outlines where they disagree', async () => {
    const both = await buildReport([file(VTD_TOPOLOGY), file(Q35_DMAR)]);
    // QEMU's own DMAR has no scope for the root ports: the tables leave nvme0 untranslated.
    const nvme = both.map.dot!.split('\n').find((l) => l.includes('"fn:nvme0"'))!;
    expect(nvme).toContain('untranslated\\ntopology: vtd@0xfed90000 [0x100]');
    expect(nvme).toContain('color="red"');
    expect(both.map.dot!.split('\n').find((l) => l.includes('"fn:mch"'))).not.toContain('red');
  });
});

describe('report of an example topology', async () => {
  const report = await buildReport([file(VTD_TOPOLOGY, 'q35-vtd-pci-bridge.yaml')]);

  it('shows the tables the topology builds, its map and its picture (the golden ones)', () => {
    expect(report.tables.map((t) => t.file)).toEqual(['q35-vtd-pci-bridge.yaml#DMAR.dat']);
    expect(report.tables[0]!.text).toContain('Signature : "DMAR"');
    expect(JSON.stringify(report.map.json, null, 2) + '\n').toBe(readFileSync(join(GOLDEN_DIR, 'q35-vtd-pci-bridge/map.json'), 'utf8'));
    expect(report.map.dot).toBe(readFileSync(join(GOLDEN_DIR, 'q35-vtd-pci-bridge/topology.dot'), 'utf8'));
    expect(report.check.findings).toEqual([]);
    expect(report.check.summary?.tables[0]?.roundTrip).toMatch(/^identical/);
  });

  it('takes a DTB, and maps it', async () => {
    const dt = await buildReport([armDtb()]);
    expect(dt.tables.map((t) => [t.name, t.format])).toEqual([['DT', 'DT']]);
    expect(dt.tables[0]!.text).toMatch(/iommu-map = </);
    expect(dt.map.json.translations).toEqual([{ segment: 0, first: '00:00.0', last: '7f:1f.7', iommu: 'smmuv3@0x9050000', outputBase: 0, source: 'DT' }]);
    expect(dt.map.dot).toContain('smmuv3@0x9050000');
  });

  it('takes a DTS, with its /include/s among the other files given', async () => {
    const dts = armBoard('board.dts');
    const main = { name: 'main.dts', bytes: new TextEncoder().encode(`${new TextDecoder().decode(dts.bytes)}\n/include/ "dir/extra.dtsi"\n`) };
    const extra = { name: 'extra.dtsi', bytes: new TextEncoder().encode('/ { chosen { bootargs = "from-include"; }; };\n') };
    const dt = await buildReport([main, extra]);
    expect(dt.diagnostics).toEqual([]);
    expect(dt.tables.map((t) => [t.file, t.name, t.binary])).toEqual([['main.dts', 'DT', true]]); // its bytes: the DTB it compiles to
    expect(dt.tables[0]!.text).toContain('bootargs = "from-include";');
    expect(dt.map.json.translations[0]).toMatchObject({ iommu: 'smmuv3@0x9050000', source: 'DT' });
  });

  it('diffs two topologies', async () => {
    const diff = await buildDiff([file(VTD_TOPOLOGY, 'a.yaml')], [file(join(TABLES_DIR, 'x86-server-dmar.yaml'), 'b.yaml')]);
    expect(diff.lines.slice(0, 2)).toEqual(['--- A: a.yaml', '+++ B: b.yaml']);
    expect(diff.equal).toBe(false);
  });
});

describe('report of the AMD-Vi and RISC-V examples (what the page shows for IVRS and RIMT)', () => {
  for (const [example, table] of [['q35-amd-vi', 'IVRS'], ['riscv-virt-iommu-pci', 'RIMT'], ['riscv-server-rimt', 'RIMT']] as const) {
    it(`${example}: its ${table}, decoded as iasl prints it, the golden map, no findings, an identical round trip`, async () => {
      const report = await buildReport([file(join(TABLES_DIR, `${example}.yaml`), `${example}.yaml`)]);
      expect(report.tables.map((t) => t.file)).toEqual([`${example}.yaml#${table}.dat`]);
      expect(report.tables[0]!.text).toContain(`Signature : "${table}"`);
      expect(JSON.stringify(report.map.json, null, 2) + '\n').toBe(readFileSync(join(GOLDEN_DIR, `${example}/map.json`), 'utf8'));
      expect(report.check.findings.filter((d) => d.severity !== 'info')).toEqual([]);
      expect(report.check.summary?.tables[0]?.roundTrip).toMatch(/^identical/);
    });
  }
});

describe('report of bad input', () => {
  it('says what the CLI says about a file it cannot read, and goes on with the others', async () => {
    const junk = { name: 'junk.bin', bytes: new Uint8Array([1, 2, 3, 4, 0, 0, 0, 9]) };
    const report = await buildReport([junk, file(VTD_TOPOLOGY, 'topo.yaml')]);
    expect(report.diagnostics.map(formatDiagnostic)).toEqual([
      'junk.bin: error [input-unknown-kind]: cannot tell what this is: binary data starting "...." (8 bytes: shorter than an ACPI table header, 36 bytes) that is neither a known ACPI table (signature + plausible length) nor a DTB. ridmap reads raw ACPI tables, acpidump text, iasl .dsl files, its own decoded JSON, DTB and DTS',
    ]);
    expect(report.tables).toHaveLength(1);
  });

  it('says what `ridmap decode` says about a damaged table, and still decodes what is there', async () => {
    const cut = encodeModel(smallDmar()).subarray(0, 60);
    const path = join(mkdtempSync(join(tmpdir(), 'ridmap-report-')), 'cut.dat');
    writeFileSync(path, cut);
    const report = await buildReport([{ name: path, bytes: cut }]);
    const cli = await runCli('decode', path);
    expect(report.diagnostics.map(formatDiagnostic).join('\n') + '\n').toBe(cli.stderr);
    expect(report.diagnostics.map((d) => d.code)).toEqual(['acpi-length-beyond-buffer', 'bin-length-overrun']);
    expect(report.tables[0]!.text).toContain('    00000034: 01 00 00 00 00 10 D9 FE'); // the cut DRHD, as bytes
  });

  it('takes one topology per side', async () => {
    const side = await loadSide([file(VTD_TOPOLOGY, 'a.yaml'), file(ARM_TOPOLOGY, 'b.yaml')]);
    expect(side.diagnostics.map((d) => [d.code, d.file])).toEqual([['usage', 'b.yaml']]);
  });

  it('reports a topology that does not parse with its line', async () => {
    const side = await loadSide([{ name: 'bad.yaml', bytes: new TextEncoder().encode('name: x\nhostBridges: 5\n') }]);
    expect(side.diagnostics[0]).toMatchObject({ severity: 'error', file: 'bad.yaml', line: 2 });
  });

  it(`does not draw more than ${MAX_PICTURE_NODES} nodes`, async () => {
    // One endpoint scope per RID range, none adjacent to the next (device numbers step by one, function 0).
    const deviceScopes = Array.from({ length: MAX_PICTURE_NODES + 1 }, (_, i) => ({ type: 1, flags: 0, enumerationId: 0, startBusNumber: i >> 5, path: [{ device: i & 31, function: 0 }] }));
    const dmar = smallDmar();
    dmar.remappingStructures = [{ type: 'DRHD', flags: 0, size: 0, segmentNumber: 0, registerBaseAddress: 0xfed90000n, deviceScopes }];
    const report = await buildReport([{ name: 'many.dat', bytes: encodeModel(dmar) }]);
    expect(report.map.json.translations).toHaveLength(MAX_PICTURE_NODES + 1);
    expect(report.map.dot).toBeUndefined();
    expect(report.map.pictureNote).toMatch(/^not drawn: 601 RID ranges and MMIO devices, over the picture's limit of 600 /);
  });
});
