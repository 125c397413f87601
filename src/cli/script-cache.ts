/**
 * Starting a bundled CLI script with a V8 code cache. Node 20 has no
 * module compile cache (module.enableCompileCache is 22.1), but a vm.Script
 * takes V8's cachedData: the bytecode of every function a run compiled, so
 * that the next start deserialises it instead of parsing and compiling
 * again. A small decode spends more time compiling ridmap than running it.
 *
 * A cache is only ever an optimisation. V8 refuses one made by another V8
 * version or with other flags (cachedDataRejected) and then compiles the
 * source as usual; V8 checks the source's length only, so the cache also
 * carries a key of the script's content (written into the script by the
 * build, scripts/bundle-cli.mjs), and a cache for other content is never
 * offered to V8. A missing or unreadable cache is a plain compile.
 *
 * Two places: the shipped cache beside the script (`<script>.cache`, written
 * by the build's training run and never by a user's run), and, for a Node
 * that refuses it, a cache of the user's (`$XDG_CACHE_HOME/ridmap`, else
 * `~/.cache/ridmap`) named by the script and this Node's version and flags.
 * So an install that is read-only, or that another Node built, pays for
 * making a cache once, not at every run, and a run under other V8 flags
 * (`--cpu-prof`, `--max-old-space-size`) keeps a cache of its own instead of
 * overwriting the one every plain run takes.
 *
 * The scripts are pure ASCII (the build escapes anything else), so they are
 * read as latin1: a one-byte string with no UTF-8 decoding, which on a
 * small machine is a good part of reading a 700 kB script. They make no
 * import() (the build turns those into require): Node 20 gives a script
 * compiled from a cache no way to import (and only an experimental one
 * without).
 */
import { accessSync, constants, mkdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, join, resolve } from 'node:path';
import { Script } from 'node:vm';
import { writeFileAtomic } from '../io/atomic-write.js';
import { untuneV8 } from './v8-flags.js';

/**
 * A bundled script is written already wrapped as Node wraps a CommonJS
 * module: its first line opens the function, the line before its key closes
 * it. V8 compiles the file's text as it was read, instead of a copy joined to
 * the wrapper (a second string as long as the script, made on every start
 * and then flattened and hashed). A script without the wrapper (one a test
 * wrote) is wrapped here as before.
 */
export const SCRIPT_OPEN = '(function (exports, require, module, __filename, __dirname) { ';
export const SCRIPT_CLOSE = '});';

/** The last line of a bundled script: `//# ridmap-cache-key=<hex>`, the content's hash. */
export const CACHE_KEY_MARK = '\n//# ridmap-cache-key=';
export const CACHE_KEY_LENGTH = 16;

/** Where a script's shipped code cache is kept: beside it. */
export function cacheFileOf(scriptFile: string): string {
  return `${scriptFile}.cache`;
}

/** The user's cache directory for ridmap, or undefined where the environment names none. */
export function userCacheDir(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const base = env['XDG_CACHE_HOME'] || (env['HOME'] ? join(env['HOME'], '.cache') : env['LOCALAPPDATA']);
  return base ? join(base, 'ridmap') : undefined;
}

/**
 * What V8's acceptance of a cache depends on besides the script: the Node
 * (V8) version, the platform and the flags, as a short FNV-1a hash (no
 * node:crypto, which costs milliseconds to load, for a name).
 */
export function nodeConfigTag(): string {
  const text = [process.version, process.arch, process.platform, ...process.execArgv, process.env['NODE_OPTIONS'] ?? ''].join('\0');
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return (h >>> 0).toString(16).padStart(8, '0');
}

/** The user's cache of a script for this Node and these flags (undefined: no cache directory). */
export function userCacheFileOf(scriptFile: string, dir = userCacheDir()): string | undefined {
  return dir === undefined ? undefined : join(dir, `${basename(scriptFile)}.${nodeConfigTag()}.cache`);
}

/** The key the build wrote at the end of a script, or undefined (a script without one never uses a cache). */
export function cacheKeyOf(source: string): string | undefined {
  const at = source.lastIndexOf(CACHE_KEY_MARK);
  if (at < 0) return undefined;
  const key = source.slice(at + CACHE_KEY_MARK.length, at + CACHE_KEY_MARK.length + CACHE_KEY_LENGTH);
  return /^[0-9a-f]+$/.test(key) && key.length === CACHE_KEY_LENGTH ? key : undefined;
}

