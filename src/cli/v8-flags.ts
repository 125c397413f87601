/**
 * V8 tuned for a ridmap process that has real work to do (bin.ts sets it
 * before the command runs).
 *
 * `--no-turbo-inlining`: V8's optimising compiler otherwise inlines the
 * small functions of the declaration-driven walks and printers (a visitor's
 * methods, field reads, sink writes) into a few very large functions, and
 * compiles them again after each deoptimisation (a 1 MB DMAR's decode: 35
 * optimised compiles, 12 of them again, ~190 ms of compile time on one
 * thread; ~100 ms without inlining). A ridmap process is short, so compile
 * time is a large part of its cost, more than inlining saves (figures in the
 * README's Performance section).
 *
 * Not for every run: setting a flag at run time means loading node:v8, ~6M
 * instructions (~4 ms), more than a small decode (the usual one: a guest's
 * DMAR) would win back. So `worthTuning` asks for it for the topology
 * commands and for a decode or encode of many files or of a large one.
 *
 * A code cache records the flags it was made under, and V8 refuses one made
 * under others: caches are made (script-cache.ts writeCacheAtExit) after
 * `untuneV8` has put the flags back as Node started, which is how every run
 * compiles its script. V8 versions that lack a flag print a warning for it,
 * so the flags are set only on the V8 versions of the Node releases they were
 * measured on. The library (dist/index.js) never touches the host's V8.
 */
import { statSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';
import { commandWord } from './command-word.js';

const TUNED = '--no-turbo-inlining';
const AS_STARTED = '--turbo-inlining';

/** V8 major versions known to have the flags: Node 20 (V8 11.3) to 24 (13.6). */
const KNOWN_V8_MAJORS = new Set([11, 12, 13]);

/** Commands whose runs resolve topologies or tables through the model (hundreds of ms at the least). */
const TUNED_COMMANDS = new Set(['build', 'check', 'map']);

/** Commands whose runs are as long as their inputs are large: tuned for a batch or a large file. */
const BY_SIZE_COMMANDS = new Set(['decode', 'encode']);

/** A decode or encode of this many arguments (a batch) or of a file this large is worth the tuning. */
const MANY_FILES = 16;
const LARGE_FILE_BYTES = 64 * 1024;

/**
 * Whether this process's flags are tuned, kept on the global object: the
 * launcher and the command's script are bundled apart, each with its own
 * copy of this module, and the launcher puts the flags back that the
 * script's copy set.
 */
const TUNED_MARK = Symbol.for('ridmap.v8Tuned');
const marks = globalThis as { [TUNED_MARK]?: boolean };

/**
 * Whether this command line's run is long enough for the tuning to pay:
 * `build`, `check`, `map`; a `decode` or `encode` of MANY_FILES arguments or
 * more, or of a file of LARGE_FILE_BYTES or more (standard input counts as
 * small).
 */
export function worthTuning(argv: readonly string[], sizeOf: (file: string) => number = fileSize): boolean {
  const word = commandWord(argv);
  if (word === undefined) return false;
  if (TUNED_COMMANDS.has(word)) return true;
  if (!BY_SIZE_COMMANDS.has(word)) return false;
  // Option values (`--format json`) count too: a few more arguments, and a stat of a name that is no file.
  const args = argv.slice(argv.indexOf(word) + 1).filter((a) => !a.startsWith('-'));
  return args.length >= MANY_FILES || args.some((a) => sizeOf(a) >= LARGE_FILE_BYTES);
}

function fileSize(file: string): number {
  try {
    return statSync(file, { throwIfNoEntry: false })?.size ?? 0;
  } catch {
    return 0;
  }
}

const knownV8 = (version: string): boolean => KNOWN_V8_MAJORS.has(Number(version.split('.')[0]));

/** Sets the tuned flags for the rest of the process (once; only on a known V8). */
export function tuneV8(v8Version: string = process.versions.v8): void {
  if (marks[TUNED_MARK] || !knownV8(v8Version)) return;
  setFlagsFromString(TUNED);
  marks[TUNED_MARK] = true;
}

/** Puts the flags back as Node started, if tuneV8 changed them: before a code cache is made. */
export function untuneV8(): void {
  if (!marks[TUNED_MARK]) return;
  setFlagsFromString(AS_STARTED);
  marks[TUNED_MARK] = false;
}

/** Whether tuneV8 has set the flags (and untuneV8 not put them back). */
export function v8Tuned(): boolean {
  return marks[TUNED_MARK] === true;
}
