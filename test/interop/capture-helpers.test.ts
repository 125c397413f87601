/**
 * The pure parts of scripts/qemu-capture (no QEMU needed): finding the RSDP
 * the way a BIOS-era OS and a UEFI OS do, walking the tables, writing
 * acpidump text that ridmap reads back, naming files, and what the capture
 * adds to a command line.
 */
import { describe, expect, it } from 'vitest';
import { decodeInput } from '../../src/io/decode-input.js';
import { computeChecksum } from '../../src/acpi/header.js';
import { parseAcpidump } from '../../src/io/acpidump-text.js';
import { imageMemory, treeFingerprint, walkTables } from '../../scripts/qemu-capture/acpi-walk.mjs';
import { acpidumpText, tableFileNames } from '../../scripts/qemu-capture/acpidump-format.mjs';
import { biosRsdps, BIOS_RSDP_AREA, efiRsdps, efiSystemTables } from '../../scripts/qemu-capture/rsdp-locate.mjs';
import { qemuInvocation, tableWindow } from '../../scripts/qemu-capture/invocation.mjs';

const le = (n: number | bigint, size: number) => {
  const b = new Uint8Array(size);
  let v = BigInt(n);
  for (let i = 0; i < size; i++, v >>= 8n) b[i] = Number(v & 0xffn);
  return b;
};
const ascii = (s: string) => Uint8Array.from(s, (c) => c.charCodeAt(0));

/** A table with a standard header and a valid checksum. */
function table(signature: string, body: Uint8Array): Uint8Array {
  const t = new Uint8Array(36 + body.length);
  t.set(ascii(signature), 0);
  t.set(le(t.length, 4), 4);
  t[8] = 1;
  t.set(ascii('BOCHS BXPC    '), 10);
  t.set(body, 36);
  t[9] = computeChecksum(t);
  return t;
}

function rsdp(revision: number, rsdt: number, xsdt: bigint): Uint8Array {
  const r = new Uint8Array(revision >= 2 ? 36 : 20);
  r.set(ascii('RSD PTR '), 0);
  r.set(ascii('BOCHS '), 9);
  r[15] = revision;
  r.set(le(rsdt, 4), 16);
  r[8] = (0x100 - r.subarray(0, 20).reduce((a, b) => (a + b) & 0xff, 0)) & 0xff;
  if (revision >= 2) {
    r.set(le(36, 4), 20);
    r.set(le(xsdt, 8), 24);
    r[32] = (0x100 - r.reduce((a, b) => (a + b) & 0xff, 0)) & 0xff;
  }
  return r;
}

/** 1 MiB of guest memory at 0: RSDP in the F segment, XSDT → FACP (→ DSDT, FACS) and DMAR. */
function biosImage(opts: { revision?: number; breakDmar?: boolean } = {}) {
  const image = new Uint8Array(0x100000);
  const fadtBody = new Uint8Array(276 - 36);
  fadtBody.set(le(0x84000, 4), 36 - 36);
  fadtBody.set(le(0x83000, 4), 40 - 36);
  fadtBody.set(le(0x83000, 8), 140 - 36);
  const facs = new Uint8Array(64);
  facs.set(ascii('FACS'), 0);
  facs.set(le(64, 4), 4);
  const dmar = table('DMAR', new Uint8Array(12));
  if (opts.breakDmar) dmar[20]! ^= 1;
  const put = (at: number, b: Uint8Array) => image.set(b, at);
  put(0x81000, table('FACP', fadtBody));
  put(0x83000, table('DSDT', ascii('\x10\x05_SB_')));
  put(0x84000, facs);
  put(0x82000, dmar);
  if ((opts.revision ?? 2) >= 2) {
    put(0x80000, table('XSDT', Uint8Array.from([...le(0x81000, 8), ...le(0x82000, 8)])));
    put(0xf59e0, rsdp(2, 0, 0x80000n));
  } else {
    put(0x80000, table('RSDT', Uint8Array.from([...le(0x81000, 4), ...le(0x82000, 4)])));
    put(0xf59e0, rsdp(0, 0x80000, 0n));
  }
  // A signature off the 16-byte grid is not an RSDP a BIOS-era OS would find.
  put(0xf0008, ascii('RSD PTR '));
  return image;
}

describe('walking the tables from the RSDP', () => {
  it('finds the RSDP on the 16-byte grid of the BIOS area and follows XSDT, FADT, DSDT and FACS', async () => {
    const image = biosImage();
    const area = image.subarray(Number(BIOS_RSDP_AREA.base), Number(BIOS_RSDP_AREA.base) + BIOS_RSDP_AREA.size);
    expect(biosRsdps(area)).toEqual([0xf59e0n]);
    const tree = await walkTables(imageMemory(image, 0n), 0xf59e0n);
    expect(tree!.problems).toEqual([]);
    expect(tree!.tables.map((t) => `${t.signature}@${t.address.toString(16)}`)).toEqual(['XSDT@80000', 'FACP@81000', 'DSDT@83000', 'FACS@84000', 'DMAR@82000']);
    expect(treeFingerprint(tree!)).toMatch(/^RSD PTR @f59e0:/);
  });

  it('uses the RSDT of an ACPI 1.0 RSDP', async () => {
    const tree = await walkTables(imageMemory(biosImage({ revision: 0 }), 0n), 0xf59e0n);
    expect(tree!.tables.map((t) => t.signature)).toEqual(['RSDT', 'FACP', 'DSDT', 'FACS', 'DMAR']);
  });

  it('reports a table that is not complete yet (bad checksum), and no tree where there is no RSDP', async () => {
    const tree = await walkTables(imageMemory(biosImage({ breakDmar: true }), 0n), 0xf59e0n);
    expect(tree!.problems).toEqual(['DMAR at 0x82000 (from XSDT[1]) has a bad checksum']);
    expect(await walkTables(imageMemory(biosImage(), 0n), 0xf0008n)).toBeUndefined();
  });

  it('reports pointers outside guest memory', async () => {
    const image = biosImage();
    image.set(table('XSDT', le(0x7fff0000, 8)), 0x80000);
    const tree = await walkTables(imageMemory(image, 0n), 0xf59e0n);
    expect(tree!.problems).toEqual(['XSDT[0] points at 0x7fff0000, outside guest memory or too short']);
  });
});

