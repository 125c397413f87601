/**
 * One capture: boot only the firmware of a QEMU command line, wait until the
 * ACPI tables are in guest memory, dump that memory, extract the tables, and
 * (Arm virt) dump the DTB; write it all to a directory. Every step is bounded
 * by a named timeout and QEMU is killed on any failure.
 *
 * Files written to outDir:
 *   SIG.dat / SIGn.dat   each table (RSDP.dat, XSDT.dat, FACP.dat, DSDT.dat, DMAR.dat, ...)
 *   acpidump.txt         all of them in acpidump's text form
 *   board.dtb            Arm virt only: the DTB QEMU generates (dumpdtb)
 *   pci.json             QMP query-pci after the firmware numbered the buses
 *   capture.json         what ran, the QEMU version, timings and the table list
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { acpidumpText, tableFileNames } from './acpidump-format.mjs';
import { treeFingerprint, walkTables } from './acpi-walk.mjs';
import { BIOS_RSDP_AREA, biosRsdps, efiRsdps, efiSystemTables } from './rsdp-locate.mjs';
import { qemuInvocation, tableWindow } from './invocation.mjs';
import { connectQmp } from './qmp.mjs';

/**
 * Seconds each step may take. Measured here (TCG, 2 cores): SeaBIOS has the
 * tables in RAM ~0.6 s after start, EDK2 4-8 s (up to ~15 s with two
 * captures at once); the limits leave room for a loaded CI machine.
 */
export const TIMEOUTS = {
  /** A QEMU process's whole life, whatever it is doing. */
  process: 300,
  qmpConnect: 10,
  /** From `cont` until the same complete table set was seen twice in a row. */
  tablesReady: { x86: 30, arm: 120 },
  /** One QMP command (pmemsave of the whole RAM is the slow one). */
  command: 30,
  /** From `quit` to the process being gone, before SIGKILL. */
  quit: 5,
  /** The dumpdtb run, start to exit. */
  dtb: 20,
};
/** How often memory is looked at while waiting for the tables. */
const POLL_MS = { x86: 250, arm: 1000 };
const STDERR_KEPT = 4000;

export class CaptureError extends Error {}

/**
 * @param {readonly string[]} argv  the QEMU command line (binary first, or just its options)
 * @param {string} outDir
 * @param {{ qemu?: string, firmware?: string, log?: (line: string) => void }} [opts]
 */
