/**
 * The rebuilt ACPI table set the VIOT judge points Linux at with acpi_rsdp=
 * (no boot here: boot-viot*.test.ts boots it): every firmware table but the
 * replaced one, ridmap's table, a revision-2 RSDP and an XSDT, the FADT's
 * pointers moved to the copies, every checksum right.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checksumIsValid, peekLength, peekSignature } from '../../src/acpi/header.js';
import { encodeTable } from '../../src/acpi/table.js';
import { buildOutputs } from '../../src/build-outputs.js';
import { topologyForTableUpgrade } from '../../src/judge/upgrade-header.js';
import { parseTopology } from '../../src/model/parse-topology.js';
import { resolveTopology } from '../../src/model/resolve.js';
import { TABLES_DIR } from '../support/paths.js';
import { JudgeError } from '../../src/judge/boot.js';
import { rebuildTableSet } from '../../src/judge/rebuilt-tables.js';
import { rsdpProblems, tableSetAddress, tableSetKernelArgs } from '../../src/judge/rsdp-boot.js';
import { parseJudgeConsole } from '../../src/judge/parse.js';

const QEMU = { revision: 1, oemId: 'BOCHS ', oemTableId: 'BXPC    ', oemRevision: 1, creatorId: 'BXPC', creatorRevision: 1 };

function table(signature: string, body: Uint8Array, revision = 1): Uint8Array {
  const e = encodeTable({ ...QEMU, signature, revision, data: body });
  expect(e.diagnostics).toEqual([]);
  return e.bytes!;
}

/** A revision-3 FADT (244 bytes, as QEMU's q35 one) pointing at the FACS and DSDT where SeaBIOS put them. */
function fadt(facs: number, dsdt: number, xFacs = 0n, xDsdt = BigInt(dsdt)): Uint8Array {
  const body = new Uint8Array(244 - 36);
  const v = new DataView(body.buffer);
  v.setUint32(36 - 36, facs, true);
  v.setUint32(40 - 36, dsdt, true);
  v.setBigUint64(132 - 36, xFacs, true);
  v.setBigUint64(140 - 36, xDsdt, true);
  body[45 - 36] = 0x5a; // any other field is copied as it is
  return table('FACP', body, 3);
}

const FACS = (() => {
  const b = new Uint8Array(64);
  b.set(new TextEncoder().encode('FACS'));
  new DataView(b.buffer).setUint32(4, 64, true);
  return b;
})();
const DSDT = table('DSDT', new Uint8Array([0x10, 0x20, 0x30]));
/** A MADT (modelled, so given as its model): any table the set carries over as it is. */
const APIC = (() => {
  const e = encodeTable({ ...QEMU, signature: 'APIC', revision: 3, address: 0xfee00000, flags: 1, structures: [] });
  expect(e.diagnostics).toEqual([]);
  return e.bytes!;
})();
const EXAMPLE = join(TABLES_DIR, 'q35-virtio-iommu-pxb.yaml');
const viotOf = (t: ReturnType<typeof parseTopology>) => buildOutputs(resolveTopology(t)).outputs.find((o) => o.name === 'VIOT.dat')!.data as Uint8Array;
const RIDMAP_VIOT = viotOf(parseTopology(readFileSync(EXAMPLE, 'utf8'), EXAMPLE));
/** Another VIOT to stand for the firmware's: the same table under QEMU's OEM names. */
const QEMU_VIOT = viotOf(topologyForTableUpgrade(parseTopology(readFileSync(EXAMPLE, 'utf8'), EXAMPLE)));
const BASE = 0x1000_0000n;

const u32 = (b: Uint8Array, at: number) => new DataView(b.buffer, b.byteOffset).getUint32(at, true);
const u64 = (b: Uint8Array, at: number) => new DataView(b.buffer, b.byteOffset).getBigUint64(at, true);

/** The table at a guest address inside the image. */
function at(image: { address: bigint; bytes: Uint8Array }, address: bigint): Uint8Array {
  const off = Number(address - image.address);
  const length = peekSignature(image.bytes.subarray(off)) === 'RSD ' ? 36 : peekLength(image.bytes.subarray(off))!;
  return image.bytes.subarray(off, off + length);
}

