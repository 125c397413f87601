/**
 * A map that is partial says so (issue 14, item 8): with tables only, scopes
 * whose bus numbers only a topology knows are counted in one warning per
 * table on stderr (always, not only under -v), the map's text never claims
 * that nothing is translated, the JSON lists what is left out, and a
 * topology on one side of a diff resolves the other side's tables too.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { DmarDeviceScope, DmarTable } from '../../src/acpi/dmar/model.js';
import { computeChecksum } from '../../src/acpi/header.js';
import { encodeModel } from '../acpi/dmar-fixtures.js';
import { encodeViotModel, pciRange, viotWith } from '../fixtures/viot/tables.js';
import { CORPUS_DIR, HAVE_CORPUS, TABLES_DIR } from '../support/paths.js';
import { runCli } from '../support/run-cli.js';

const tmp = mkdtempSync(join(tmpdir(), 'ridmap-partial-'));

/** Two-hop endpoint scopes (a bridge on the root bus, then a function below it), as a server DMAR names devices. */
const twoHop = (k: number): DmarDeviceScope => ({
  type: 1, flags: 0, enumerationId: 0, startBusNumber: 0,
  path: [{ device: 1, function: 0 }, { device: k >> 3, function: k & 7 }],
});

/** 16 DRHDs, one per segment, 40 two-hop scopes in all: nothing resolves without a topology. */
function sixteenUnits(): DmarTable {
  return {
    signature: 'DMAR', revision: 1, oemId: 'RIDMAP', oemTableId: 'PARTIAL ', oemRevision: 1, creatorId: 'RDMP', creatorRevision: 1,
    hostAddressWidth: 46, flags: 1,
    remappingStructures: Array.from({ length: 16 }, (_, s) => ({
      type: 'DRHD' as const, flags: 0, size: 0, segmentNumber: s, registerBaseAddress: BigInt(0xfed80000 + s * 0x1000),
      deviceScopes: Array.from({ length: s < 8 ? 3 : 2 }, (_, k) => twoHop(k)),
    })),
  };
}

function write(name: string, bytes: Uint8Array): string {
  const file = join(tmp, name);
  writeFileSync(file, bytes);
  return file;
}

describe('map of tables that need a topology says the map is partial', () => {
  const dmar = write('DMAR16.dat', encodeModel(sixteenUnits()));

  it('a 16-DRHD DMAR of two-hop scopes: one warning on stderr without -v, and no "nothing is translated"', async () => {
    const run = await runCli('map', dmar);
    expect(run.code).toBe(0);
    expect(run.stdout).not.toMatch(/nothing is translated/);
    expect(run.stdout).toContain('(none resolved: 40 DMAR scopes need a topology)');
    const lines = run.stderr.trim().split('\n');
    expect(lines).toEqual([
      `${dmar}:DMAR: warning [map-partial]: 40 of 40 device scopes could not be resolved without a topology ` +
        "(bus numbers below bridges are unknown): map is partial; pass --topology, or map the machine's snapshot (ridmap snapshot), whose PCI tree resolves them",
    ]);
  });

  it('check says in its summary that the maps it compared are partial', async () => {
    const run = await runCli('check', dmar);
    expect(run.stdout).toMatch(/^ {2}map {10}40 of 40 device scopes could not be resolved without a topology/m);
  });

  it('the JSON form lists what the map leaves out', async () => {
    const run = await runCli('map', dmar, '--format', 'json');
    const json = JSON.parse(run.stdout) as { translations: unknown[]; partial?: { table: string; message: string }[] };
    expect(json.translations).toEqual([]);
    expect(json.partial).toHaveLength(1);
    expect(json.partial![0]!.message).toMatch(/^40 of 40 device scopes/);
  });

  it('a DMAR whose sub-hierarchy scopes resolve only in part: the map lists what resolves and says what is missing', async () => {
    const out = join(tmp, 'q35');
    expect((await runCli('build', join(TABLES_DIR, 'q35-vtd-pci-bridge.yaml'), '--out', out)).code).toBe(0);
    const run = await runCli('map', join(out, 'DMAR.dat'));
    expect(run.stderr).toMatch(/warning \[map-partial\]: 2 of 7 device scopes could not be resolved without a topology/);
    expect(run.stdout).toContain('(partial: 2 DMAR scopes need a topology)');
    // With the topology nothing is missing, and nothing is said.
    const whole = await runCli('map', join(out, 'DMAR.dat'), '--topology', join(TABLES_DIR, 'q35-vtd-pci-bridge.yaml'));
    expect(whole.stderr).toBe('');
    expect(whole.stdout).not.toMatch(/partial/);
  });
});

