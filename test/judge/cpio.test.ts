import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readlinkSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CPIO_HEADER_SIZE, CPIO_TRAILER, type CpioEntry, writeCpio } from '../../src/judge/cpio.js';
import { ALL_TABLES } from '../../src/judge/init-script.js';
import { ACPI_UPGRADE_DIR, acpiUpgradeArchive, judgeInitramfs } from '../../src/judge/initramfs.js';

interface ReadMember {
  name: string;
  mode: number;
  nlink: number;
  rdevMajor: number;
  rdevMinor: number;
  data: Uint8Array;
  headerAt: number;
}

/** An independent newc reader for the tests: header fields by offset, as the format's description lays them out. */
function readCpio(bytes: Uint8Array): ReadMember[] {
  const text = (at: number, n: number) => new TextDecoder().decode(bytes.subarray(at, at + n));
  const field = (at: number, i: number) => parseInt(text(at + 6 + 8 * i, 8), 16);
  const out: ReadMember[] = [];
  let at = 0;
  for (;;) {
    expect(text(at, 6)).toBe('070701');
    const size = field(at, 6);
    const nameSize = field(at, 11);
    const name = text(at + CPIO_HEADER_SIZE, nameSize - 1);
    expect(bytes[at + CPIO_HEADER_SIZE + nameSize - 1]).toBe(0);
    const dataAt = Math.ceil((at + CPIO_HEADER_SIZE + nameSize) / 4) * 4;
    out.push({
      name, mode: field(at, 1), nlink: field(at, 4), rdevMajor: field(at, 9), rdevMinor: field(at, 10),
      data: bytes.slice(dataAt, dataAt + size), headerAt: at,
    });
    at = Math.ceil((dataAt + size) / 4) * 4;
    if (name === CPIO_TRAILER) break;
  }
  expect(at).toBe(bytes.length);
  return out;
}

const SAMPLE: CpioEntry[] = [
  { kind: 'directory', path: '/bin' },
  { kind: 'file', path: 'bin/tool', data: new Uint8Array([1, 2, 3, 4, 5]), mode: 0o755 },
  { kind: 'symlink', path: 'bin/sh', target: 'tool' },
  { kind: 'file', path: 'a', data: new Uint8Array(0) },
  { kind: 'char-device', path: 'console', major: 5, minor: 1 },
];

describe('writeCpio (newc)', () => {
  const bytes = writeCpio(SAMPLE);
  const members = readCpio(bytes);

  it('writes each member as a 110-byte header, name and data on 4-byte boundaries, and ends with TRAILER!!!', () => {
    expect(members.map((m) => m.name)).toEqual(['bin', 'bin/tool', 'bin/sh', 'a', 'console', CPIO_TRAILER]);
    for (const m of members) expect(m.headerAt % 4).toBe(0);
    expect(bytes.length % 4).toBe(0);
  });

  it('keeps types, permissions, contents, link targets and device numbers', () => {
    const [dir, tool, sh, empty, console_] = members;
    expect(dir!.mode).toBe(0o040755);
    expect(dir!.nlink).toBe(2);
    expect(tool!.mode).toBe(0o100755);
    expect([...tool!.data]).toEqual([1, 2, 3, 4, 5]);
    expect(sh!.mode).toBe(0o120777);
    expect(new TextDecoder().decode(sh!.data)).toBe('tool');
    expect(empty!.data.length).toBe(0);
    expect(console_!.mode).toBe(0o020600);
    expect([console_!.rdevMajor, console_!.rdevMinor]).toEqual([5, 1]);
  });

  it('gives the same bytes for the same entries (no clock in the archive)', () => {
    expect(writeCpio(SAMPLE)).toEqual(bytes);
  });

  it('refuses an empty name and the trailer name', () => {
    expect(() => writeCpio([{ kind: 'directory', path: '/' }])).toThrow(/invalid member name/);
    expect(() => writeCpio([{ kind: 'file', path: CPIO_TRAILER, data: new Uint8Array(0) }])).toThrow(/invalid member name/);
  });
});