describe('rebuildTableSet', () => {
  const firmware = [APIC, fadt(0x1ffe0000, 0x1ffe0040), FACS, QEMU_VIOT, DSDT];
  const image = rebuildTableSet(firmware, [{ signature: 'VIOT', bytes: RIDMAP_VIOT }], BASE);

  it('starts with a revision-2 RSDP whose two checksums are right, pointing at the XSDT only', () => {
    const rsdp = image.bytes.subarray(0, 36);
    expect(new TextDecoder().decode(rsdp.subarray(0, 8))).toBe('RSD PTR ');
    expect(rsdp[15]).toBe(2);
    expect(checksumIsValid(rsdp, 20)).toBe(true);
    expect(checksumIsValid(rsdp, 36)).toBe(true);
    expect(new TextDecoder().decode(rsdp.subarray(9, 15))).toBe('BOCHS ');
    expect(u32(rsdp, 16)).toBe(0);
    expect(u32(rsdp, 20)).toBe(36);
    const xsdt = at(image, u64(rsdp, 24));
    expect(peekSignature(xsdt)).toBe('XSDT');
    expect(checksumIsValid(xsdt)).toBe(true);
  });

  it('lists the FADT first, the other tables, and ridmap\'s VIOT instead of the firmware\'s', () => {
    const xsdt = at(image, u64(image.bytes, 24));
    const entries = Array.from({ length: (xsdt.length - 36) / 8 }, (_, i) => u64(xsdt, 36 + 8 * i));
    const listed = entries.map((a) => at(image, a));
    expect(listed.map(peekSignature)).toEqual(['FACP', 'APIC', 'VIOT']);
    expect(listed[1]).toEqual(APIC);
    expect(listed[2]).toEqual(RIDMAP_VIOT);
    expect(listed.every((t) => checksumIsValid(t))).toBe(true);
  });

  it('moves the FADT\'s FACS and DSDT pointers to the copies, leaves a zero X_FIRMWARE_CTRL zero, and keeps the rest', () => {
    const fadtCopy = at(image, u64(at(image, u64(image.bytes, 24)), 36));
    expect(checksumIsValid(fadtCopy)).toBe(true);
    const facs = BigInt(u32(fadtCopy, 36));
    expect(facs % 64n).toBe(0n);
    expect(image.bytes.subarray(Number(facs - BASE), Number(facs - BASE) + 64)).toEqual(FACS);
    expect(at(image, BigInt(u32(fadtCopy, 40)))).toEqual(DSDT);
    expect(u64(fadtCopy, 140)).toBe(BigInt(u32(fadtCopy, 40)));
    expect(u64(fadtCopy, 132)).toBe(0n);
    expect(fadtCopy[45]).toBe(0x5a);
    expect(image.placed.map((p) => p.signature)).toEqual(['RSD PTR ', 'XSDT', 'FACS', 'DSDT', 'FACP', 'APIC', 'VIOT']);
  });

  it('refuses what it cannot rebuild, as a JudgeError', () => {
    expect(() => rebuildTableSet([APIC, DSDT], [], BASE)).toThrow(JudgeError);
    expect(() => rebuildTableSet([APIC, DSDT], [], BASE)).toThrow(/no FADT/);
    expect(() => rebuildTableSet([fadt(0x1ffe0000, 0x1ffe0040), DSDT], [], BASE)).toThrow(/FIRMWARE_CTRL points at a FACS \(0x1ffe0000\) that the firmware's tables do not hold/);
    expect(() => rebuildTableSet(firmware, [], 0x1_0000_0000n)).toThrow(/below 4 GiB/);
  });
});

describe('tableSetKernelArgs and rsdpProblems (the proof)', () => {
  const image = rebuildTableSet([fadt(0x1ffe0000, 0x1ffe0040), FACS, DSDT], [{ signature: 'VIOT', bytes: RIDMAP_VIOT }], BASE);

  it('reserves the pages as ACPI data and points Linux at the RSDP', () => {
    expect(tableSetKernelArgs(image)).toEqual(['memmap=0x1000#0x10000000', 'acpi_rsdp=0x10000000', 'nokaslr', 'acpi_force_table_verification']);
  });

  it('on RISC-V puts the set in pflash unit 1, outside RAM, and only points Linux at it', () => {
    expect(tableSetAddress('riscv64')).toBe(0x2300_0000n);
    expect(tableSetAddress('amd64')).toBe(BASE);
    const riscv = rebuildTableSet([fadt(0, 0x1ffe0040), DSDT], [{ signature: 'VIOT', bytes: RIDMAP_VIOT }], tableSetAddress('riscv64'));
    expect(tableSetKernelArgs(riscv, 'riscv64')).toEqual(['acpi_rsdp=0x23000000', 'acpi_force_table_verification']);
  });

  const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
  const console = (rsdpLine: string, viot: Uint8Array) => parseJudgeConsole([
    'RIDMAP-JUDGE BEGIN', `RIDMAP-JUDGE TABLE VIOT ${hex(viot)}`, `RIDMAP-JUDGE DMESG ${rsdpLine}`, 'RIDMAP-JUDGE END',
  ].join('\n'));

  it('accepts the RSDP at the address given and ridmap\'s bytes', () => {
    expect(rsdpProblems(console('[    0.000000] ACPI: RSDP 0x0000000010000000 000024 (v02 BOCHS )', RIDMAP_VIOT), BASE, [{ signature: 'VIOT', bytes: RIDMAP_VIOT }])).toEqual([]);
  });

  it('refuses a set in which Linux found a wrong checksum (acpi_force_table_verification logs it, and Linux still uses the table)', () => {
    const report = console('[    0.000000] ACPI: RSDP 0x0000000010000000 000024 (v02 BOCHS )', RIDMAP_VIOT);
    report.dmesg.push('[    0.059788] ACPI BIOS Warning (bug): Incorrect checksum in table [VIOT] - 0x5B, should be 0x01 (20240827/utcksum-58)');
    expect(rsdpProblems(report, BASE, [{ signature: 'VIOT', bytes: RIDMAP_VIOT }])).toEqual([
      'VIOT: Linux found its checksum wrong in the rebuilt set (0x5B, should be 0x01)',
    ]);
  });

  it('names the RSDP Linux used and both VIOT headers otherwise', () => {
    expect(rsdpProblems(console('[    0.000000] ACPI: RSDP 0x00000000000F59E0 000014 (v00 BOCHS )', QEMU_VIOT), BASE, [{ signature: 'VIOT', bytes: RIDMAP_VIOT }])).toEqual([
      'RSDP: Linux used the one at 0xf59e0, not ridmap\'s at 0x10000000 (acpi_rsdp= ignored: CONFIG_KEXEC unset or the kernel locked down)',
      'VIOT: /sys/firmware/acpi/tables/VIOT is not ridmap\'s: Linux holds VIOT (112 bytes, OEM "BOCHS " "BXPC    " revision 2, creator "RDMP"), ridmap built VIOT (112 bytes, OEM "RIDMAP" "RIDMVIOT" revision 1, creator "RDMP")',
    ]);
  });
});
