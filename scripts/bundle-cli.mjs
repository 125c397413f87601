// The CLI as installed: tsc's output for the command line, bundled by rolldown
// into dist/bin/:
//   ridmap.js          the launcher (the package's bin): picks a script by the
//                      command line's command word (src/cli/launch.ts)
//   cli-<command>.cjs  a self-contained CommonJS script for each of the
//                      common commands (src/cli/own-scripts.ts)
//   cli.cjs            every command (the others, --help, --version, typos)
//   *.cjs.cache        each script's V8 code cache (src/cli/script-cache.ts)
//
// Why: a process that decodes one small table spends most of its life
// loading and compiling ridmap, not decoding. ES modules are resolved, read,
// decoded from UTF-8 and compiled one by one, and Node 20 keeps no compiled
// code between runs; one script per command, compiled from a code cache,
// starts in a fraction of that (figures in the README's Performance section).
// A script per command, not shared chunks: chunks would be ES modules again
// or CommonJS modules that Node compiles without a cache.
// The library (dist/index.js) stays unbundled for tools that embed it.
// web-tree-sitter stays external: it finds its .wasm next to its own module.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { rolldown } from 'rolldown';

const DIST = fileURLToPath(new URL('../dist/', import.meta.url));
const BIN = `${DIST}bin/`;
const { COMMANDS } = await import(`${DIST}cli/commands/index.js`);
const { OWN_SCRIPT_COMMANDS } = await import(`${DIST}cli/own-scripts.js`);
const { CACHE_KEY_MARK, CACHE_KEY_LENGTH, SCRIPT_OPEN, SCRIPT_CLOSE } = await import(`${DIST}cli/script-cache.js`);

/**
 * commander requires node:child_process when it loads, for executable
 * subcommands, which ridmap does not have; loading it (with net and stream)
 * is a few ms of every start. Inside the bundle commander gets it on first
 * use instead: a stand-in that requires the real module when touched.
 */
const LAZY_CHILD_PROCESS = '\0ridmap:lazy-child-process';
const lazyChildProcess = {
  name: 'ridmap:lazy-child-process',
  resolveId(source, importer) {
    if ((source === 'node:child_process' || source === 'child_process') && importer?.includes('/node_modules/commander/')) return LAZY_CHILD_PROCESS;
    return null;
  },
  load(id) {
    if (id !== LAZY_CHILD_PROCESS) return null;
    return "module.exports = new Proxy({}, { get: (_, key) => require('node:child_process')[key] });";
  },
};

/**
 * A CommonJS bundle requires every Node module it imports at its top, but
 * child_process, crypto, zlib, os... cost milliseconds each to load and most
 * runs never call them (a decode never spawns QEMU). All but those already
 * loaded when a script starts (by Node's bootstrap or by the launcher) become
 * stand-ins that require the module on first use.
 * The bundle only reads them as `node_x.name`, which the stand-in forwards.
 */
// node:module is not among them: the launcher gives each script its own require (script-cache.ts), so nothing loads it at start.
const LOADED_AT_START = new Set(['node:fs', 'node:path', 'node:url', 'node:util', 'node:vm', 'node:buffer', 'node:events', 'node:process']);
const LAZY_REQUIRE = 'function __ridmapLazyRequire(id) { let m; return new Proxy({}, { get: (_, key) => (m ??= require(id))[key] }); }';

/**
 * A script compiled from a code cache cannot import() in Node 20 (the callback
 * is lost), so the import() of what stays outside (a Node module, the DTS
 * parser's web-tree-sitter, which has a CommonJS build) becomes a require.
 */
const EXTERNAL_IMPORT = /\bimport\(("(?:node:[\w/]+|web-tree-sitter)")\)/g;

/**
 * The scripts are read as latin1 (script-cache.ts), so they must be ASCII:
 * anything else (a few arrows and dashes in messages) is written as a \u
 * escape, which means the same in strings, templates, regexes and comments.
 * (A String.raw template would see the escape; ridmap uses none.)
 */
