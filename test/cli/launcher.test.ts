/**
 * The installed CLI (npm run build → dist/bin/): the launcher starts one
 * script per command, each compiled from its V8 code cache
 * (src/cli/launch.ts, src/cli/script-cache.ts, scripts/bundle-cli.mjs).
 * These tests say what each script holds and that a cache that does not
 * fit is never used, never that anything is fast.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { COMMANDS } from '../../src/cli/commands/index.js';
import { OWN_SCRIPT_COMMANDS } from '../../src/cli/own-scripts.js';
import { CACHE_KEY_LENGTH, cacheFileBytes, cacheKeyOf } from '../../src/cli/script-cache.js';
import { REPO_ROOT } from '../support/paths.js';
import { runCli } from '../support/run-cli.js';

const BIN_DIR = join(REPO_ROOT, 'dist/bin');
const BIN = join(BIN_DIR, 'ridmap.js');
const DMAR = join(REPO_ROOT, 'test/fixtures/qemu-acpi-tests/q35-dmar-11.1/DMAR.dat');

/** The modules bundled into a script, as its source map lists them (relative to dist/). */
function scriptModules(script: string): string[] {
  const map = JSON.parse(readFileSync(join(BIN_DIR, `${script}.map`), 'utf8')) as { sources: string[] };
  return map.sources.map((s) => s.replace(/^(\.\.\/)+/, ''));
}

const node = (args: string[], cwd = REPO_ROOT) => spawnSync(process.execPath, args, { cwd, encoding: 'utf8' });

describe('the cache key', () => {
  it('is read from the last line a build writes, and only there', () => {
    const key = '0123456789abcdef';
    expect(key).toHaveLength(CACHE_KEY_LENGTH);
    expect(cacheKeyOf(`code();\n//# ridmap-cache-key=${key}\n`)).toBe(key);
    expect(cacheKeyOf('code();\n')).toBeUndefined();
    expect(cacheKeyOf('code();\n//# ridmap-cache-key=0123\n')).toBeUndefined();
    expect(cacheKeyOf('code();\n//# ridmap-cache-key=0123456789abcdeZ\n')).toBeUndefined();
  });
});

