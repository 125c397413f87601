// The peers ridmap is measured against: ACPICA's iasl (`iasl -d`, the
// reference ACPI table decoder) and dtc (`dtc -I dtb -O dts`, `-I dts -O dtb`).
//
// iasl comes in two: the current ACPICA release, which the goals are set
// against (Debian 12's is from 2020 and is a slower, older program), and
// Debian's, which is what most users have. The current one is, in order:
//   RIDMAP_BENCH_IASL (a path, e.g. an iasl built from ACPICA's source);
//   the reference root's (scripts/reference-root.sh: Debian trixie's, pinned),
//     run natively through the root's own dynamic loader and libraries, so no
//     chroot and no copying of inputs into the root;
// and, when neither is there, only Debian's counts. dtc likewise: the
// reference root's (pinned 1.7.2), else the one on PATH.
// A missing peer is not an error: its rows say "peer missing".
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, rmSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';

const REFERENCE_ROOT = process.env.RIDMAP_REFERENCE_ROOT || '/var/cache/ridmap/reference-root';
/** The root's loader and library folders (amd64; the bench runs on the machine's own architecture). */
const LOADER = 'lib64/ld-linux-x86-64.so.2';
const LIBS = ['lib/x86_64-linux-gnu', 'usr/lib/x86_64-linux-gnu'];

/** A program of the reference root as { cmd, pre } (arguments before the program's own), or null. */
function inRoot(program) {
  const [loader, bin] = [join(REFERENCE_ROOT, LOADER), join(REFERENCE_ROOT, program)];
  if (!existsSync(join(REFERENCE_ROOT, '.ridmap-root')) || !existsSync(loader) || !existsSync(bin)) return null;
  return { cmd: loader, pre: ['--library-path', LIBS.map((l) => join(REFERENCE_ROOT, l)).join(':'), bin], where: 'reference root' };
}

/** { cmd, pre, version, where } when the program answers its version question, else null. */
function probe(found, versionArgs, pattern) {
  if (!found) return null;
  const r = spawnSync(found.cmd, [...found.pre, ...versionArgs], { encoding: 'utf8' });
  if (r.error || r.status !== 0) return null;
  const m = pattern.exec(`${r.stdout}${r.stderr}`);
  return { ...found, version: m ? m[1] : 'unknown version' };
}

const onPath = (cmd) => ({ cmd, pre: [], where: 'PATH' });
const IASL_VERSION = [['-v'], /version (\d+)/];
const DTC_VERSION = [['--version'], /Version: DTC (\S+)/];

export function findPeers() {
  const debianIasl = probe(onPath('iasl'), ...IASL_VERSION);
  const env = process.env.RIDMAP_BENCH_IASL;
  const currentIasl = probe(env ? { cmd: env, pre: [], where: 'RIDMAP_BENCH_IASL' } : inRoot('usr/bin/iasl'), ...IASL_VERSION);
  return {
    // The goals' peer: current ACPICA when there is one, else Debian's.
    iasl: currentIasl ?? debianIasl,
    // Debian's too, when it is another release than the goals' peer.
    iaslDebian: currentIasl && debianIasl && debianIasl.version !== currentIasl.version ? debianIasl : null,
    dtc: probe(inRoot('usr/bin/dtc'), ...DTC_VERSION) ?? probe(onPath('dtc'), ...DTC_VERSION),
  };
}

/** How a peer is named in a row: "iasl 20260408 -d". */
export const peerName = (tool, peer, what) => `${tool} ${peer.version} ${what}`;

/**
 * `iasl -d` over copies of `files` in `dir`: iasl writes NAME.dsl beside
 * each input, so it runs on copies in a scratch directory of its own. It
 * takes many files in one process (`-d <f1 f2 ...>`), so a batch is one
 * iasl process as a batch is one ridmap process. `prepare` deletes the
 * previous .dsl files and `verify` requires every one back, non-empty, so a
 * run that failed on the way is never a figure.
 */
export function iaslDecode(peer, files, dir) {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const names = files.map((f) => {
    copyFileSync(f, join(dir, basename(f)));
    return basename(f);
  });
  const dsl = names.map((n) => join(dir, n.replace(/\.[^.]*$/, '.dsl')));
  return {
    cmd: peer.cmd,
    args: [...peer.pre, '-d', ...names],
    cwd: dir,
    prepare: () => dsl.forEach((f) => rmSync(f, { force: true })),
    verify: () => {
      const missing = dsl.filter((f) => !existsSync(f) || statSync(f).size === 0);
      return missing.length ? `iasl wrote no ${basename(missing[0])} (${missing.length} missing)` : undefined;
    },
  };
}

/** `dtc -I dtb -O dts -o /dev/null FILE`: dtc's decompile, output thrown away as the issue asks. */
export function dtcDecode(peer, file) {
  return { cmd: peer.cmd, args: [...peer.pre, '-I', 'dtb', '-O', 'dts', '-o', '/dev/null', file] };
}

/** `dtc -I dts -O dtb -o OUT FILE`: dtc's compile, into a file as ridmap's is. */
export function dtcCompile(peer, file, out) {
  return {
    cmd: peer.cmd,
    args: [...peer.pre, '-I', 'dts', '-O', 'dtb', '-o', out, file],
    prepare: () => rmSync(out, { force: true }),
    verify: () => (existsSync(out) && statSync(out).size > 0 ? undefined : `dtc wrote no ${basename(out)}`),
  };
}
