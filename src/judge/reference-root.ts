/**
 * The reference root (issue 15): the Debian trixie root scripts/reference-root.sh
 * builds with the pinned peers (QEMU 11.1 with its firmware, iasl, dtc) and
 * Debian's kernels, in which peers run under `chroot` so that their answers do
 * not depend on the host's Debian release. This file finds the root, lists
 * what it holds and says how a peer runs in it; it reads files only, running
 * the peer is the caller's.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve, sep } from 'node:path';
import { findJudgeAssets, type JudgeArch, type JudgeAssets } from './assets.js';

/** Outside any clone, so that fresh clones on one machine (CI's) share one root. */
export const DEFAULT_REFERENCE_ROOT = '/var/cache/ridmap/reference-root';
/** Written last by the script: its presence says the root is complete. */
export const REFERENCE_ROOT_STAMP = '.ridmap-root';
/**
 * The recipe this checkout expects, RECIPE in scripts/reference-root.sh: a root
 * built by another recipe may lack what the code reads, so it counts as missing.
 */
export const REFERENCE_ROOT_RECIPE = 3;
/** Where the script keeps each kernel, in scripts/judge-assets.sh's layout: `<series>/<arch>/`. */
export const REFERENCE_KERNELS_DIR = 'opt/ridmap/kernels';
/**
 * Debian 12's peers (QEMU 7.2, iasl 20200925, dtc 1.6.1): a bookworm root nested in
 * the reference root, a reference root of its own with the same kernels.
 */
export const BOOKWORM_ROOT_DIR = 'opt/ridmap/bookworm';

/** One of the root's kernels, ready to boot: series "6.1", "6.12" or "7.3" (riscv64: 6.12 and 7.3). */
export interface ReferenceKernel {
  series: string;
  /** Host paths (vmlinuz, modules, busybox all lie inside the root). */
  assets: JudgeAssets;
}

export interface ReferenceRoot {
  /** Absolute host path of the root. */
  path: string;
  /** The Debian release its peers come from: trixie, or bookworm for the nested root. */
  release: string;
  qemuVersion: string;
  iaslVersion: string;
  dtcVersion: string;
  kernels: readonly ReferenceKernel[];
  /** Every KEY=VALUE line of the stamp (installed package versions, build time, ...). */
  stamp: ReadonlyMap<string, string>;
}

/** The root, or why there is none in words a skipped test can print. */
export type ReferenceRootLookup = { root: ReferenceRoot; missing?: undefined } | { root?: undefined; missing: string };

/** `RIDMAP_REFERENCE_ROOT`, else the default path. */
export function referenceRootPath(env: Readonly<Record<string, string | undefined>> = process.env): string {
  return resolve(env['RIDMAP_REFERENCE_ROOT'] || DEFAULT_REFERENCE_ROOT);
}

/** The complete root of this checkout's recipe at `path`. */
export function findReferenceRoot(path: string = referenceRootPath()): ReferenceRootLookup {
  const root = resolve(path);
  const build = 'run scripts/reference-root.sh as root';
  const stampFile = join(root, REFERENCE_ROOT_STAMP);
  if (!existsSync(stampFile)) return { missing: `no reference root at ${root} (${build})` };
  const stamp = parseStamp(readFileSync(stampFile, 'utf8'));
  const recipe = stamp.get('recipe');
  if (recipe !== String(REFERENCE_ROOT_RECIPE)) {
    return { missing: `the reference root at ${root} was built by recipe ${recipe ?? '(none)'}, this checkout needs recipe ${REFERENCE_ROOT_RECIPE} (${build} to rebuild it)` };
  }
  const kernels: ReferenceKernel[] = [];
  // The stamp lists the kernels ("6.12/arm64:6.12.118+deb13-arm64 ..."): no directory walk.
  for (const entry of (stamp.get('kernels') ?? '').split(' ').filter((e) => e !== '')) {
    const m = /^([0-9.]+)\/(amd64|arm64|riscv64):/.exec(entry);
    const assets = m ? findJudgeAssets(join(root, REFERENCE_KERNELS_DIR, m[1]!), m[2] as JudgeArch) : undefined;
    if (!m || !assets) return { missing: `the reference root at ${root} lists kernel "${entry}" but does not hold it (${build} to rebuild it)` };
    kernels.push({ series: m[1]!, assets });
  }
  return {
    root: {
      path: root,
      release: stamp.get('release') ?? '',
      qemuVersion: stamp.get('qemuVersion') ?? '',
      iaslVersion: stamp.get('iaslVersion') ?? '',
      dtcVersion: stamp.get('dtcVersion') ?? '',
      kernels,
      stamp,
    },
  };
}

/** The nested root with Debian 12's peers (QEMU 7.2), or why there is none. */
export function bookwormRoot(root: ReferenceRoot): ReferenceRootLookup {
  return findReferenceRoot(join(root.path, BOOKWORM_ROOT_DIR));
}

/** The root's kernel of one series and architecture. */
export function referenceKernel(root: ReferenceRoot, series: string, arch: JudgeArch): ReferenceKernel | undefined {
  return root.kernels.find((k) => k.series === series && k.assets.arch === arch);
}

/** The path a peer chrooted into `root` sees for `hostPath`; undefined when the host path lies outside the root. */
export function pathInRoot(root: string, hostPath: string): string | undefined {
  const top = resolve(root);
  const path = resolve(hostPath);
  if (path === top) return '/';
  return path.startsWith(top + sep) ? path.slice(top.length) : undefined;
}

/** Where a path the chrooted peer sees lies on the host. */
export function hostPathOf(root: string, pathInside: string): string {
  return join(resolve(root), pathInside);
}

/** The directory for files both the host and a chrooted peer read: the root's /tmp. */
export function rootTempDir(root: string): string {
  return join(resolve(root), 'tmp');
}

/** The start of every command line that runs a peer inside the root. */
export function chrootPrefix(root: string, binary: string): string[] {
  return ['chroot', resolve(root), binary];
}

/**
 * The command line that runs `binary args` inside the root: every host path
 * below the root is rewritten to the path the peer sees, also where it sits
 * inside an option (`file:<path>`, `-drive file=<path>`); other absolute paths
 * are left as they are, since they name the root's own files (firmware such as
 * /usr/share/qemu-efi-aarch64/QEMU_EFI.fd). `files` are host paths the peer
 * must open: each must lie inside the root, or the peer would not find it.
 */
export function chrootArgv(root: string, binary: string, args: readonly string[], files: readonly string[] = []): string[] {
  const top = resolve(root);
  for (const f of files) {
    if (pathInRoot(top, f) === undefined) {
      throw new Error(`${f} lies outside the reference root ${top}: a peer running inside it cannot open it (use the root's own copy)`);
    }
  }
  return [...chrootPrefix(top, binary), ...args.map((a) => a.split(`${top}${sep}`).join('/'))];
}

/** KEY=VALUE lines; the first `=` splits, so values may hold more. */
function parseStamp(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of text.split('\n')) {
    const at = line.indexOf('=');
    if (at > 0) out.set(line.slice(0, at).trim(), line.slice(at + 1).trim());
  }
  return out;
}
