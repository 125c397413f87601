/** decode, encode and map on tables, through the CLI contract. */
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CORPUS_DIR, HAVE_CORPUS, REPO_ROOT, TABLES_DIR } from '../support/paths.js';
import { runCli } from '../support/run-cli.js';

const tmp = mkdtempSync(join(tmpdir(), 'ridmap-decode-'));
const qemuDmar = join(CORPUS_DIR, 'qemu-expected/tests/data/acpi/x86/q35/DMAR.dmar');
const example = join(TABLES_DIR, 'q35-vtd-pci-bridge.yaml');

async function builtDmar(): Promise<string> {
  const out = join(tmp, 'build');
  const run = await runCli('build', example, '--out', out);
  expect(run.code).toBe(0);
  return join(out, 'DMAR.dat');
}

describe('decode and encode', () => {
  it('decode prints iasl field lines and encode of its JSON gives the same bytes back', async () => {
    const dmar = await builtDmar();
    const text = await runCli('decode', dmar);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain('[000h 0000 004h]                   Signature : "DMAR"');
    expect(text.stdout).toMatch(/\[030h 0048 002h\]\s+Subtable Type : 0000 \[Hardware Unit Definition\]/);
    expect(text.stdout).toMatch(/\nRaw Table Data: Length \d+ \(0x[0-9A-F]+\)\n\n {4}0000: 44 4D 41 52 /);
    // The form of iasl before 20221020: decimal width, 28-column labels, DRHD byte 5 still reserved.
    const old = await runCli('decode', dmar, '--iasl-format', '2020');
    expect(old.code).toBe(0);
    expect(old.stdout).toContain('[000h 0000   4]                    Signature : "DMAR"    [DMA Remapping table]');
    expect(old.stdout).toContain('[035h 0053   1]                     Reserved : ');
    expect(old.stdout).not.toContain('(in hex)');
    expect((await runCli('decode', dmar, '--iasl-format', '2019')).code).toBe(2);

    const json = await runCli('decode', dmar, '--format', 'json');
    expect(json.code).toBe(0);
    const jsonFile = join(tmp, 'dmar.json');
    writeFileSync(jsonFile, json.stdout);
    const out = join(tmp, 'again.dat');
    const enc = await runCli('encode', jsonFile, '-o', out);
    expect(enc.stderr).toBe('');
    expect(enc.code).toBe(0);
    expect(readFileSync(out)).toEqual(readFileSync(dmar));
  });

  it('an edited JSON is recompiled with a new checksum and length', async () => {
    const dmar = await builtDmar();
    const doc = JSON.parse((await runCli('decode', dmar, '--format', 'json')).stdout) as {
      tables: { hostAddressWidth: number; remappingStructures: unknown[] }[];
    };
    doc.tables[0]!.hostAddressWidth = 38;
    doc.tables[0]!.remappingStructures.pop();
    const jsonFile = join(tmp, 'edited.json');
    writeFileSync(jsonFile, JSON.stringify(doc));
    const out = join(tmp, 'edited.dat');
    expect((await runCli('encode', jsonFile, '-o', out)).code).toBe(0);
    const bytes = readFileSync(out);
    expect(bytes[36]).toBe(38);
    expect(bytes.readUInt32LE(4)).toBe(bytes.length);
    expect(bytes.reduce((a, b) => (a + b) & 0xff, 0)).toBe(0);
  });

  it('encode -o DIR/ writes SIG.dat into a new directory; a 250-character file name is written (the temporary name stays short)', async () => {
    const dmar = await builtDmar();
    const jsonFile = join(tmp, 'for-out.json');
    writeFileSync(jsonFile, (await runCli('decode', dmar, '--format', 'json')).stdout);

    const dir = join(tmp, 'new-dir');
    const intoDir = await runCli('encode', jsonFile, '-o', `${dir}/`);
    expect(intoDir.stderr).toBe('');
    expect(intoDir.code).toBe(0);
    expect(readdirSync(dir)).toEqual(['DMAR.dat']);
    expect(readFileSync(join(dir, 'DMAR.dat'))).toEqual(readFileSync(dmar));
    expect((await runCli('encode', jsonFile, '-o', dir)).stdout).toBe(`${join(dir, 'DMAR.dat')}  DMAR, ${readFileSync(dmar).length} bytes\n`);

    const long = join(tmp, `${'a'.repeat(246)}.dat`);
    const named = await runCli('encode', jsonFile, '-o', long);
    expect(named.stderr).toBe('');
    expect(named.code).toBe(0);
    expect(readFileSync(long)).toEqual(readFileSync(dmar));
    expect(readdirSync(tmp).filter((n) => n.endsWith('.tmp'))).toEqual([]);
  });

  it('encode refuses a broken model with every problem and exit 2', async () => {
    const jsonFile = join(tmp, 'bad.json');
    writeFileSync(jsonFile, JSON.stringify({ tables: [{ signature: 'DMAR', revision: 'one', remappingStructures: [{ type: 'DRHD' }] }] }));
    const run = await runCli('encode', jsonFile, '-o', join(tmp, 'never.dat'));
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('bad.json');
    expect(run.stderr.split('\n').filter((l) => l.includes('error')).length).toBeGreaterThan(1);
  });

  it('a truncated table prints what it can, names the offset, exits 2', async () => {
    const bytes = readFileSync(await builtDmar());
    const cut = join(tmp, 'cut.dat');
    writeFileSync(cut, bytes.subarray(0, 60));
    const run = await runCli('decode', cut);
    expect(run.code).toBe(2);
    expect(run.stdout).toContain('Signature : "DMAR"');
    expect(run.stderr).toMatch(/cut\.dat:DMAR.*@0x[0-9a-f]+: error \[/);
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });

  it('a file that is no table at all is exit 2 with a clear message', async () => {
    const junk = join(tmp, 'junk.bin');
    writeFileSync(junk, Buffer.from([1, 2, 3, 0, 0, 9, 9]));
    const run = await runCli('decode', junk);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('junk.bin');
  });

  it.skipIf(!HAVE_CORPUS)('QEMU DMAR maps its five endpoint scopes without a topology', async () => {
    const run = await runCli('map', qemuDmar, '--format', 'json');
    expect(run.code).toBe(0);
    const map = JSON.parse(run.stdout) as { translations: { first: string; last: string; iommu: string }[] };
    expect(map.translations.map((t) => `${t.first}-${t.last} ${t.iommu}`)).toEqual([
      '00:00.0-00:00.0 vtd@0xfed90000',
      '00:01.0-00:01.0 vtd@0xfed90000',
      '00:1f.0-00:1f.0 vtd@0xfed90000',
      '00:1f.2-00:1f.3 vtd@0xfed90000',
    ]);
  });

  it('map of a built DMAR with --topology gives the topology its own devices back, under every numbering', async () => {
    const dmar = await builtDmar();
    for (const numbering of ['firmware', 'compact', 'hotplug-shift']) {
      const fromTable = JSON.parse((await runCli('map', dmar, '-t', example, '-n', numbering, '-f', 'json')).stdout) as { devices: unknown[] };
      const fromTopology = JSON.parse((await runCli('map', example, '-n', numbering, '-f', 'json')).stdout) as { devices: unknown[] };
      expect(fromTable.devices).toEqual(fromTopology.devices);
    }
  });

  it('tree is for topologies; dot draws tables too: their RID ranges, or the topology they are resolved against', async () => {
    const dmar = await builtDmar();
    const run = await runCli('map', dmar, '--format', 'tree');
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--format tree draws a topology');
    const ranges = await runCli('map', dmar, '--format', 'dot');
    expect(ranges.code).toBe(0);
    expect(ranges.stdout).toMatch(/^digraph/);
    expect(ranges.stdout).toContain('vtd@0xfed90000');
    expect(ranges.stdout).toContain('segment 0000');
    const tree = await runCli('map', dmar, '-t', example, '--format', 'dot');
    expect(tree.code).toBe(0);
    expect(tree.stdout).toContain('nic0');
  });

  it('decode --format json puts device trees beside the ACPI tables', async () => {
    const out = join(tmp, 'arm');
    expect((await runCli('build', join(TABLES_DIR, 'arm-smmuv3-its.yaml'), '--out', out)).code).toBe(0);
    const run = await runCli('decode', join(out, 'IORT.dat'), join(out, 'board.dtb'), '--format', 'json');
    expect(run.code).toBe(0);
    const doc = JSON.parse(run.stdout) as { tables: { signature: string }[]; deviceTrees: { file: string }[] };
    expect(doc.tables.map((t) => t.signature)).toEqual(['IORT']);
    expect(doc.deviceTrees.map((t) => t.file)).toEqual([join(out, 'board.dtb')]);
  });

  it('encode of that document writes the ACPI tables and skips the device trees with a warning that says how many', async () => {
    const out = join(tmp, 'arm-encode');
    expect((await runCli('build', join(TABLES_DIR, 'arm-smmuv3-its.yaml'), '--out', out)).code).toBe(0);
    const doc = await runCli('decode', join(out, 'IORT.dat'), join(out, 'board.dtb'), join(out, 'board.dts'), '--format', 'json');
    const jsonFile = join(out, 'mixed.json');
    writeFileSync(jsonFile, doc.stdout);
    const again = join(out, 'again.dat');
    const run = await runCli('encode', jsonFile, '-o', again);
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(`${again}  IORT, 300 bytes\n`);
    expect(run.stderr).toBe(
      `${jsonFile}:$.deviceTrees: warning [json-device-trees-skipped]: 2 device trees skipped: encode writes ACPI tables from JSON ` +
        '(a DTB comes from `ridmap build`, or from `ridmap encode board.dts` given the DTS `ridmap decode` prints)\n',
    );
    expect(readFileSync(again)).toEqual(readFileSync(join(out, 'IORT.dat')));
  });

  it('decode and map read a DTS with its /include/ read beside it', async () => {
    const dts = join(REPO_ROOT, 'test/fixtures/dt/board-with-include.dts');
    const decoded = await runCli('decode', dts);
    expect(decoded.stderr).toBe('');
    expect(decoded.stdout).toContain('\tsmmu: iommu@9050000 {');
    const map = await runCli('map', dts);
    expect(map.code).toBe(0);
    expect(map.stdout).toContain('0000:00:00.0-0000:ff:1f.7 -> smmuv3@0x9050000 +0x0 (DT)');
  });

  it('encode refuses a "deviceTrees" that is not a list, as any malformed document', async () => {
    const jsonFile = join(tmp, 'trees-not-a-list.json');
    writeFileSync(jsonFile, JSON.stringify({ tables: [], deviceTrees: {} }));
    const run = await runCli('encode', jsonFile);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('$.deviceTrees: error');
  });
});
