// The peers ridmap is measured against, found on PATH: ACPICA's iasl
// (`iasl -d`, the reference ACPI table decoder) and dtc (`dtc -I dtb -O dts`).
// A missing peer is not an error: its rows say "peer missing".
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, rmSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';

function probe(cmd, args, pattern) {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  if (r.error) return null;
  const m = pattern.exec(`${r.stdout}${r.stderr}`);
  return { cmd, version: m ? m[1] : 'unknown version' };
}

export function findPeers() {
  return {
    iasl: probe('iasl', ['-v'], /version (\d+)/),
    dtc: probe('dtc', ['--version'], /Version: DTC (\S+)/),
  };
}

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
    args: ['-d', ...names],
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
  return { cmd: peer.cmd, args: ['-I', 'dtb', '-O', 'dts', '-o', '/dev/null', file] };
}