/** A cache file's bytes: the script's key, then V8's data. */
export function cacheFileBytes(key: string, data: Uint8Array): Uint8Array {
  return Buffer.concat([Buffer.from(key, 'latin1'), data]);
}

/** V8's data from a cache file, if the file is for this key. */
function cachedDataFor(file: string, key: string | undefined): Buffer | undefined {
  if (key === undefined) return undefined;
  let bytes: Buffer;
  try {
    // Most runs have no user's cache: a stat that does not throw on ENOENT is cheaper than a read that does.
    if (!statSync(file, { throwIfNoEntry: false })?.isFile()) return undefined;
    bytes = readFileSync(file);
  } catch {
    return undefined;
  }
  return bytes.length > key.length && bytes.toString('latin1', 0, key.length) === key ? bytes.subarray(key.length) : undefined;
}

export interface LoadedScript {
  /** The script's absolute path. */
  file: string;
  script: Script;
  /** The content key (undefined: the script has none and takes no cache). */
  key: string | undefined;
  /** True: a cache was offered and V8 took it; false: none, or V8 refused it. */
  cacheUsed: boolean;
  /** The cache file offered (shipped or the user's), if any. */
  cacheFile: string | undefined;
  /** Runs the script as a CommonJS module (its own require, __filename and __dirname). */
  run(): void;
}

export interface LoadOptions {
  /** The build's training, which must not read a user's cache. */
  shippedOnly?: boolean;
  /**
   * The require the script gets: one that resolves as one made for the
   * script's own path would (the launcher's own, the scripts sitting beside
   * it). Default: createRequire(script), which loads node:module, and with it
   * Node's ES module loader, at every start (issue 21).
   */
  scriptRequire?: NodeJS.Require;
}

/**
 * Compiles a bundled CommonJS script, with a code cache when there is a
 * usable one: the user's for this Node and flags if a run wrote one (only
 * ever because the shipped one was refused), else the shipped one.
 */
export function loadScript(path: string, { shippedOnly = false, scriptRequire }: LoadOptions = {}): LoadedScript {
  const file = resolve(path);
  const source = readFileSync(file, 'latin1');
  const key = cacheKeyOf(source);
  const userFile = shippedOnly ? undefined : userCacheFileOf(file);
  let cacheFile = userFile;
  let cachedData = userFile === undefined ? undefined : cachedDataFor(userFile, key);
  if (cachedData === undefined) cachedData = cachedDataFor((cacheFile = cacheFileOf(file)), key);
  if (cachedData === undefined) cacheFile = undefined;
  // Node's own CommonJS wrapper; the closing on its own line keeps a trailing line comment from swallowing it.
  const text = source.startsWith(SCRIPT_OPEN) ? source : `${SCRIPT_OPEN}${source}\n${SCRIPT_CLOSE}`;
  const script = new Script(text, {
    filename: file,
    ...(cachedData ? { cachedData } : {}),
  });
  const run = (): void => {
    const module = { exports: {} };
    const fn = script.runInThisContext() as (...args: unknown[]) => void;
    fn.call(module.exports, module.exports, scriptRequire ?? createRequire(file), module, file, dirname(file));
  };
  return { file, script, key, cacheUsed: cachedData !== undefined && script.cachedDataRejected !== true, cacheFile, run };
}

/**
 * When the process exits, writes the script's code cache for this Node: the
 * bytecode of everything the run compiled, atomically, to `target`. The
 * build trains every shipped cache this way (train-script-cache.ts); the
 * launcher writes the user's cache when no cache was taken (this Node
 * refused the shipped one, or there is none), so that only the first such
 * run compiles from source. Where the target's directory cannot be written
 * (a read-only home, no home), no cache is made at all: making one is a good
 * part of a small run. A failed write leaves things as they were: the
 * command's own outcome never depends on it.
 */
export function writeCacheAtExit(loaded: LoadedScript, target: string | undefined, { mustWrite = false } = {}): void {
  const key = loaded.key;
  if (key === undefined || target === undefined) return;
  process.once('exit', () => {
    try {
      mkdirSync(dirname(target), { recursive: true });
      accessSync(dirname(target), constants.W_OK);
      // V8 stamps a cache with the flags in force: those every run compiles its script under (v8-flags.ts).
      untuneV8();
      writeFileAtomic(target, cacheFileBytes(key, loaded.script.createCachedData()));
    } catch (e) {
      if (mustWrite) throw e;
    }
  });
}