describe('map of a VIOT whose ranges span more segments than are listed without a topology', () => {
  it('says on stderr and in the text that the map is partial', async () => {
    const viot = write('VIOT.dat', encodeViotModel(viotWith([pciRange(0, 0xffff, 0, 0, [0, 0xffff])])));
    const run = await runCli('map', viot);
    expect(run.stderr).toContain(`${viot}:VIOT: warning [map-partial]: 1 PCI range node spans more than 16 segments;`);
    expect(run.stdout).toContain('(partial: 1 VIOT range cut to 16 segments)');
  });
});

describe('diff of a DMAR against its own topology', () => {
  for (const example of ['q35-vtd-pci-bridge', 'x86-server-dmar']) {
    it(`${example}: the topology resolves the DMAR's scopes, so there is no difference`, async () => {
      const topology = join(TABLES_DIR, `${example}.yaml`);
      const out = join(tmp, example);
      expect((await runCli('build', topology, '--out', out)).code).toBe(0);
      const run = await runCli('diff', join(out, 'DMAR.dat'), topology);
      expect(run.stdout).not.toMatch(/now mapped|moved from|note:/);
      expect(run.stdout).toContain('no semantic difference');
      expect(run.code).toBe(0);
    });
  }

  it('two tables without a topology: the notes say how much of each side is left out', async () => {
    const dmar = write('DMAR16-b.dat', encodeModel(sixteenUnits()));
    const run = await runCli('diff', dmar, dmar);
    expect(run.stdout).toMatch(/note: A: DMAR: 40 of 40 device scopes could not be resolved/);
  });
});

/** An ACPI table of `signature` with a standard header and `body` (enough for a table ridmap keeps as raw bytes). */
function rawTable(signature: string, body: number[]): Uint8Array {
  const b = new Uint8Array(36 + body.length);
  b.set(new TextEncoder().encode(signature), 0);
  new DataView(b.buffer).setUint32(4, b.length, true);
  b[8] = 2;
  b.set(new TextEncoder().encode('RIDMAPTABLE     '), 10);
  b.set(body, 36);
  b[9] = computeChecksum(b);
  return b;
}

describe('an IVRS is resolved (AMD-Vi), not a gap "not modelled"', () => {
  it('an IVRS with no IVHD: nothing is translated, and no warning', async () => {
    const ivrs = write('IVRS.dat', rawTable('IVRS', [0x41, 0x30, 0x20, 0, 0, 0, 0, 0, 0, 0, 0, 0]));
    const run = await runCli('map', ivrs);
    expect(run.code).toBe(0);
    expect(run.stderr).toBe('');
    expect(run.stdout).not.toMatch(/not modelled/);
  });

  it('check decodes and round-trips the IVRS (its declaration) and resolves its map', async () => {
    const ivrs = write('IVRS-check.dat', rawTable('IVRS', [0x41, 0x30, 0x20, 0, 0, 0, 0, 0, 0, 0, 0, 0]));
    const run = await runCli('check', ivrs);
    expect(run.stdout).toContain(`IVRS from ${ivrs}\n  findings     none\n  round trip   identical (48 bytes)\n`);
    expect(run.stdout).not.toMatch(/not modelled/);
  });

  const amd = join(CORPUS_DIR, 'real/linuxhw-ACPI-amd/Notebook/Valve/Jupiter/Jupiter/F3B9E861E0CA.bin');
  it.skipIf(!HAVE_CORPUS)('a real AMD acpidump (Valve Jupiter): its IOMMU translates every RID its IVHD names', async () => {
    const run = await runCli('map', amd);
    expect(run.code).toBe(0);
    expect(run.stdout).not.toMatch(/nothing is translated|not modelled/);
    expect(run.stdout).toContain('0000:00:01.0-0000:ff:1f.7 -> amd-vi@0xa0200000 +0x8 (IVRS)');
  });

  // Issue 19's first paragraph: a Dell R820's DMAR alone gave 8 RIDs and nothing on bus 0, silently.
  const r820 = join(CORPUS_DIR, 'real/linuxhw-ACPI/Server/Dell/PowerEdge/PowerEdge R820/E5985CCBA349.bin');
  it.skipIf(!HAVE_CORPUS)('a real Dell R820 DMAR without a topology: the one-hop scopes are mapped, and one warning says how many scopes and which include-all unit wait for --topology', async () => {
    const run = await runCli('map', r820);
    expect(run.code).toBe(0);
    expect(run.stdout.split('\n').filter((l) => l.includes('(DMAR)'))).toHaveLength(8);
    expect(run.stdout).toContain('(partial: 4 DMAR scopes need a topology)');
    const warnings = run.stderr.split('\n').filter((l) => l.includes('warning'));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/warning \[map-partial\]: 4 of 8 device scopes could not be resolved without a topology .*the include-all unit vtd@0xdf100000 \(segment 0\) is left out too.*pass --topology/);
  });
});