describe.skipIf(!existsSync(BIN))('the built CLI scripts', () => {
  it('the common commands have their own script with a code cache, and cli.cjs holds every command', () => {
    for (const name of OWN_SCRIPT_COMMANDS) {
      expect(existsSync(join(BIN_DIR, `cli-${name}.cjs`)), name).toBe(true);
      expect(existsSync(join(BIN_DIR, `cli-${name}.cjs.cache`)), name).toBe(true);
    }
    expect(existsSync(join(BIN_DIR, 'cli.cjs.cache'))).toBe(true);
    const all = scriptModules('cli.cjs');
    for (const c of COMMANDS) expect(all).toContain(`cli/commands/${c.name}.js`);
  });

  it('a command\'s script holds no other command, and decode\'s none of the topology side', () => {
    for (const name of OWN_SCRIPT_COMMANDS) {
      const commands = scriptModules(`cli-${name}.cjs`).filter((m) => /^cli\/commands\/[\w-]+\.js$/.test(m) && m !== 'cli/commands/index.js');
      expect(commands, name).toEqual([`cli/commands/${name}.js`]);
    }
    const decode = scriptModules('cli-decode.cjs');
    const never = /node_modules\/(yaml|@sinclair\/typebox|web-tree-sitter)\/|model\/(topology-schema|parse-topology|resolve)\.js|import\/|judge\/|plan\/|golden\/|export\//;
    expect(decode.filter((m) => never.test(m))).toEqual([]);
  });

  it('are ASCII (the launcher reads them as latin1) and end with their cache key', () => {
    for (const name of readdirSync(BIN_DIR).filter((n) => n.endsWith('.cjs'))) {
      const bytes = readFileSync(join(BIN_DIR, name));
      expect(bytes.findIndex((b) => b > 0x7f), name).toBe(-1);
      expect(cacheKeyOf(bytes.toString('latin1')), name).toBeDefined();
    }
  });

  it('a plain node takes the shipped code cache', () => {
    const probe = `import { loadScript } from ${JSON.stringify(join(REPO_ROOT, 'dist/cli/script-cache.js'))};` +
      `console.log(loadScript(${JSON.stringify(join(BIN_DIR, 'cli-decode.cjs'))}).cacheUsed)`;
    expect(node(['--input-type=module', '-e', probe]).stdout.trim()).toBe('true');
  });

  it('prints what the CLI prints in-process: help, a command\'s help, a decode', async () => {
    // plan has no script of its own: it runs from cli.cjs.
    for (const argv of [['--help'], ['decode', '--help'], ['map', '--help'], ['plan', '--help'], ['decode', DMAR], ['--version']]) {
      const inProcess = await runCli(...argv);
      const bin = node([BIN, ...argv]);
      expect({ code: bin.status, stdout: bin.stdout, stderr: bin.stderr }, argv.join(' ')).toEqual(inProcess);
    }
  });

  it('a decode loads no node:module (nor Node\'s ES module loader with it): the launcher gives the script its own require', () => {
    const probe = join(mkdtempSync(join(tmpdir(), 'ridmap-modules-')), 'loaded.cjs');
    writeFileSync(probe, "process.on('exit', () => process.stderr.write(process.moduleLoadList.join('\\n')));\n");
    const r = node(['-r', probe, BIN, 'decode', DMAR]);
    expect(r.status).toBe(0);
    const loaded = r.stderr.split('\n');
    expect(loaded).toContain('NativeModule vm');
    expect(loaded).not.toContain('NativeModule module');
    expect(loaded).not.toContain('NativeModule internal/modules/esm/loader');
    rmSync(join(probe, '..'), { recursive: true, force: true });
  });

  it('a cache for other content, a damaged cache or none: the script compiles from source, prints the same, and the run writes a user\'s cache this Node takes; the shipped one is left alone', () => {
    const expected = node([BIN, 'decode', DMAR]);
    expect(expected.status).toBe(0);
    const dir = mkdtempSync(join(tmpdir(), 'ridmap-launcher-'));
    const userDir = join(dir, 'xdg');
    // The user's cache is named by this Node's flags: the probe runs as a file, with the launcher's flags (none).
    const probe = join(dir, 'probe.mjs');
    writeFileSync(probe, `import { loadScript } from ${JSON.stringify(join(REPO_ROOT, 'dist/cli/script-cache.js'))};\n` +
      'const s = loadScript(process.argv[2]); console.log(JSON.stringify({ used: s.cacheUsed, file: s.cacheFile ?? null }));\n');
    const env = { ...process.env, XDG_CACHE_HOME: userDir };
    const run = (args: string[]) => spawnSync(process.execPath, args, { encoding: 'utf8', env });
    const probed = (script: string) => JSON.parse(run([probe, script]).stdout) as { used: boolean; file: string | null };
    const bin = join(dir, 'bin');
    mkdirSync(bin);
    for (const f of ['ridmap.js', 'package.json', 'cli.cjs', 'cli-decode.cjs']) copyFileSync(join(BIN_DIR, f), join(bin, f));
    const script = join(bin, 'cli-decode.cjs');
    const cache = join(bin, 'cli-decode.cjs.cache');
    const shipped = readFileSync(join(BIN_DIR, 'cli-decode.cjs.cache'));
    const key = shipped.subarray(0, CACHE_KEY_LENGTH).toString('latin1');
    const cases: [string, Uint8Array | undefined][] = [
      ['none', undefined],
      // Another build's cache: V8 would take it (it checks the length only); the key refuses it.
      ['another key', cacheFileBytes('f'.repeat(CACHE_KEY_LENGTH) === key ? '0'.repeat(CACHE_KEY_LENGTH) : 'f'.repeat(CACHE_KEY_LENGTH), shipped.subarray(CACHE_KEY_LENGTH))],
      // What another Node version's V8 would leave: V8 refuses it.
      ['foreign V8 data', cacheFileBytes(key, Buffer.alloc(4096, 0x5a))],
      ['truncated', shipped.subarray(0, CACHE_KEY_LENGTH + 100)],
      ['empty', new Uint8Array()],
    ];
    for (const [what, bytes] of cases) {
      rmSync(userDir, { recursive: true, force: true });
      if (bytes) writeFileSync(cache, bytes);
      else rmSync(cache, { force: true });
      expect(probed(script).used, what).toBe(false);
      const r = run([join(bin, 'ridmap.js'), 'decode', DMAR]);
      expect({ code: r.status, stdout: r.stdout, stderr: r.stderr }, what).toEqual({ code: 0, stdout: expected.stdout, stderr: expected.stderr });
      // The next runs take the user's cache; the shipped file is as it was.
      const after = probed(script);
      expect(after.used, what).toBe(true);
      expect(after.file, what).toMatch(new RegExp(`^${join(userDir, 'ridmap')}/cli-decode\\.cjs\\.[0-9a-f]{8}\\.cache$`));
      if (bytes) expect(Buffer.compare(readFileSync(cache), bytes), what).toBe(0);
      else expect(existsSync(cache), what).toBe(false);
    }
    // Where no cache can be written (here: a file where the user's cache directory would be), the command is unaffected.
    rmSync(userDir, { recursive: true, force: true });
    writeFileSync(userDir, '');
    const r = run([join(bin, 'ridmap.js'), 'decode', DMAR]);
    expect({ code: r.status, stdout: r.stdout, stderr: r.stderr }).toEqual({ code: 0, stdout: expected.stdout, stderr: expected.stderr });
    expect(readdirSync(bin).filter((n) => n.startsWith('.'))).toEqual([]);
    rmSync(dir, { recursive: true, force: true });
  });

  it('a run under V8 flags that refuse the shipped cache (profiling, a heap limit) keeps its cache apart and never rewrites the shipped one', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ridmap-launcher-'));
    const userDir = join(dir, 'xdg');
    const env = { ...process.env, XDG_CACHE_HOME: userDir };
    const bin = join(dir, 'bin');
    mkdirSync(bin);
    for (const f of ['ridmap.js', 'package.json', 'cli.cjs', 'cli-decode.cjs', 'cli-decode.cjs.cache']) copyFileSync(join(BIN_DIR, f), join(bin, f));
    const shipped = readFileSync(join(bin, 'cli-decode.cjs.cache'));
    // A V8 flag: V8's cache check includes the flags, so this run refuses the shipped cache.
    const r = spawnSync(process.execPath, ['--stack-size=900', join(bin, 'ridmap.js'), 'decode', DMAR], { encoding: 'utf8', env });
    expect(r.status).toBe(0);
    expect(Buffer.compare(readFileSync(join(bin, 'cli-decode.cjs.cache')), shipped)).toBe(0);
    const made = readdirSync(join(userDir, 'ridmap'));
    expect(made).toHaveLength(1);
    expect(made[0]).toMatch(/^cli-decode\.cjs\.[0-9a-f]{8}\.cache$/);
    // A plain run still takes the shipped cache: the flagged run's is named by its flags.
    const plain = spawnSync(process.execPath, ['--input-type=module', '-e',
      `import { loadScript } from ${JSON.stringify(join(REPO_ROOT, 'dist/cli/script-cache.js'))}; const s = loadScript(${JSON.stringify(join(bin, 'cli-decode.cjs'))}); console.log(s.cacheUsed, s.cacheFile);`], { encoding: 'utf8', env });
    expect(plain.stdout.trim()).toBe(`true ${join(bin, 'cli-decode.cjs.cache')}`);
    rmSync(dir, { recursive: true, force: true });
  });
});
