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

  it('a cache for other content, a damaged cache or none: the script compiles from source, prints the same, and the run writes a cache this Node takes', () => {
    const expected = node([BIN, 'decode', DMAR]);
    expect(expected.status).toBe(0);
    const dir = mkdtempSync(join(tmpdir(), 'ridmap-launcher-'));
    for (const f of ['ridmap.js', 'package.json', 'cli.cjs', 'cli-decode.cjs']) copyFileSync(join(BIN_DIR, f), join(dir, f));
    const cache = join(dir, 'cli-decode.cjs.cache');
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
    const probe = (file: string) => `import { loadScript } from ${JSON.stringify(join(REPO_ROOT, 'dist/cli/script-cache.js'))};` +
      `console.log(loadScript(${JSON.stringify(file)}).cacheUsed)`;
    for (const [what, bytes] of cases) {
      if (bytes) writeFileSync(cache, bytes);
      else rmSync(cache, { force: true });
      expect(node(['--input-type=module', '-e', probe(join(dir, 'cli-decode.cjs'))]).stdout.trim(), what).toBe('false');
      const run = node([join(dir, 'ridmap.js'), 'decode', DMAR]);
      expect({ code: run.status, stdout: run.stdout, stderr: run.stderr }, what).toEqual({ code: 0, stdout: expected.stdout, stderr: expected.stderr });
      expect(node(['--input-type=module', '-e', probe(join(dir, 'cli-decode.cjs'))]).stdout.trim(), what).toBe('true');
    }
    // Where no cache can be written (here: a directory in its place), the command is unaffected.
    rmSync(cache, { force: true });
    mkdirSync(cache);
    const run = node([join(dir, 'ridmap.js'), 'decode', DMAR]);
    expect({ code: run.status, stdout: run.stdout, stderr: run.stderr }).toEqual({ code: 0, stdout: expected.stdout, stderr: expected.stderr });
    expect(readdirSync(dir).filter((n) => n.startsWith('.'))).toEqual([]);
  });
});
