#!/usr/bin/env node
/**
 * Makes the lspci text fixtures of test/fixtures/lspci/ (see its README):
 * genuine lspci output for machines richer than the one at hand.
 *
 * lspci reads a dump instead of the machine with `-F FILE`, where FILE is
 * `lspci -xxxx` text: a device line, then hex lines of its configuration
 * space. So from any configuration-space bytes this script writes such a
 * dump and runs the installed lspci on it for `-tvnn`, `-vvvnn` and `-xxx`
 * (`-t` works with `-F`: lspci builds its tree from the bridges' bus
 * numbers in the dump, as it does on a live machine). What a dump cannot
 * carry is what lspci reads from sysfs: `IOMMU group:` and `Kernel driver
 * in use:` lines do not appear.
 *
 *   node scripts/make-lspci-fixtures.mjs host
 *       this machine's own lspci as root and as `nobody` (host-root.txt, host-nonroot.txt)
 *   node scripts/make-lspci-fixtures.mjs synthetic
 *       a hand-built machine (two domains, a switch, ACS on and off, ATS,
 *       phantom functions, a PCIe-to-PCI bridge, RCiEPs, an empty bus)
 *   node scripts/make-lspci-fixtures.mjs sysfs SNAPSHOT.tar.gz NAME
 *       the config spaces of a `ridmap snapshot` tarball (test/fixtures/sysfs/)
 *
 * Each writes NAME.dump (`lspci -D -xxxx` of the bytes: what -F reads) and
 * NAME.txt (`-tvnn`, `-vvvnn` and `-xxx` of it, as pasted from a shell, with
 * prompts).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const OUT = join(ROOT, 'test/fixtures/lspci');

/** `lspci` with its complaints about missing kernel module data (stderr) left out: a dump has no modules. */
function lspci(args) {
  return execFileSync('lspci', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
}

/** A pasted shell session: each command after a prompt, then its output. */
function session(commands) {
  return commands.map(([cmd, out]) => `$ ${cmd}\n${out}${out.endsWith('\n') ? '' : '\n'}`).join('');
}

/** `lspci -xxxx` text of config spaces (sbdf -> bytes), as `-F` reads it. */
function dumpText(functions) {
  let out = '';
  for (const [sbdf, bytes] of functions) {
    out += `${sbdf} Device\n`;
    for (let o = 0; o < bytes.length; o += 16) {
      out += `${o.toString(16).padStart(2, '0')}: ${[...bytes.subarray(o, o + 16)].map((b) => b.toString(16).padStart(2, '0')).join(' ')}\n`;
    }
    out += '\n';
  }
  return out;
}

function writeFromDump(name, functions) {
  // lspci's own -xxxx of the bytes (its device lines, not ours) is the dump kept: genuine output -F reads back.
  const scratch = mkdtempSync(join(tmpdir(), 'lspci-dump-'));
  const dumpFile = join(OUT, `${name}.dump`);
  try {
    writeFileSync(join(scratch, 'dump'), dumpText(functions));
    writeFileSync(dumpFile, lspci(['-F', join(scratch, 'dump'), '-D', '-xxxx']));
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  const text = session([
    ['lspci -tvnn', lspci(['-F', dumpFile, '-tvnn'])],
    ['lspci -vvvnn', lspci(['-F', dumpFile, '-vvvnn'])],
    ['lspci -xxx', lspci(['-F', dumpFile, '-xxx'])],
  ]);
  writeFileSync(join(OUT, `${name}.txt`), text);
  console.log(`wrote ${name}.dump and ${name}.txt (${functions.length} functions)`);
}

// ---- this machine --------------------------------------------------------

function host() {
  const asRoot = session([
    ['sudo lspci -tvnn', lspci(['-tvnn'])],
    ['sudo lspci -vvvnn', lspci(['-vvvnn'])],
    ['sudo lspci -xxxx', lspci(['-xxxx'])],
  ]);
  writeFileSync(join(OUT, 'host-root.txt'), asRoot);
  const nobody = (args) => execFileSync('su', ['nobody', '-s', '/bin/sh', '-c', `lspci ${args} 2>&1`], { encoding: 'utf8' });
  const asNobody = session([
    ['lspci -tvnn', nobody('-tvnn')],
    ['lspci -vvvnn', nobody('-vvvnn')],
    ['lspci -x', nobody('-x')],
  ]);
  writeFileSync(join(OUT, 'host-nonroot.txt'), asNobody);
  console.log('wrote host-root.txt and host-nonroot.txt');
}

// ---- a hand-built machine ------------------------------------------------

/** PCIe Device/Port Types (PCIe Base 6.0, 7.5.3.2). */
const PCIE = { endpoint: 0, legacy: 1, root: 4, upstream: 5, downstream: 6, toPci: 7, rciep: 9 };
/** ACS Control bits (7.7.8.3): SV, TB, RR, CR, UF, EC, DT. */
const ACS_ISOLATING = 0x01 | 0x04 | 0x08 | 0x10;

/**
 * A configuration space: identity, header, and for PCIe the Express
 * capability at 0x40 and extended capabilities from 0x100 (AER, ACS, ATS
 * as asked) in 4096 bytes; conventional functions get 256.
 */
function config({ vendor = 0x8086, device = 0x1000, cls, bridge, mf = false, pcie, phantom = 0, aer = true, acs, ats = false }) {
  const b = new Uint8Array(pcie === undefined ? 256 : 4096);
  const w16 = (o, v) => { b[o] = v & 0xff; b[o + 1] = (v >> 8) & 0xff; };
  const w32 = (o, v) => { w16(o, v & 0xffff); w16(o + 2, (v >>> 16) & 0xffff); };
  w16(0x00, vendor);
  w16(0x02, device);
  w16(0x04, 0x0006); // Memory Space, Bus Master
  b[0x08] = 0x01; // revision
  b[0x09] = cls & 0xff;
  b[0x0a] = (cls >> 8) & 0xff;
  b[0x0b] = (cls >> 16) & 0xff;
  b[0x0e] = (bridge ? 1 : 0) | (mf ? 0x80 : 0);
  if (bridge) {
    [b[0x18], b[0x19], b[0x1a]] = bridge;
    b[0x1c] = 0xf0; // I/O window closed (base above limit)
    w16(0x20, 0xfff0); // memory window closed
    w16(0x24, 0xfff1); // prefetchable window closed, 64-bit
    w16(0x26, 0x0001);
  }
  if (pcie === undefined) return b;
  w16(0x06, 0x0010); // Capabilities List
  b[0x34] = 0x40;
  b[0x40] = 0x10;
  w16(0x42, 0x2 | (pcie << 4) | (pcie === PCIE.root || pcie === PCIE.downstream ? 0x100 : 0));
  w32(0x44, (phantom & 3) << 3);
  const ext = [];
  if (aer) ext.push([0x0001, 0x48]);
  if (acs !== undefined) ext.push([0x000d, 0x08, (o) => { w16(o + 4, 0x005f); w16(o + 6, acs); }]);
  if (ats) ext.push([0x000f, 0x08]);
  let at = 0x100;
  ext.forEach(([id, size, fill], i) => {
    const next = i + 1 < ext.length ? at + size : 0;
    w32(at, id | (1 << 16) | (next << 20));
    fill?.(at);
    at = next;
  });
  return b;
}

function synthetic() {
  const br = (pri, sec, sub) => [pri, sec, sub];
  const rp = (bus, acs, mf = false) => config({ device: 0x7a38, cls: 0x060400, bridge: bus, mf, pcie: PCIE.root, acs });
  const functions = [
    ['0000:00:00.0', config({ device: 0x7a00, cls: 0x060000 })],
    ['0000:00:01.0', rp(br(0, 1, 5), ACS_ISOLATING, true)],
    ['0000:00:01.1', rp(br(0, 6, 6), 0)],
    ['0000:00:02.0', config({ device: 0x244e, cls: 0x060401, bridge: br(0, 7, 7), pcie: PCIE.toPci, aer: false })],
    ['0000:00:03.0', rp(br(0, 8, 8), ACS_ISOLATING)],
    ['0000:00:1f.0', config({ device: 0x7a06, cls: 0x060100, mf: true, pcie: PCIE.rciep, aer: false })],
    ['0000:00:1f.2', config({ device: 0x7ae2, cls: 0x010601, pcie: PCIE.rciep, aer: false })],
    ['0000:01:00.0', config({ vendor: 0x10b5, device: 0x8747, cls: 0x060400, bridge: br(1, 2, 5), pcie: PCIE.upstream })],
    ['0000:02:00.0', config({ vendor: 0x10b5, device: 0x8747, cls: 0x060400, bridge: br(2, 3, 3), pcie: PCIE.downstream, acs: ACS_ISOLATING })],
    ['0000:02:01.0', config({ vendor: 0x10b5, device: 0x8747, cls: 0x060400, bridge: br(2, 4, 4), pcie: PCIE.downstream, acs: 0x04 })],
    ['0000:02:02.0', config({ vendor: 0x10b5, device: 0x8747, cls: 0x060400, bridge: br(2, 5, 5), pcie: PCIE.downstream, acs: ACS_ISOLATING })],
    ['0000:03:00.0', config({ vendor: 0x15b3, device: 0x1017, cls: 0x020000, mf: true, pcie: PCIE.endpoint, ats: true, acs: 0 })],
    ['0000:03:00.1', config({ vendor: 0x15b3, device: 0x1017, cls: 0x020000, pcie: PCIE.endpoint, ats: true, acs: 0 })],
    ['0000:04:00.0', config({ vendor: 0x1af4, device: 0x1041, cls: 0x020000, pcie: PCIE.endpoint, aer: false })],
    ['0000:05:00.0', config({ vendor: 0x10de, device: 0x2330, cls: 0x030200, pcie: PCIE.endpoint, phantom: 1 })],
    ['0000:06:00.0', config({ vendor: 0x144d, device: 0xa808, cls: 0x010802, pcie: PCIE.endpoint })],
    ['0000:07:01.0', config({ vendor: 0x1000, device: 0x0030, cls: 0x010000 })],
    ['0000:07:02.0', config({ vendor: 0x8086, device: 0x100e, cls: 0x020000 })],
    ['0001:40:00.0', config({ device: 0x09ab, cls: 0x060400, bridge: br(0x40, 0x41, 0x41), pcie: PCIE.root, acs: ACS_ISOLATING })],
    ['0001:41:00.0', config({ vendor: 0x8086, device: 0x0b60, cls: 0x010802, pcie: PCIE.endpoint, ats: true })],
  ];
  writeFromDump('synthetic', functions);
}

// ---- a ridmap snapshot ---------------------------------------------------

/** Every `<sbdf>/config` under a snapshot's unpacked tree (where it sits depends on the snapshot's layout). */
function configsUnder(dir) {
  const found = new Map();
  const walk = (d) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name === 'config' && /^[0-9a-f]{4,}:[0-9a-f]{2}:[0-9a-f]{2}\.[0-7]$/.test(d.split('/').pop())) found.set(d.split('/').pop(), readFileSync(p));
    }
  };
  walk(dir);
  return [...found].sort(([a], [b]) => (a < b ? -1 : 1));
}

function sysfs(tarball, name) {
  if (!tarball || !name || !existsSync(tarball)) throw new Error('usage: make-lspci-fixtures.mjs sysfs SNAPSHOT.tar.gz NAME');
  const dir = mkdtempSync(join(tmpdir(), 'lspci-fixture-'));
  try {
    execFileSync('tar', ['-xzf', tarball, '-C', dir]);
    const functions = configsUnder(dir);
    if (!functions.length) throw new Error(`no <sbdf>/config in ${tarball}`);
    writeFromDump(name, functions.map(([sbdf, bytes]) => [sbdf, new Uint8Array(bytes)]));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const [what, ...rest] = process.argv.slice(2);
if (what === 'host') host();
else if (what === 'synthetic') synthetic();
else if (what === 'sysfs') sysfs(rest[0], rest[1]);
else {
  console.error('usage: make-lspci-fixtures.mjs host | synthetic | sysfs SNAPSHOT.tar.gz NAME');
  process.exit(2);
}
