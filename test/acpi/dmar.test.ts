import { describe, expect, it } from 'vitest';
import type { DmarTable } from '../../src/acpi/dmar/model.js';
import { printTableText, printTablesJson } from '../../src/acpi/print-table.js';
import { decodeTable, encodeTable } from '../../src/acpi/table.js';
import { STORED, type Model } from '../../src/codec/index.js';
import { flavours, plain } from './bytes.js';
import { encodeModel, everyStructureDmar, largeDmar, patch, smallDmar } from './dmar-fixtures.js';
import { expectJsonRoundTrip, expectRoundTrip } from './roundtrip.js';

describe('DMAR: every structure and device-scope type', () => {
  const model = everyStructureDmar();
  const bytes = encodeModel(model);

  for (const [flavour, make] of flavours) {
    it(`decodes back to the model it was built from (${flavour})`, () => {
      const t = decodeTable(make(bytes));
      expect(t.diagnostics.map((d) => d.code)).toEqual(['bin-unknown-type']);
      // The decoded model is the model, plus the checksum it read (kept apart, under STORED).
      const { [STORED]: stored, ...rest } = t.model;
      expect(rest).toEqual(model);
      expect(stored).toEqual({ checksum: bytes[9] });
      expectRoundTrip(make(bytes));
      expectJsonRoundTrip(make(bytes));
    });
  }

  it('has the VT-d layout: lengths, offsets, derived types', () => {
    // 48 header + DRHD 46 + DRHD 48 + RMRR 40 + ATSR 24 + ATSR 8 + RHSA 20 + ANDD 28 + ANDD 23 + SATC 24 + SIDP 24 + type 7: 12
    expect(bytes.length).toBe(345);
    expect(Array.from(bytes.subarray(0x30, 0x34))).toEqual([0, 0, 46, 0]); // DRHD: 16 + scopes of 8, 12 and 10 bytes
    const text = printTableText(decodeTable(bytes));
    expect(text).toContain('[030h 0048 002h]               Subtable Type : 0000 [Hardware Unit Definition]');
    expect(text).toContain('[035h 0053 001h]        Size (decoded below) : 03');
    expect(text).toContain('                          Size (pages, log2) : 3');
    // A 3-hop path: one line per hop, as iasl prints them.
    expect(text).toMatch(/\[04Eh 0078 002h\] +PCI Path : 1C,00\n\n\[050h 0080 002h\] +PCI Path : 00,00\n\n\[052h 0082 002h\] +PCI Path : 01,00\n/);
    expect(text).toContain('Device Scope Type : 05 [Namespace Device]');
    expect(text).toContain('Device Name : "\\_SB.PCI0.I2C0"');
    expect(text).toContain('Subtable Type : 0005 [SoC Integrated Address Translation Cache]');
    expect(text).toContain('Subtable Type : 0006 [SoC Integrated Device Property]');
    // iasl decodes no bits of the DMAR, ATSR, SATC or scope Flags: their values alone are printed.
    expect(text).not.toContain('ATC Required');
    expect(text).toContain('Subtable Type : 0007 [Unknown Subtable Type]');
    expect(text).not.toContain('DMA Control Platform Opt In');
  });

  it('JSON: spec names, camelCase, 64-bit values as hex strings, no derived fields', () => {
    const doc = JSON.parse(printTablesJson([decodeTable(bytes)]));
    const dmar = doc.tables[0];
    expect(Object.keys(dmar)).toEqual(['signature', 'revision', 'oemId', 'oemTableId', 'oemRevision', 'creatorId', 'creatorRevision', 'hostAddressWidth', 'flags', 'remappingStructures']);
    const [drhd, , rmrr, atsr, , rhsa, andd, , satc, sidp, unknown] = dmar.remappingStructures;
    expect(drhd).toMatchObject({ type: 'DRHD', flags: 0, size: 3, segmentNumber: 0, registerBaseAddress: '0xfed90000' });
    expect(drhd.deviceScopes[1]).toEqual({ type: 2, flags: 0, enumerationId: 0, startBusNumber: 0, path: [{ device: 28, function: 0 }, { device: 0, function: 0 }, { device: 1, function: 0 }] });
    expect(rmrr).toMatchObject({ type: 'RMRR', baseAddress: '0x7c000000', limitAddress: '0x7c7fffff' });
    expect(atsr).toMatchObject({ type: 'ATSR', flags: 0 });
    expect(rhsa).toEqual({ type: 'RHSA', registerBaseAddress: '0xfed90000', proximityDomain: 1 });
    expect(andd).toEqual({ type: 'ANDD', acpiDeviceNumber: 1, acpiObjectName: '\\_SB.PCI0.I2C0', padding: '0000000000' });
    expect(satc).toMatchObject({ type: 'SATC', flags: 1 });
    expect(sidp.deviceScopes[0].flags).toBe(0x1f);
    expect(unknown).toEqual({ type: 7, raw: '0102030405060708' });
  });
});

