/**
 * How the capture runs a user's QEMU command line: which binary, and what it
 * adds so that only the firmware boots, headless, under TCG, with a QMP
 * socket to ask through. Everything the user wrote is kept as written (the
 * point is to capture the tables of *that* machine); an addition is made only
 * when the user did not already choose that setting. Pure.
 */
import { existsSync } from 'node:fs';

export const DEFAULT_RAM = '256M';
/** A 64-bit CPU: virt's default (cortex-a15) cannot run the AArch64 EDK2. */
export const DEFAULT_ARM_CPU = 'cortex-a57';
/** EDK2 for Arm virt, from Debian's qemu-efi-aarch64. */
export const ARM_FIRMWARE = ['/usr/share/qemu-efi-aarch64/QEMU_EFI.fd', '/usr/share/AAVMF/AAVMF_CODE.fd'];
/** Where guest RAM starts: 0 on x86, 1 GiB on Arm virt. */
const RAM_BASE = { x86: 0n, arm: 0x40000000n };
/** q35 keeps RAM below 4 GiB up to 2.75 GiB, or 2 GiB when there is more; the tables are in that part. */
const Q35_LOWMEM_SPLIT = 0xb0000000n;
const Q35_LOWMEM_LARGE = 0x80000000n;

/**
 * @typedef {{ arch: 'x86' | 'arm', binary: string, userArgs: string[], firmware?: string,
 *   extraArgs: (qmpSocket: string) => string[], dtbArgs: (file: string) => string[] }} Invocation
 */

/** @param {readonly string[]} args @param {...string} names */
function hasOption(args, ...names) {
  return args.some((a) => names.includes(a.replace(/^--/, '-')));
}

/** The -M/-machine values, as written. @param {readonly string[]} args */
function machineValues(args) {
  const out = [];
  for (let i = 0; i < args.length - 1; i++) {
    if (['-M', '-machine'].includes(args[i].replace(/^--/, '-'))) out.push(args[i + 1]);
  }
  return out;
}

/**
 * @param {readonly string[]} argv  QEMU's argv, with or without the binary first
 * @param {{ qemu?: string, firmware?: string }} [opts]
 * @returns {Invocation}
 */
export function qemuInvocation(argv, opts = {}) {
  const withBinary = argv.length > 0 && !argv[0].startsWith('-');
  const userArgs = withBinary ? argv.slice(1) : [...argv];
  const machines = machineValues(userArgs);
  const binary = opts.qemu ?? (withBinary ? argv[0] : machines.some((m) => /^(type=)?virt\b/.test(m)) ? 'qemu-system-aarch64' : 'qemu-system-x86_64');
  const arch = /aarch64|arm/.test(binary) ? 'arm' : 'x86';
  const firmware = arch === 'arm' && !hasOption(userArgs, '-bios', '-pflash') && !userArgs.some((a) => /if=pflash/.test(a))
    ? opts.firmware ?? ARM_FIRMWARE.find((f) => existsSync(f)) ?? ARM_FIRMWARE[0]
    : undefined;
  const accelChosen = hasOption(userArgs, '-accel', '-enable-kvm') || machines.some((m) => /(^|,)accel=/.test(m));

  const common = [
    ...(hasOption(userArgs, '-display', '-nographic') ? [] : ['-display', 'none']),
    ...(accelChosen ? [] : ['-accel', 'tcg']),
    ...(hasOption(userArgs, '-m') ? [] : ['-m', DEFAULT_RAM]),
    ...(arch === 'arm' && !hasOption(userArgs, '-cpu') ? ['-cpu', DEFAULT_ARM_CPU] : []),
  ];
  return {
    arch,
    binary,
    userArgs,
    firmware,
    extraArgs: (qmpSocket) => [
      ...common,
      ...(firmware ? ['-bios', firmware] : []),
      // Stopped until QMP says `cont`, so nothing runs before the capture is listening.
      '-S',
      '-qmp', `unix:${qmpSocket},server=on,wait=off`,
    ],
    // virt writes its DTB at machine creation and exits; no firmware runs.
    dtbArgs: (file) => [...common, '-machine', `dumpdtb=${file}`],
  };
}

/**
 * The guest-physical window that holds the firmware's tables.
 * @param {'x86' | 'arm'} arch
 * @param {bigint} ramSize
 */
export function tableWindow(arch, ramSize) {
  if (arch === 'arm') return { base: RAM_BASE.arm, size: ramSize };
  return { base: RAM_BASE.x86, size: ramSize < Q35_LOWMEM_SPLIT ? ramSize : Q35_LOWMEM_LARGE };
}
