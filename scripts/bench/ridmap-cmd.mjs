// How the bench runs ridmap: the built CLI under the same node that runs the
// bench, output to a file (or /dev/null), and a run counts only when it
// exited 0 and printed something (for a batch: every table).
import { existsSync, readFileSync, rmSync, statSync } from 'node:fs';
import { RIDMAP_BIN } from './paths.mjs';

/** The first field line of every ACPI table ridmap prints as text. */
const TABLE_START = /^\[000h 0000 (?:004h|  4)\] +Signature : /gm;

/** `ridmap decode FILES... [--format F] > out`; `tables`: how many tables the text must hold. */
export function ridmapDecode(files, { format, out, cwd, tables } = {}) {
  const args = [RIDMAP_BIN, 'decode', ...files, ...(format ? ['--format', format] : [])];
  return {
    cmd: process.execPath,
    args,
    cwd,
    isNode: true,
    stdout: out,
    prepare: () => out && rmSync(out, { force: true }),
    verify: () => {
      if (!out) return undefined;
      if (!existsSync(out) || statSync(out).size === 0) return 'ridmap printed nothing';
      const n = tables === undefined ? tables : (readFileSync(out, 'utf8').match(TABLE_START) ?? []).length;
      return n !== tables ? `ridmap printed ${n} tables of ${tables}` : undefined;
    },
  };
}
