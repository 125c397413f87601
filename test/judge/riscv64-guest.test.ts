/**
 * The riscv64 judge's pure parts: how a RISC-V virt guest is run (EDK2 on
 * pflash, the shared 16550), how the architecture is told from QEMU's name,
 * and the refusal to judge a RIMT with a kernel that cannot read one. The
 * boots are test/judge/reference-root-riscv64.test.ts's.
 */
import { describe, expect, it } from 'vitest';
import type { JudgeAssets } from '../../src/judge/assets.js';
import { bootJudge } from '../../src/judge/boot.js';
import { guestSetup, RISCV_UEFI_FIRMWARE, uefiFirmware, uefiVars } from '../../src/judge/guest.js';
import { missingRimt, qemuArch } from '../../src/judge/judge-topology.js';

const RIMT = [{ signature: 'RIMT', bytes: new Uint8Array(48) }];
const assets = (config: [string, 'y' | 'm'][]): JudgeAssets => ({
  arch: 'riscv64', kernelVersion: '6.12.118+deb13-riscv64', vmlinuz: '/k/vmlinuz', busybox: '/k/busybox', modules: [], config: new Map(config),
});

describe('riscv64 guest', () => {
  it('runs qemu-system-riscv64 with Debian\'s EDK2 code read-only on pflash 0, its variable store as a snapshot on pflash 1, ACPI forced', () => {
    const g = guestSetup('riscv64', 'acpi');
    expect(g.qemu).toBe('qemu-system-riscv64');
    expect(g.qemuArgs('/tmp/log')).toEqual([
      '-m', '1G', '-display', 'none', '-serial', 'stdio', '-monitor', 'none', '-no-reboot',
      '-drive', 'if=pflash,unit=0,format=raw,readonly=on,file=/usr/share/qemu-efi-riscv64/RISCV_VIRT_CODE.fd',
      '-drive', 'if=pflash,unit=1,format=raw,snapshot=on,file=/usr/share/qemu-efi-riscv64/RISCV_VIRT_VARS.fd',
    ]);
    expect(g.kernelArgs).toEqual(['console=ttyS0', 'acpi=force', 'iommu.strict=1', 'panic=-1']);
    expect(g.report).toEqual({ device: '/dev/ttyS0', major: 4, minor: 64, sharedPort: true });
    // A root's copy of EDK2: its variable store beside it.
    expect(guestSetup('riscv64', 'acpi', '/root/usr/share/qemu-efi-riscv64/RISCV_VIRT_CODE.fd').qemuArgs('')).toContain(
      'if=pflash,unit=1,format=raw,snapshot=on,file=/root/usr/share/qemu-efi-riscv64/RISCV_VIRT_VARS.fd');
    expect(uefiFirmware('riscv64')).toEqual(RISCV_UEFI_FIRMWARE);
    expect(uefiFirmware('amd64')).toEqual([]);
    expect(uefiVars('/a/RISCV_VIRT_CODE.fd')).toBe('/a/RISCV_VIRT_VARS.fd');
  });

  it('refuses a riscv64 ACPI boot without EDK2 before QEMU starts, naming the package', async () => {
    await expect(bootJudge({ assets: assets([]), machineArgs: [], tables: [], uefi: '/nowhere/RISCV_VIRT_CODE.fd', qemu: '/nowhere/qemu' })).rejects.toThrow(
      'a riscv64 ACPI boot runs EDK2, and there is none at /nowhere/RISCV_VIRT_CODE.fd with its variable store /nowhere/RISCV_VIRT_VARS.fd beside it '
      + '(Debian: apt-get install qemu-efi-riscv64)');
  });

  it('tells riscv64 from QEMU\'s binary name', () => {
    expect(qemuArch('qemu-system-riscv64')).toBe('riscv64');
    expect(qemuArch('/usr/bin/qemu-system-aarch64')).toBe('arm64');
    expect(qemuArch('qemu-system-x86_64')).toBe('amd64');
  });

  it('refuses to judge a RIMT with a kernel known to lack RIMT or the RISC-V IOMMU driver, naming what is missing', () => {
    expect(missingRimt(assets([['ACPI', 'y']]), RIMT)).toBe(
      'Linux 6.12.118+deb13-riscv64 cannot judge a RIMT: CONFIG_ACPI_RIMT and CONFIG_RISCV_IOMMU are not set (Linux parses RIMT from 6.17; '
      + 'Debian\'s riscv64 6.12 has neither): boot a kernel that has them, as the reference root\'s riscv64 7.2 (forky\'s)');
    expect(missingRimt(assets([['ACPI_RIMT', 'y'], ['RISCV_IOMMU', 'y']]), RIMT)).toBeUndefined();
    // A kernel whose configuration is unknown (a user's --kernel) is booted, and no other table is refused.
    expect(missingRimt(assets([]), RIMT)).toBeUndefined();
    expect(missingRimt(assets([['ACPI', 'y']]), [{ signature: 'VIOT', bytes: new Uint8Array(48) }])).toBeUndefined();
  });
});
