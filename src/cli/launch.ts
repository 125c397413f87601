#!/usr/bin/env node
/**
 * The installed `ridmap` (dist/bin/ridmap.js): starts the one bundled script
 * that holds the command the command line names (cli-<command>.cjs, for the
 * commands of own-scripts.ts), or the script with every command (cli.cjs)
 * for the others, --help, --version and anything commander must list or
 * suggest from. Each script is self-contained and has
 * its own code cache (script-cache.ts), so `ridmap decode` compiles neither
 * the topology schema nor YAML nor the other commands. Where this Node
 * refuses the shipped cache, the run writes one into the user's cache
 * directory, which the next runs take; the shipped one is left as it is.
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { commandWord } from './command-word.js';
import { loadScript, userCacheFileOf, writeCacheAtExit } from './script-cache.js';

// Bundled, the launcher is a CommonJS module: its own __dirname, not a URL of it built and parsed again at every start.
const here = typeof __dirname === 'string' ? __dirname : dirname(fileURLToPath(import.meta.url));
const word = commandWord(process.argv.slice(2));
const own = word !== undefined && /^[a-z]+$/.test(word) ? join(here, `cli-${word}.cjs`) : undefined;
// The bundled launcher is a CommonJS module beside the scripts: its require resolves as theirs would.
const script = loadScript(own !== undefined && existsSync(own) ? own : join(here, 'cli.cjs'), { scriptRequire: typeof require === 'function' ? require : undefined });
if (!script.cacheUsed) writeCacheAtExit(script, userCacheFileOf(script.file));
script.run();
