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
 * The scripts are pure ASCII (the build escapes anything else), so they are
 * read as latin1: a one-byte string with no UTF-8 decoding, which on a
 * small machine is a good part of reading a 700 kB script. They make no
 * import() (the build turns those into require): Node 20 gives a script
 * compiled from a cache no way to import (and only an experimental one
 * without).
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, resolve } from 'node:path';
import { Script } from 'node:vm';
import { writeFileAtomic } from '../io/atomic-write.js';

/** The last line of a bundled script: `//# ridmap-cache-key=<hex>`, the content's hash. */
export const CACHE_KEY_MARK = '\n//# ridmap-cache-key=';
export const CACHE_KEY_LENGTH = 16;

/** Where a script's code cache is kept: beside it. */
export function cacheFileOf(scriptFile: string): string {
  return `${scriptFile}.cache`;
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
  /** Runs the script as a CommonJS module (its own require, __filename and __dirname). */
  run(): void;
}

/** Compiles a bundled CommonJS script, with its code cache when there is a usable one. */
export function loadScript(path: string): LoadedScript {
  const file = resolve(path);
  const source = readFileSync(file, 'latin1');
  const key = cacheKeyOf(source);
  const cachedData = cachedDataFor(cacheFileOf(file), key);
  // Node's own CommonJS wrapper; the closing on its own line keeps a trailing line comment from swallowing it.
  const script = new Script(`(function (exports, require, module, __filename, __dirname) { ${source}\n});`, {
    filename: file,
    ...(cachedData ? { cachedData } : {}),
  });
  const run = (): void => {
    const module = { exports: {} };
    const fn = script.runInThisContext() as (...args: unknown[]) => void;
    fn.call(module.exports, module.exports, createRequire(file), module, file, dirname(file));
  };
  return { file, script, key, cacheUsed: cachedData !== undefined && script.cachedDataRejected !== true, run };
}

/**
 * When the process exits, writes the script's code cache for this Node:
 * the bytecode of everything the run compiled, atomically. The build trains
 * every cache this way (train-script-cache.ts); the launcher does it when
 * the shipped cache was refused (Node was upgraded, or the install was
 * built by another), so that only the first run after it compiles from
 * source. A cache that cannot be written (a read-only install, a full
 * disk) is left as it was: the command's own outcome never depends on it.
 */
export function writeCacheAtExit(loaded: LoadedScript, { mustWrite = false } = {}): void {
  const key = loaded.key;
  if (key === undefined) return;
  process.once('exit', () => {
    try {
      writeFileAtomic(cacheFileOf(loaded.file), cacheFileBytes(key, loaded.script.createCachedData()));
    } catch (e) {
      if (mustWrite) throw e;
    }
  });
}