describe('DMAR: unusual but consistent tables round-trip byte for byte', () => {
  const base = encodeModel({
    ...smallDmar(),
    revision: 2,
    remappingStructures: [
      { type: 'DRHD', flags: 0, size: 0, segmentNumber: 0, registerBaseAddress: 0xfed90000n,
        deviceScopes: [{ type: 1, flags: 0, enumerationId: 0, startBusNumber: 0, path: [] }] },
      { type: 'ANDD', acpiDeviceNumber: 9, acpiObjectName: '\\_SB.X', padding: Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]) },
      { type: 'RMRR', segmentNumber: 0, baseAddress: 0n, limitAddress: 0xfffn, deviceScopes: [], reserved: Uint8Array.from([0x34, 0x12]) },
      { type: 'RHSA', registerBaseAddress: 0xfed90000n, proximityDomain: 0, trailing: Uint8Array.from([0xee, 0xee]) },
      { type: 0x7fff, raw: new Uint8Array(0) },
    ],
  } as DmarTable);

  for (const [flavour, make] of flavours) {
    it(`scope without path, ANDD padding, reserved and trailing bytes, empty unknown type, revision 2 (${flavour})`, () => {
      const t = expectRoundTrip(make(base));
      expect(t.diagnostics.map((d) => d.code)).toEqual(['bin-reserved-nonzero', 'bin-trailing-bytes', 'bin-unknown-type']);
      expectJsonRoundTrip(make(base));
    });
  }

  it('odd path byte, reserved flag bits, non-zero scope reserved byte', () => {
    const odd = patch(Uint8Array.from([...encodeModel(smallDmar()), 0x77]), [[4, 4, 0x49], [0x32, 2, 0x19], [0x41, 1, 9], [0x34, 1, 0xf1], [0x43, 1, 0x5a]]);
    const t = expectRoundTrip(odd);
    expect(t.diagnostics.map((d) => [d.code, d.offset])).toEqual([['bin-reserved-bits', 0x34], ['bin-reserved-nonzero', 0x43], ['bin-partial-element', 0x48]]);
    expectJsonRoundTrip(odd);
  });
});

describe('DMAR: encode is strict', () => {
  it('lists every problem of a model', () => {
    const m = everyStructureDmar() as unknown as Model;
    const structures = m['remappingStructures'] as Model[];
    delete structures[0]!['segmentNumber'];
    (structures[1]!['deviceScopes'] as Model[])[0]!['type'] = 300;
    structures[2]!['baseAddress'] = 5;
    const e = encodeTable(m);
    expect(e.bytes).toBeUndefined();
    expect(e.diagnostics.map((d) => [d.code, d.path])).toEqual([
      ['encode-missing', 'DMAR/DRHD[0].segmentNumber'],
      ['encode-bad-value', 'DMAR/DRHD[1]/DeviceScope[0].type'],
      ['encode-bad-value', 'DMAR/RMRR[0].baseAddress'],
    ]);
  });
  it('refuses a scope path longer than a byte length allows, and a DRHD over 64 KiB', () => {
    const long = smallDmar();
    const drhd = long.remappingStructures[0] as { deviceScopes: { path: unknown[] }[] };
    drhd.deviceScopes[0]!.path = Array.from({ length: 130 }, () => ({ device: 0, function: 0 }));
    expect(encodeTable(long as unknown as Model).diagnostics).toMatchObject([{ code: 'encode-overflow', path: 'DMAR/DRHD[0]/DeviceScope[0].length' }]);
    const big = smallDmar();
    (big.remappingStructures[0] as { deviceScopes: unknown[] }).deviceScopes = Array.from({ length: 9000 }, () => ({ type: 1, flags: 0, enumerationId: 0, startBusNumber: 0, path: [{ device: 1, function: 0 }] }));
    expect(encodeTable(big as unknown as Model).diagnostics).toMatchObject([{ code: 'encode-overflow', path: 'DMAR/DRHD[0].length' }]);
  });
});

describe('DMAR: size', () => {
  // Its speed is npm run bench's to measure (a timed test fails on a loaded machine, not on a slow decoder).
  it('decodes a 1 MB DMAR to text: offsets past 0xFFFFF, and the whole table in the Raw Table Data dump', () => {
    const bytes = encodeModel(largeDmar());
    expect(bytes.length).toBeGreaterThan(1_000_000);
    const t = decodeTable(bytes);
    const text = printTableText(t);
    expect(t.diagnostics).toEqual([]);
    expect(text).toContain(`Raw Table Data: Length ${bytes.length} (0x${bytes.length.toString(16).toUpperCase()})`);
    const last = (bytes.length - 1) & ~15;
    expect(text).toMatch(new RegExp(`\\n {3}${last.toString(16).toUpperCase()}: [0-9A-F ]+ // [^\\n]*\\n$`));
    expect(plain(encodeTable(t.model).bytes!)).toEqual(plain(bytes));
  });
});