describe('the judge archives', () => {
  it('puts the upgrade tables at kernel/firmware/acpi/<SIG>.aml, raw bytes', () => {
    const dmar = new Uint8Array([0x44, 0x4d, 0x41, 0x52, 9, 9, 9]);
    const members = readCpio(acpiUpgradeArchive([{ signature: 'DMAR', bytes: dmar }]));
    const file = members.find((m) => m.name === `${ACPI_UPGRADE_DIR}/DMAR.aml`);
    expect(file?.data).toEqual(dmar);
    // Parents before children, as Linux's unpacker needs them.
    expect(members.map((m) => m.name).slice(0, 3)).toEqual(['kernel', 'kernel/firmware', ACPI_UPGRADE_DIR]);
  });

  it('refuses a signature that is not one (it names a file and a word of /init)', () => {
    expect(() => acpiUpgradeArchive([{ signature: '../x', bytes: new Uint8Array(0) }])).toThrow(/not an ACPI table signature/);
    expect(() => judgeInitramfs({ busybox: new Uint8Array(0), modules: [], signatures: ['DMAR;reboot'] })).toThrow(/not an ACPI table signature/);
  });

  it('gives the root an executable /init, busybox, /bin/sh and /dev/console', () => {
    const members = readCpio(judgeInitramfs({ busybox: new Uint8Array([0x7f, 0x45]), modules: [], signatures: ['DMAR'] }));
    const init = members.find((m) => m.name === 'init');
    expect(init!.mode).toBe(0o100755);
    const script = new TextDecoder().decode(init!.data);
    expect(script.startsWith('#!/bin/sh\n')).toBe(true);
    expect(script).toContain('for t in /sys/firmware/acpi/tables/DMAR; do');
    expect(script).toContain('poweroff -f');
    expect(members.map((m) => m.name)).toEqual(expect.arrayContaining(['bin/busybox', 'bin/sh', 'dev/console']));
    expect(members.some((m) => m.name.startsWith('modules'))).toBe(false);
  });

  it('on a port the kernel logs on too (arm64 ttyAMA0), silences the console first and makes the port\'s node', () => {
    const members = readCpio(judgeInitramfs({
      busybox: new Uint8Array(0), modules: [], signatures: [], dtProperties: ['/pcie@10000000/iommu-map', '/smmuv3@9050000/#iommu-cells'],
      report: { device: '/dev/ttyAMA0', major: 204, minor: 64, sharedPort: true },
    }));
    expect(members.find((m) => m.name === 'dev/ttyAMA0')).toMatchObject({ rdevMajor: 204, rdevMinor: 64 });
    const script = new TextDecoder().decode(members.find((m) => m.name === 'init')!.data);
    // The loglevel drops before the report's port is opened and before any module or driver speaks.
    expect(script.indexOf('dmesg -n 1')).toBeLessThan(script.indexOf('exec >/dev/ttyAMA0 2>&1'));
    expect(script.indexOf('exec >/dev/ttyAMA0 2>&1')).toBeLessThan(script.indexOf('insmod'));
    expect(script).toContain("for p in '/pcie@10000000/iommu-map' '/smmuv3@9050000/#iommu-cells'; do");
    // Every descriptor of the port closed, so its buffer drains before poweroff.
    expect(script).toContain('exec >/dev/null 2>&1 </dev/null\npoweroff -f');
    expect(() => judgeInitramfs({ busybox: new Uint8Array(0), modules: [], signatures: [], dtProperties: ["/a'; reboot; '"] }))
      .toThrow(/not a Device Tree property path/);
  });

  it('prints every table Linux holds for ALL_TABLES (the firmware boot a rebuilt VIOT set starts from), directories skipped', () => {
    const members = readCpio(judgeInitramfs({ busybox: new Uint8Array(0), modules: [], signatures: ALL_TABLES }));
    const script = new TextDecoder().decode(members.find((m) => m.name === 'init')!.data);
    expect(script).toContain('for t in /sys/firmware/acpi/tables/*; do\n  [ -d "$t" ] && continue');
  });

  it('carries the modules under /modules and loads them in the order given', () => {
    const modules = [{ name: 'virtio.ko', bytes: new Uint8Array([1]) }, { name: 'virtio_iommu.ko', bytes: new Uint8Array([2]) }];
    const members = readCpio(judgeInitramfs({ busybox: new Uint8Array(0), modules, signatures: [] }));
    expect(members.find((m) => m.name === 'modules/virtio_iommu.ko')?.data).toEqual(new Uint8Array([2]));
    const script = new TextDecoder().decode(members.find((m) => m.name === 'init')!.data);
    expect(script).toContain('for mod in virtio.ko virtio_iommu.ko; do insmod /modules/$mod');
    expect(() => judgeInitramfs({ busybox: new Uint8Array(0), modules: [{ name: 'a;reboot.ko', bytes: new Uint8Array(0) }], signatures: [] }))
      .toThrow(/not a module file name/);
  });
});

// GNU cpio as a second reader, when installed (.ci/run installs it).
const haveCpio = spawnSync('cpio', ['--version']).status === 0;
describe.skipIf(!haveCpio)('GNU cpio reads what writeCpio writes', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ridmap-cpio-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('lists and extracts every member', () => {
    const archive = writeCpio(SAMPLE.filter((e) => e.kind !== 'char-device'));
    const list = spawnSync('cpio', ['-it', '--quiet'], { input: archive, encoding: 'utf8' });
    expect(list.status).toBe(0);
    expect(list.stdout.trim().split('\n')).toEqual(['bin', 'bin/tool', 'bin/sh', 'a']);
    const extract = spawnSync('cpio', ['-idm', '--quiet'], { input: archive, cwd: dir });
    expect(extract.status, String(extract.stderr)).toBe(0);
    expect([...readFileSync(join(dir, 'bin/tool'))]).toEqual([1, 2, 3, 4, 5]);
    expect(statSync(join(dir, 'bin/tool')).mode & 0o777).toBe(0o755);
    expect(readlinkSync(join(dir, 'bin/sh'))).toBe('tool');
    expect(statSync(join(dir, 'a')).size).toBe(0);
  });
});
if (!haveCpio) console.warn('cpio not installed: the GNU cpio cross-check of the newc writer is skipped');
