#!/usr/bin/env node
/**
 * qemu-capture: the ACPI tables (and on Arm virt the DTB) that QEMU really
 * generates for a command line, captured from guest memory after booting only
 * the firmware: SeaBIOS on x86 (QEMU builds the tables, SeaBIOS copies them
 * into RAM), EDK2 from qemu-efi-aarch64 on Arm virt. No guest OS, no disk.
 *
 * Usage:
 *   node scripts/qemu-capture.mjs --out DIR [--qemu BINARY] [--firmware FILE] -- [qemu-system-ARCH] QEMU-ARGS...
 *
 * Examples:
 *   node scripts/qemu-capture.mjs --out out/cap-vtd -- qemu-system-x86_64 -M q35 \
 *     -device intel-iommu,intremap=on -device pcie-root-port,id=rp1,chassis=1 -device e1000e,id=nic0,bus=rp1
 *   node scripts/qemu-capture.mjs --out out/cap-smmu -- qemu-system-aarch64 -M virt,iommu=smmuv3,gic-version=3
 *   npx ridmap decode out/cap-vtd/DMAR.dat
 *   npx ridmap map out/cap-vtd/acpidump.txt --topology <(npx ridmap import qemu -- -M q35 ...)
 *
 * The binary may be left out: `-M virt` picks qemu-system-aarch64, anything
 * else qemu-system-x86_64. Added unless the command line already says
 * otherwise: -display none, -accel tcg, -m 256M, and on Arm -cpu cortex-a57
 * and -bios QEMU_EFI.fd; always -S and a QMP socket. Measured on 2 cores
 * under TCG: ~1 s per x86 capture (SeaBIOS has the tables in RAM 0.6 s after
 * start), 5-9 s per Arm capture (EDK2), up to ~15 s with two at once; each
 * capture.json records its own `seconds`.
 *
 * Writes to DIR: one SIG.dat per table (repeated signatures numbered,
 * SSDT1.dat, SSDT2.dat), acpidump.txt, board.dtb (Arm virt), pci.json (QMP
 * query-pci: the bus numbers the firmware assigned) and capture.json.
 * Exit status: 0 captured, 1 the capture failed (QEMU error, timeout), 2 usage.
 */
import { captureQemu } from './qemu-capture/capture.mjs';

const USAGE = 'usage: node scripts/qemu-capture.mjs --out DIR [--qemu BINARY] [--firmware FILE] -- [qemu-system-ARCH] QEMU-ARGS...';

function parse(argv) {
  const dash = argv.indexOf('--');
  if (dash < 0) return undefined;
  const opts = {};
  const own = argv.slice(0, dash);
  for (let i = 0; i < own.length; i += 2) {
    const key = { '--out': 'out', '--qemu': 'qemu', '--firmware': 'firmware' }[own[i]];
    if (!key || own[i + 1] === undefined) return undefined;
    opts[key] = own[i + 1];
  }
  const qemuArgs = argv.slice(dash + 1);
  return opts.out && qemuArgs.length > 0 ? { ...opts, qemuArgs } : undefined;
}

const parsed = parse(process.argv.slice(2));
if (!parsed) {
  console.error(USAGE);
  process.exit(2);
}
try {
  const manifest = await captureQemu(parsed.qemuArgs, parsed.out, {
    qemu: parsed.qemu,
    firmware: parsed.firmware,
    log: (line) => console.error(line),
  });
  const sigs = manifest.tables.map((t) => t.signature).join(' ');
  console.log(`${manifest.binary} ${manifest.qemuVersion.major}.${manifest.qemuVersion.minor}.${manifest.qemuVersion.micro}: ${sigs}${manifest.dtb ? ' + board.dtb' : ''} in ${manifest.seconds.total.toFixed(1)} s -> ${parsed.out}`);
} catch (e) {
  console.error(`qemu-capture: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
}
