/**
 * Build time (scripts/bundle-cli.mjs): runs a bundled CLI script once, in
 * this process, on a typical command line for its command (a decode of a
 * small DMAR and IORT, a map of a shipped topology, or --help: every module
 * initialised, commander set up), and when the process exits writes the
 * script's code cache: the bytecode of everything the run compiled.
 * Functions the run did not reach are compiled on first use, as without a
 * cache.
 */
import { cacheFileOf, loadScript, writeCacheAtExit } from './script-cache.js';

export function trainScriptCache(file: string, argv: readonly string[]): void {
  const loaded = loadScript(file, { shippedOnly: true });
  if (loaded.key === undefined) throw new Error(`${file} has no cache key: it is not a script scripts/bundle-cli.mjs wrote`);
  process.argv = [process.argv[0]!, loaded.file, ...argv];
  writeCacheAtExit(loaded, cacheFileOf(loaded.file), { mustWrite: true });
  loaded.run();
}