describe('the RSDP of a UEFI guest', () => {
  const ACPI20 = Uint8Array.from(Buffer.from('71e86888f1e4d311bc220080c73c8881', 'hex'));
  const OTHER = Uint8Array.from(Buffer.from('0123456789abcdef0123456789abcdef', 'hex'));

  function systemTable(entries: number, configTable: number): Uint8Array {
    const st = new Uint8Array(0x78);
    st.set(ascii('IBI SYST'), 0);
    st.set(le(0x78, 4), 12);
    st.set(le(entries, 8), 104);
    st.set(le(configTable, 8), 112);
    return st;
  }

  it('takes the ACPI 2.0 entry of the configuration table, not a template with no entries', async () => {
    const base = 0x40000000n;
    const image = new Uint8Array(0x100000);
    image.set(systemTable(0, 0), 0x1000); // DXE core's template: same signature, no entries
    image.set(systemTable(2, 0x40091000), 0x90018);
    image.set(Uint8Array.from([...OTHER, ...le(0x1234, 8), ...ACPI20, ...le(0x40095018, 8)]), 0x91000);
    expect(efiSystemTables(image, base)).toEqual([0x40001000n, 0x40090018n]);
    const mem = imageMemory(image, base);
    expect(await efiRsdps(mem, 0x40001000n)).toEqual([]);
    expect(await efiRsdps(mem, 0x40090018n)).toEqual([0x40095018n]);
  });
});

describe('acpidump text and file names', () => {
  it('writes acpidump text that ridmap reads back to the same bytes, the RSDP last', async () => {
    const tree = (await walkTables(imageMemory(biosImage(), 0n), 0xf59e0n))!;
    const all = [...tree.tables, tree.rsdp];
    const text = acpidumpText(all);
    expect(text.split('\n')[0]).toBe('XSDT @ 0x0000000000080000');
    expect(text).toContain('RSD PTR @ 0x00000000000F59E0\n    0000: 52 53 44 20 50 54 52 20');
    const parsed = parseAcpidump(text);
    expect(parsed.diagnostics).toEqual([]);
    expect(parsed.tables.map((t) => [t.signature, Buffer.from(t.bytes).toString('hex')])).toEqual(
      all.map((t) => [t.signature.trimEnd(), Buffer.from(t.bytes).toString('hex')]),
    );
    expect(decodeInput(text, 'acpidump.txt').kind).toBe('acpidump');
  });

  it('names files SIG.dat, numbering repeated signatures as acpixtract does', () => {
    expect(tableFileNames([{ signature: 'SSDT' }, { signature: 'DMAR' }, { signature: 'SSDT' }, { signature: 'RSD PTR ' }])).toEqual([
      'SSDT1.dat', 'DMAR.dat', 'SSDT2.dat', 'RSDP.dat',
    ]);
  });
});

describe('what the capture adds to a command line', () => {
  it('on Arm: EDK2, a 64-bit CPU, TCG, 256M, no display, -S and QMP', () => {
    const inv = qemuInvocation(['qemu-system-aarch64', '-M', 'virt,iommu=smmuv3'], { firmware: '/fw.fd' });
    expect(inv.arch).toBe('arm');
    expect(inv.extraArgs('/s')).toEqual(['-display', 'none', '-accel', 'tcg', '-m', '256M', '-cpu', 'cortex-a57', '-bios', '/fw.fd', '-S', '-qmp', 'unix:/s,server=on,wait=off']);
    expect(inv.dtbArgs('/x.dtb')).toEqual(['-display', 'none', '-accel', 'tcg', '-m', '256M', '-cpu', 'cortex-a57', '-machine', 'dumpdtb=/x.dtb']);
  });

  it('keeps what the user chose, and picks the binary from the machine when none is given', () => {
    const inv = qemuInvocation(['-M', 'virt', '-m', '1G', '-cpu', 'max', '-nographic', '-enable-kvm', '-bios', 'my.fd']);
    expect(inv.binary).toBe('qemu-system-aarch64');
    expect(inv.extraArgs('/s')).toEqual(['-S', '-qmp', 'unix:/s,server=on,wait=off']);
    const x86 = qemuInvocation(['-M', 'q35,accel=tcg']);
    expect([x86.binary, x86.firmware]).toEqual(['qemu-system-x86_64', undefined]);
    expect(x86.extraArgs('/s')).toEqual(['-display', 'none', '-m', '256M', '-S', '-qmp', 'unix:/s,server=on,wait=off']);
  });

  it('dumps RAM below 4 GiB on q35 (all of it up to 2.75 GiB, else 2 GiB) and all RAM from 1 GiB on virt', () => {
    expect(tableWindow('x86', 256n << 20n)).toEqual({ base: 0n, size: 256n << 20n });
    expect(tableWindow('x86', 4n << 30n)).toEqual({ base: 0n, size: 2n << 30n });
    expect(tableWindow('arm', 256n << 20n)).toEqual({ base: 0x40000000n, size: 256n << 20n });
  });
});