export async function captureQemu(argv, outDir, opts = {}) {
  const inv = qemuInvocation(argv, opts);
  const log = opts.log ?? (() => {});
  const started = Date.now();
  mkdirSync(outDir, { recursive: true });
  const scratch = mkdtempSync(join(tmpdir(), 'ridmap-capture-'));
  try {
    const acpi = await captureAcpi(inv, scratch, log);
    // acpidump's order: the tables, then the RSDP last.
    const all = [...acpi.tree.tables, acpi.tree.rsdp];
    const names = tableFileNames(all);
    all.forEach((t, i) => writeFileSync(join(outDir, names[i]), t.bytes));
    writeFileSync(join(outDir, 'acpidump.txt'), acpidumpText(all));
    writeFileSync(join(outDir, 'pci.json'), JSON.stringify(acpi.pci, null, 2) + '\n');
    let dtb;
    if (inv.arch === 'arm') {
      const dtbStarted = Date.now();
      dtb = await dumpDtb(inv, join(outDir, 'board.dtb'));
      log(`dtb dumped in ${((Date.now() - dtbStarted) / 1000).toFixed(1)} s`);
    }
    const manifest = {
      binary: inv.binary,
      qemuVersion: acpi.version,
      args: inv.userArgs,
      addedArgs: inv.extraArgs('<qmp-socket>'),
      seconds: { tablesReady: acpi.readySeconds, total: (Date.now() - started) / 1000 },
      rsdp: `0x${acpi.tree.rsdp.address.toString(16)}`,
      tables: all.map((t, i) => ({ signature: t.signature.trimEnd(), address: `0x${t.address.toString(16)}`, length: t.bytes.length, file: names[i] })),
      ...(dtb ? { dtb: 'board.dtb' } : {}),
    };
    writeFileSync(join(outDir, 'capture.json'), JSON.stringify(manifest, null, 2) + '\n');
    return manifest;
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/**
 * @param {ReturnType<typeof qemuInvocation>} inv
 * @param {string} scratch
 * @param {(line: string) => void} log
 */
async function captureAcpi(inv, scratch, log) {
  const socket = join(scratch, 'qmp.sock');
  const qemu = startQemu(inv.binary, [...inv.userArgs, ...inv.extraArgs(socket)]);
  let qmp;
  try {
    qmp = await connectQmp(socket, TIMEOUTS.qmpConnect * 1000, qemu.whyDead);
    const ask = (/** @type {string} */ name, args = {}) => qmp.command(name, args, TIMEOUTS.command * 1000);
    const version = /** @type {any} */ (await ask('query-version')).qemu;
    const memory = /** @type {any} */ (await ask('query-memory-size-summary'));
    const window = tableWindow(inv.arch, BigInt(memory['base-memory']));
    const mem = qmpMemory(ask, join(scratch, 'mem.bin'), window);
    const locate = inv.arch === 'arm' ? uefiLocator(mem, window) : biosLocator(mem);
    await ask('cont');
    const contAt = Date.now();

    const deadline = contAt + TIMEOUTS.tablesReady[inv.arch] * 1000;
    let last = '';
    let tree;
    for (;;) {
      const dead = qemu.whyDead();
      if (dead) throw new CaptureError(`QEMU exited while the firmware ran: ${dead}`);
      const found = await firstComplete(mem, await locate());
      const print = found ? treeFingerprint(found) : '';
      // Firmware may install tables one by one (EDK2); the same complete set twice in a row is the end of it.
      if (found && print === last) {
        tree = found;
        break;
      }
      log(`${((Date.now() - contAt) / 1000).toFixed(1)} s: ${found ? `${found.tables.length} tables` : "no tables yet"}`);
      last = print;
      if (Date.now() > deadline) {
        throw new CaptureError(`no complete ACPI table set in guest memory within ${TIMEOUTS.tablesReady[inv.arch]} s`);
      }
      await sleep(POLL_MS[inv.arch]);
    }
    const readySeconds = (Date.now() - contAt) / 1000;
    log(`tables ready ${readySeconds.toFixed(1)} s after the firmware started`);
    const pci = await ask('query-pci');
    await quit(qemu, () => ask('quit'));
    return { tree, pci, version, readySeconds };
  } catch (e) {
    qemu.kill();
    await qemu.exited;
    if (e instanceof CaptureError) throw e;
    const message = e instanceof Error ? e.message : String(e);
    const tail = qemu.stderrTail();
    throw new CaptureError(message.includes(tail.replace(/^\nQEMU said: /, '')) ? message : message + tail);
  } finally {
    qmp?.close();
  }
}

/**
 * Guest memory through QMP pmemsave, one range at a time; reads outside the
 * RAM window are refused (pmemsave would happily read device memory).
 * @param {(name: string, args?: object) => Promise<unknown>} ask
 * @param {string} file
 * @param {{ base: bigint, size: bigint }} window
 * @returns {import('./acpi-walk.mjs').GuestMemory & { dump(): Promise<Uint8Array> }}
 */
function qmpMemory(ask, file, window) {
  const inside = (/** @type {bigint} */ a, /** @type {number} */ n) => a >= window.base && a + BigInt(n) <= window.base + window.size;
  const read = async (/** @type {bigint} */ address, /** @type {number} */ length) => {
    if (length <= 0 || !inside(address, length)) return undefined;
    await ask('pmemsave', { val: Number(address), size: length, filename: file });
    return new Uint8Array(readFileSync(file));
  };
  return { read, dump: async () => (await read(window.base, Number(window.size))) ?? new Uint8Array() };
}

/** SeaBIOS: RSDP candidates in the BIOS area. @param {import('./acpi-walk.mjs').GuestMemory} mem */
function biosLocator(mem) {
  return async () => {
    const area = await mem.read(BIOS_RSDP_AREA.base, BIOS_RSDP_AREA.size);
    return area ? biosRsdps(area) : [];
  };
}

/**
 * EDK2: the RSDP from the system table's configuration table. Finding the
 * system table takes a whole-RAM dump; once one lists an RSDP, each poll
 * reads only that one. (DXE core's image holds a template with the same
 * signature that never gets entries, so an empty answer means "scan again".)
 * @param {ReturnType<typeof qmpMemory>} mem
 * @param {{ base: bigint }} window
 */
function uefiLocator(mem, window) {
  /** @type {bigint | undefined} */
  let known;
  return async () => {
    const candidates = known !== undefined ? [known] : efiSystemTables(await mem.dump(), window.base);
    for (const st of candidates) {
      const rsdps = await efiRsdps(mem, st);
      if (rsdps.length > 0) {
        known = st;
        return rsdps;
      }
    }
    known = undefined;
    return [];
  };
}

/** @param {import('./acpi-walk.mjs').GuestMemory} mem @param {bigint[]} rsdps */
async function firstComplete(mem, rsdps) {
  for (const address of rsdps) {
    const tree = await walkTables(mem, address);
    if (tree && tree.problems.length === 0) return tree;
  }
  return undefined;
}

/**
 * @param {ReturnType<typeof qemuInvocation>} inv
 * @param {string} file
 */
async function dumpDtb(inv, file) {
  const qemu = startQemu(inv.binary, [...inv.userArgs, ...inv.dtbArgs(file)]);
  const timer = setTimeout(() => qemu.kill(), TIMEOUTS.dtb * 1000);
  const code = await qemu.exited;
  clearTimeout(timer);
  if (code !== 0) throw new CaptureError(`dumpdtb run failed (exit ${code})${qemu.stderrTail()}`);
  return file;
}

/**
 * @param {{ kill: () => void, exited: Promise<number | null> }} qemu
 * @param {() => Promise<unknown>} sendQuit
 */
async function quit(qemu, sendQuit) {
  // QEMU may close the socket before it answers `quit`; either way it is on its way out.
  await sendQuit().catch(() => {});
  const timer = setTimeout(() => qemu.kill(), TIMEOUTS.quit * 1000);
  await qemu.exited;
  clearTimeout(timer);
}

/** @param {string} binary @param {string[]} args */
function startQemu(binary, args) {
  const child = spawn(binary, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  /** @type {string | undefined} */
  let gone;
  child.stderr.on('data', (d) => {
    stderr = (stderr + d.toString('utf8')).slice(-STDERR_KEPT);
  });
  // Whatever else goes wrong, no QEMU outlives its time.
  const lifetime = setTimeout(() => child.kill('SIGKILL'), TIMEOUTS.process * 1000);
  lifetime.unref();
  const exited = new Promise((resolve) => {
    child.on('error', (e) => {
      gone = `cannot run ${binary}: ${e.message}`;
      resolve(null);
    });
    child.on('exit', (code, signal) => {
      clearTimeout(lifetime);
      gone ??= `exit ${code ?? signal}${stderr ? `: ${stderr.trim()}` : ''}`;
      resolve(code);
    });
  });
  return {
    exited,
    whyDead: () => gone,
    kill: () => {
      if (gone === undefined) child.kill('SIGKILL');
    },
    stderrTail: () => (stderr.trim() ? `\nQEMU said: ${stderr.trim()}` : ''),
  };
}
