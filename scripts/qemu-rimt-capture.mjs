#!/usr/bin/env node
/**
 * qemu-rimt-capture: the RIMT that QEMU's RISC-V virt machine generates for a
 * command line, read straight from its fw_cfg device over the qtest protocol
 * (no guest, no firmware): select the fw_cfg file directory, find
 * `etc/acpi/tables`, read that blob 8 bytes at a time from the MMIO data
 * register and cut the RIMT out of it by its signature and Length.
 *
 * Usage:
 *   node scripts/qemu-rimt-capture.mjs OUT.dat [--root DIR] -- QEMU-ARGS...
 *   e.g. node scripts/qemu-rimt-capture.mjs RIMT.dat -- -M virt,acpi=on -device riscv-iommu-pci,addr=2.0
 *
 * QEMU runs as `chroot ROOT qemu-system-riscv64` (ROOT: --root, else
 * $RIDMAP_REFERENCE_ROOT, else /var/cache/ridmap/reference-root), as the
 * judge runs its peers. Exit 0 written, 1 no RIMT or QEMU failed, 2 usage.
 */
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { createInterface } from 'node:readline';

/** The virt machine's fw_cfg (hw/riscv/virt.c VIRT_FW_CFG): data at +0, selector (big-endian) at +8. */
const FW_CFG_BASE = 0x10100000;
const FW_CFG_FILE_DIR = 0x19;
const DIR_ENTRY_SIZE = 64;

const argv = process.argv.slice(2);
const dash = argv.indexOf('--');
const own = dash < 0 ? argv : argv.slice(0, dash);
const qemuArgs = dash < 0 ? [] : argv.slice(dash + 1);
const out = own[0];
const rootAt = own.indexOf('--root');
const root = rootAt >= 0 ? own[rootAt + 1] : process.env.RIDMAP_REFERENCE_ROOT || '/var/cache/ridmap/reference-root';
if (!out || qemuArgs.length === 0) {
  console.error('usage: node scripts/qemu-rimt-capture.mjs OUT.dat [--root DIR] -- QEMU-ARGS...');
  process.exit(2);
}

const qemu = spawn('chroot', [root, 'qemu-system-riscv64', '-display', 'none', '-nodefaults', '-m', '256M',
  '-accel', 'qtest', '-qtest', 'stdio', '-qtest-log', '/dev/null', ...qemuArgs], { stdio: ['pipe', 'pipe', 'inherit'] });
const lines = createInterface({ input: qemu.stdout });
const waiting = [];
lines.on('line', (line) => {
  // IRQ notices are not answers.
  if (line.startsWith('IRQ')) return;
  waiting.shift()?.(line);
});
qemu.on('exit', (code) => {
  for (const w of waiting.splice(0)) w(`ERR qemu exited ${code}`);
});

function command(text) {
  return new Promise((resolve, reject) => {
    waiting.push((line) => (line.startsWith('OK') ? resolve(line) : reject(new Error(`${text}: ${line}`))));
    qemu.stdin.write(text + '\n');
  });
}

async function select(key) {
  await command(`write 0x${(FW_CFG_BASE + 8).toString(16)} 2 0x${key.toString(16).padStart(4, '0')}`);
}

/** n bytes from the selected item, in order: the data register gives the next bytes big-endian. */
async function readBytes(n) {
  const bytes = Buffer.alloc(Math.ceil(n / 8) * 8);
  for (let i = 0; i < bytes.length; i += 8) {
    const answer = await command(`read 0x${FW_CFG_BASE.toString(16)} 8`);
    bytes.writeBigUInt64BE(BigInt(answer.split(' ')[1]), i);
  }
  return bytes.subarray(0, n);
}

try {
  await select(FW_CFG_FILE_DIR);
  const count = (await readBytes(4)).readUInt32BE(0);
  // The 4 count bytes were read as part of an 8-byte word: read the directory again whole.
  await select(FW_CFG_FILE_DIR);
  const dir = (await readBytes(4 + count * DIR_ENTRY_SIZE)).subarray(4);
  let file;
  for (let i = 0; i < count; i++) {
    const e = dir.subarray(i * DIR_ENTRY_SIZE, (i + 1) * DIR_ENTRY_SIZE);
    const name = e.subarray(8).toString('latin1').replace(/\0.*$/s, '');
    if (name === 'etc/acpi/tables') file = { size: e.readUInt32BE(0), key: e.readUInt16BE(4) };
  }
  if (!file) throw new Error('no etc/acpi/tables in fw_cfg (is acpi=on?)');
  await select(file.key);
  const blob = await readBytes(file.size);
  const at = blob.indexOf('RIMT', 0, 'latin1');
  if (at < 0) throw new Error('QEMU wrote no RIMT (no riscv-iommu-pci or iommu-sys?)');
  const rimt = Buffer.from(blob.subarray(at, at + blob.readUInt32LE(at + 4)));
  // QEMU leaves the checksum to the firmware (its table-loader's ADD_CHECKSUM command): do what the firmware does.
  rimt[9] = 0;
  rimt[9] = (0x100 - (rimt.reduce((a, b) => a + b, 0) & 0xff)) & 0xff;
  writeFileSync(out, rimt);
  console.log(`${out}: RIMT, ${rimt.length} bytes`);
  qemu.stdin.end();
  qemu.kill();
} catch (e) {
  console.error(`qemu-rimt-capture: ${e.message}`);
  qemu.kill();
  process.exit(1);
}