const asciiOnly = (code) => code.replace(/[^\x00-\x7f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);

/** The requires of Node modules made lazy; `lazy`: whether any was (and so the code needs LAZY_REQUIRE). */
function lazyNodeModules(code) {
  const out = code.replace(/^let (\w+) = require\("(node:[\w/]+)"\);$/gm, (line, name, id) => (LOADED_AT_START.has(id) ? line : `let ${name} = __ridmapLazyRequire(${JSON.stringify(id)});`));
  return { code: out, lazy: out !== code };
}

/**
 * The helper goes at the end of the first line, after the #! line's text
 * (which must stay the first) or the script's wrapper: the lines keep their
 * numbers, so the source map rolldown made still points where it should.
 */
function withFirstLine(code, first) {
  const eol = code.indexOf('\n');
  return `${first}\n${code.slice(eol + 1)}`;
}

/** The launcher: lazy Node modules (it writes a refused cache with atomic-write.ts, whose crypto most runs never need). */
const finishLauncher = {
  name: 'ridmap:finish-launcher',
  generateBundle(_, bundle) {
    for (const chunk of Object.values(bundle)) {
      if (chunk.type !== 'chunk') continue;
      const { code, lazy } = lazyNodeModules(chunk.code);
      // The #! line ends where it ends; the helper takes a line of its own at the end instead.
      chunk.code = lazy ? `${code.endsWith('\n') ? code : `${code}\n`}${LAZY_REQUIRE}\n` : code;
    }
  },
};

/**
 * Our own finishing of each script: lazy Node modules, ASCII, the wrapper
 * and the content key its code cache is tied to. The script is written
 * already wrapped as Node wraps a CommonJS module (script-cache.ts says why);
 * the wrapper takes the place of bin.ts's #! line, an error inside a
 * function, so no line moves and the source map stays right.
 */
const finishScript = {
  name: 'ridmap:finish-script',
  generateBundle(_, bundle) {
    for (const chunk of Object.values(bundle)) {
      if (chunk.type !== 'chunk') continue;
      if (!chunk.code.startsWith('#!')) throw new Error(`${chunk.fileName}: expected bin.ts's #! line first`);
      const lazy = lazyNodeModules(chunk.code);
      let code = withFirstLine(lazy.code, `${SCRIPT_OPEN}${lazy.lazy ? LAZY_REQUIRE : ''}`);
      code = code.replace(EXTERNAL_IMPORT, (_, id) => `Promise.resolve().then(() => require(${id}))`);
      const left = code.split('\n').find((line) => /\bimport\(/.test(line) && !/^\s*(\*|\/\/)/.test(line));
      if (left) throw new Error(`${chunk.fileName}: an import() is left, which a script from a code cache cannot make: ${left.trim()}`);
      code = `${asciiOnly(code.endsWith('\n') ? code : `${code}\n`)}${SCRIPT_CLOSE}\n`;
      const key = createHash('sha256').update(code).digest('hex').slice(0, CACHE_KEY_LENGTH);
      // Appended, not prepended: the source map's lines stay where they are.
      chunk.code = `${code}${CACHE_KEY_MARK.slice(1)}${key}\n`;
    }
  },
};

/**
 * The script for one command: commands/index.js keeps that command's import
 * and loses the others', so that none of their code is in the script. The
 * launcher starts this script only for a command line whose command word is
 * this command, and then main never loads another (commandsFor).
 */
function onlyCommand(name) {
  return {
    name: 'ridmap:only-command',
    transform(code, id) {
      if (name === undefined || !id.endsWith('/dist/cli/commands/index.js')) return null;
      let kept = 0;
      const out = code.replace(/import\('\.\/([\w-]+)\.js'\)/g, (call, file) => {
        if (file === name) return kept++, call;
        return `Promise.reject(new Error('ridmap: the ${file} command is not in the ${name} script'))`;
      });
      if (kept !== 1) throw new Error(`commands/index.js: expected one import of ./${name}.js, found ${kept}`);
      return { code: out, map: null };
    },
  };
}

const nodeModule = (id) => /^node:/.test(id);

/** One self-contained CommonJS script (no code splitting: dynamic imports become lazily initialised modules). */
async function bundleScript(input, file, plugins, { external = nodeModule } = {}) {
  const bundle = await rolldown({ input, platform: 'node', external, plugins, logLevel: 'warn' });
  // The maps point into tsc's output (and its maps into src/), comments and all: the scripts keep only legal
  // comments (a third of the bytes are doc comments, read and held in memory by every start), and the maps do
  // not copy the sources.
  await bundle.write({ file, format: 'cjs', codeSplitting: false, comments: { legal: true, annotation: false, jsdoc: false }, sourcemap: true, sourcemapExcludeSources: true });
  await bundle.close();
}

/**
 * Writes `<script>.cache` by running the script on `argv` in a fresh node
 * (train-script-cache.ts). Exit 1 (findings) is a run like any other.
 */
function trainCache(script, argv) {
  // A cache from an earlier build must not seed this one: start clean.
  rmSync(`${script}.cache`, { force: true });
  const train = `import { trainScriptCache } from ${JSON.stringify(`${DIST}cli/train-script-cache.js`)}; trainScriptCache(${JSON.stringify(script)}, ${JSON.stringify(argv)});`;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', train], { stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
  if (r.status !== 0 && r.status !== 1) throw new Error(`training the code cache of ${script} on \`${argv.join(' ')}\` failed (exit ${r.status}): ${r.stderr}`);
}

/**
 * Runs the launcher just built (no caches yet), for the training inputs; the
 * caches it makes for want of shipped ones go to a scratch directory, not
 * the user's.
 */
function ridmap(argv, scratch) {
  const env = { ...process.env, XDG_CACHE_HOME: scratch };
  const r = spawnSync(process.execPath, [`${BIN}ridmap.js`, ...argv], { stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8', env });
  if (r.status !== 0) throw new Error(`ridmap ${argv.join(' ')} failed (exit ${r.status}): ${r.stderr}`);
}

/**
 * What each command's cache is trained on: what the commands are mostly run
 * on, from the topologies ridmap ships (tables/). A run compiles the
 * decoder, printer and checks it reaches, and a cache holding them spares a
 * small decode most of its compiling; a cache of --help holds only set-up.
 * The other commands' caches are trained on their --help.
 */
const X86 = fileURLToPath(new URL('../tables/q35-vtd-pci-bridge.yaml', import.meta.url));
const ARM = fileURLToPath(new URL('../tables/arm-smmuv3-its.yaml', import.meta.url));
function trainingRuns(tmp) {
  ridmap(['build', X86, '--out', `${tmp}/x86`], `${tmp}/cache`);
  ridmap(['build', ARM, '--out', `${tmp}/arm`], `${tmp}/cache`);
  return {
    decode: ['decode', `${tmp}/x86/DMAR.dat`, `${tmp}/arm/IORT.dat`],
    check: ['check', `${tmp}/x86/DMAR.dat`, `${tmp}/arm/IORT.dat`],
    map: ['map', X86],
  };
}

// Script names carry no hashes, but a removed command must not leave its script behind.
rmSync(BIN, { recursive: true, force: true });
mkdirSync(BIN, { recursive: true });
// package.json says "type": "module"; the scripts and the launcher are CommonJS.
writeFileSync(`${BIN}package.json`, '{ "type": "commonjs" }\n');

const commandExternal = (id, importer) => id === 'web-tree-sitter' || (nodeModule(id) && !(id === 'node:child_process' && importer?.includes('/node_modules/commander/')));
for (const name of OWN_SCRIPT_COMMANDS) if (!COMMANDS.some((c) => c.name === name)) throw new Error(`own-scripts.ts names ${name}, which is no command`);
const scripts = [{ name: undefined, file: `${BIN}cli.cjs` }, ...OWN_SCRIPT_COMMANDS.map((name) => ({ name, file: `${BIN}cli-${name}.cjs` }))];
for (const s of scripts) {
  await bundleScript(`${DIST}cli/bin.js`, s.file, [lazyChildProcess, onlyCommand(s.name), finishScript], { external: commandExternal });
}
await bundleScript(`${DIST}cli/launch.js`, `${BIN}ridmap.js`, [finishLauncher]);
chmodSync(`${BIN}ridmap.js`, 0o755);
const tmp = mkdtempSync(join(tmpdir(), 'ridmap-bundle-'));
try {
  const runs = trainingRuns(tmp);
  for (const s of scripts) trainCache(s.file, s.name === undefined ? ['--help'] : (runs[s.name] ?? [s.name, '--help']));
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
