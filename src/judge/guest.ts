/**
 * How the judge runs a guest of each architecture: the QEMU options around the
 * machine (memory, CPU, serial ports, firmware), the kernel command line, and
 * where /init writes its report. Pure: boot.ts turns this into a process.
 *
 * The two architectures differ in their serial ports. q35 has two 16550s: the
 * kernel logs on ttyS0 (kept in a file) and /init reports on ttyS1, so kernel
 * messages can never split a report line. Arm virt (QEMU 7.2) has one PL011
 * for the normal world, so the kernel log and the report share ttyAMA0: the
 * kernel logs its boot there (what a failed boot shows), then /init lowers the
 * console loglevel to emergencies only before it reports, so nothing but the
 * report is written while it runs. RISC-V virt has one 16550 too, shared the
 * same way.
 */
import { dirname, join } from 'node:path';
import type { FirmwareInterface } from '../model/linux-profile.js';
import type { JudgeArch } from './assets.js';

/**
 * EDK2 for Arm virt, from Debian's qemu-efi-aarch64 (or AAVMF on older
 * layouts); the same list the interop capture uses
 * (scripts/qemu-capture/invocation.mjs, which src cannot import).
 */
export const ARM_UEFI_FIRMWARE = ['/usr/share/qemu-efi-aarch64/QEMU_EFI.fd', '/usr/share/AAVMF/AAVMF_CODE.fd'] as const;
/**
 * EDK2 for RISC-V virt, from Debian's qemu-efi-riscv64: the code, run from
 * pflash unit 0 after OpenSBI; its variable store lies beside it (uefiVars).
 * It is what hands Linux ACPI on RISC-V (QEMU's virt writes its tables to
 * fw_cfg only, for firmware to install).
 */
export const RISCV_UEFI_FIRMWARE = ['/usr/share/qemu-efi-riscv64/RISCV_VIRT_CODE.fd'] as const;

/** The EDK2 images an ACPI boot of `arch` may run, first found wins; none for x86 (SeaBIOS is QEMU's default). */
export function uefiFirmware(arch: JudgeArch): readonly string[] {
  return arch === 'arm64' ? ARM_UEFI_FIRMWARE : arch === 'riscv64' ? RISCV_UEFI_FIRMWARE : [];
}

/** RISC-V EDK2's variable store, pflash unit 1: the VARS image beside the CODE image, as Debian ships them. */
export function uefiVars(code: string): string {
  return join(dirname(code), 'RISCV_VIRT_VARS.fd');
}

export interface GuestSetup {
  /** The default emulator, when neither the caller nor export qemu names one. */
  qemu: string;
  /** Options added to the machine's: memory, CPU, display, serial ports, no reboot. `kernelLog` is a file the kernel's own port may write to. */
  qemuArgs(kernelLog: string): string[];
  kernelArgs: string[];
  report: ReportPort;
}

/** The serial port /init writes its report to. */
export interface ReportPort {
  /** Its device node, also put in the initramfs (major, minor) for when devtmpfs cannot be mounted. */
  device: string;
  major: number;
  minor: number;
  /** The kernel logs on this port too: /init silences the console before it reports. */
  sharedPort: boolean;
}

/** q35's second 16550; the kernel logs on the first. */
export const X86_REPORT_PORT: ReportPort = { device: '/dev/ttyS1', major: 4, minor: 65, sharedPort: false };

/**
 * iommu.strict=1 so every kernel runs the same DMA domain type;
 * panic=-1 with -no-reboot ends QEMU at once on a panic.
 */
const COMMON_KERNEL_ARGS = ['iommu.strict=1', 'panic=-1'];

/**
 * intel_iommu=on because Debian's 6.1 leaves VT-d off by default.
 * no_timer_check: under TCG on a loaded host the IO-APIC timer test can miss
 * its ticks, and with VT-d interrupt remapping Linux then panics ("timer
 * doesn't work through Interrupt-remapped IO-APIC"; seen on Debian's 6.12 with
 * four boots sharing two cores), which says nothing about the tables.
 * AMD-Vi (QEMU's amd-iommu) needs no option: Linux enables its driver
 * whenever an IVRS is present (no amd_iommu=), takes interrupt remapping when
 * the IVHD names the MADT's I/O APIC (Debian's 6.1 and 6.12 do under TCG;
 * 7.3 says "No southbridge IOAPIC found" on QEMU's own IVRS as on ridmap's
 * and goes on without it), and intel_iommu=on is ignored without a DMAR.
 */
const X86_KERNEL_ARGS = ['intel_iommu=on', 'no_timer_check'];

/** The guest for `arch` booted through `firmware` (x86 and RISC-V: always ACPI); `uefi` is the EDK2 image an arm64 or RISC-V ACPI boot runs. */
export function guestSetup(arch: JudgeArch, firmware: FirmwareInterface, uefi?: string): GuestSetup {
  if (arch === 'amd64') {
    return {
      qemu: 'qemu-system-x86_64',
      // Both ports whatever the machine args say (-nodefaults removes the default one): ttyS0 the kernel log, ttyS1 the report.
      qemuArgs: (kernelLog) => ['-m', '512M', '-display', 'none', '-serial', `file:${kernelLog}`, '-serial', 'stdio', '-monitor', 'none', '-no-reboot'],
      kernelArgs: ['console=ttyS0', ...X86_KERNEL_ARGS, ...COMMON_KERNEL_ARGS],
      report: X86_REPORT_PORT,
    };
  }
  if (arch === 'riscv64') {
    const code = uefi ?? RISCV_UEFI_FIRMWARE[0];
    return {
      qemu: 'qemu-system-riscv64',
      // EDK2 on pflash (code read-only; the variable store snapshot=on, so the shared file is never written) runs after
      // OpenSBI and loads -kernel from fw_cfg. virt's default CPU (rv64) runs Debian's kernel.
      qemuArgs: () => [
        '-m', '1G', '-display', 'none', '-serial', 'stdio', '-monitor', 'none', '-no-reboot',
        '-drive', `if=pflash,unit=0,format=raw,readonly=on,file=${code}`,
        '-drive', `if=pflash,unit=1,format=raw,snapshot=on,file=${uefiVars(code)}`,
      ],
      // acpi=force: Linux on RISC-V keeps ACPI off when the firmware also hands it a non-empty DT, as EDK2 does.
      kernelArgs: ['console=ttyS0', 'acpi=force', ...COMMON_KERNEL_ARGS],
      report: { device: '/dev/ttyS0', major: 4, minor: 64, sharedPort: true },
    };
  }
  return {
    qemu: 'qemu-system-aarch64',
    // virt's default CPU (cortex-a15) is 32-bit; cortex-a57 runs both Debian's kernel and EDK2 and is cheaper under TCG than max.
    qemuArgs: () => [
      '-cpu', 'cortex-a57', '-m', '512M', '-display', 'none', '-serial', 'stdio', '-monitor', 'none', '-no-reboot',
      ...(firmware === 'acpi' ? ['-bios', uefi ?? ARM_UEFI_FIRMWARE[0]] : []),
    ],
    // acpi=force: Debian's arm64 kernel prefers a DT when the EFI stub finds one; under ACPI it must not.
    kernelArgs: ['console=ttyAMA0', ...(firmware === 'acpi' ? ['acpi=force'] : ['acpi=off']), ...COMMON_KERNEL_ARGS],
    // Documentation/admin-guide/devices.txt: 204/64 is the first AMBA PL011.
    report: { device: '/dev/ttyAMA0', major: 204, minor: 64, sharedPort: true },
  };
}
