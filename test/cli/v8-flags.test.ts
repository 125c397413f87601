/**
 * The V8 tuning of the CLI's processes (src/cli/v8-flags.ts): which runs
 * ask for it, that it really changes V8's flags and puts them back, and that
 * tuned runs still take the shipped code cache and write caches that later
 * runs take. Nothing here says that anything is fast (that is the bench's).
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeJsonDocument } from '../../src/index.js';
import { worthTuning } from '../../src/cli/v8-flags.js';
import { REPO_ROOT } from '../support/paths.js';
import { runCli } from '../support/run-cli.js';

const BIN_DIR = join(REPO_ROOT, 'dist/bin');
const BIN = join(BIN_DIR, 'ridmap.js');
const SMALL_DMAR = join(REPO_ROOT, 'test/fixtures/qemu-acpi-tests/q35-dmar-11.1/DMAR.dat');

/** A clean DMAR of two DRHDs (segments 0 and 1; a DRHD's Length is 16 bits), each with `scopes` two-hop endpoint scopes (10 bytes each). */
function dmarBytes(scopes: number): Uint8Array {
  const deviceScopes = Array.from({ length: scopes }, (_, k) => ({
    type: 1, flags: 0, enumerationId: 0, startBusNumber: 0,
    path: [{ device: 1 + (k >> 8), function: 0 }, { device: (k >> 3) & 31, function: k & 7 }],
  }));
  const drhd = (segmentNumber: number) => ({ type: 'DRHD', flags: 0, size: 0, segmentNumber, registerBaseAddress: `0x${(0xfed90000 + segmentNumber * 0x1000).toString(16)}`, deviceScopes });
  const doc = {
    tables: [{
      signature: 'DMAR', revision: 1, oemId: 'RIDMAP', oemTableId: 'V8FLAGS', oemRevision: 1, creatorId: 'RDMP', creatorRevision: 1,
      hostAddressWidth: 47, flags: 1,
      remappingStructures: [drhd(0), drhd(1)],
    }],
  };
  const r = encodeJsonDocument(JSON.stringify(doc));
  expect(r.diagnostics.filter((d) => d.severity !== 'info')).toEqual([]);
  return r.tables[0]!.bytes;
}

describe('which runs are tuned', () => {
  const sizes = new Map([['big.dat', 64 * 1024], ['almost.dat', 64 * 1024 - 1]]);
  const sizeOf = (f: string) => sizes.get(f) ?? 0;

  it('the topology commands, and a decode or encode of many files or of a large one', () => {
    for (const argv of [['build', 't.yaml'], ['check', 't.yaml', '--strict'], ['map', 't.yaml', '--format', 'json'], ['decode', 'big.dat'],
      ['decode', '-f', 'json', 'small.dat', 'big.dat'], ['encode', 'big.dat', '-o', 'out.dtb'], ['decode', ...Array.from({ length: 16 }, (_, i) => `t${i}.dat`)]]) {
      expect(worthTuning(argv, sizeOf), argv.join(' ')).toBe(true);
    }
  });

  it('not a small decode (the usual one), standard input, another command or none', () => {
    for (const argv of [['decode', 'almost.dat'], ['decode', '-'], ['decode', ...Array.from({ length: 15 }, (_, i) => `t${i}.dat`)],
      ['encode', 'almost.dat'], ['diff', 'big.dat', 'big.dat'], ['--help'], ['--version'], []]) {
      expect(worthTuning(argv, sizeOf), argv.join(' ')).toBe(false);
    }
  });
});

describe.skipIf(!existsSync(BIN))('tuned runs of the built CLI', () => {
  let dir: string;
  let big: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'ridmap-v8-flags-'));
    big = join(dir, 'DMAR-big.dat');
    // 2 x 3,500 scopes: 70 kB, over the size from which a decode is tuned.
    writeFileSync(big, dmarBytes(3500));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('tuning changes V8\'s flags (V8 then refuses a cache made under Node\'s own) and untuning puts them back', () => {
    const flags = join(REPO_ROOT, 'dist/cli/v8-flags.js');
    const probe = [
      `import { tuneV8, untuneV8, v8Tuned } from ${JSON.stringify(flags)};`,
      "import { Script } from 'node:vm';",
      // Sources of one length (all V8 checks of a cache's source) but new each time: one V8 compiled already is taken from its own cache.
      'const source = (n) => `function f${n}(a) { return a + 1; } f${n}(1);`;',
      'const cache = new Script(source(0)).createCachedData();',
      'let n = 1;',
      'const refused = () => new Script(source(n++), { cachedData: cache }).cachedDataRejected;',
      'const seen = [refused()];',
      'tuneV8(); seen.push(v8Tuned(), refused());',
      'untuneV8(); seen.push(v8Tuned(), refused());',
      'console.log(JSON.stringify(seen));',
    ].join('\n');
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', probe], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout)).toEqual([false, true, true, false, false]);
  });

  it('a large decode, a batch and a map print what the CLI prints in-process, take the shipped caches and write none of their own', async () => {
    const batch = Array.from({ length: 16 }, () => SMALL_DMAR);
    const xdg = join(dir, 'xdg-shipped');
    const env = { ...process.env, XDG_CACHE_HOME: xdg };
    for (const argv of [['decode', big], ['decode', big, '--format', 'json'], ['decode', ...batch], ['map', join(REPO_ROOT, 'tables/q35-vtd-pci-bridge.yaml')]]) {
      const expected = await runCli(...argv);
      const r = spawnSync(process.execPath, [BIN, ...argv], { encoding: 'utf8', env, maxBuffer: 1 << 28 });
      expect({ code: r.status, stdout: r.stdout, stderr: r.stderr }, argv[0]).toEqual(expected);
    }
    expect(existsSync(xdg)).toBe(false);
  });

  it('where the shipped cache is missing, a tuned run writes a user\'s cache that an untuned run takes', () => {
    const bin = join(dir, 'bin');
    mkdirSync(bin);
    for (const f of ['ridmap.js', 'package.json', 'cli.cjs', 'cli-decode.cjs']) copyFileSync(join(BIN_DIR, f), join(bin, f));
    const xdg = join(dir, 'xdg-user');
    const env = { ...process.env, XDG_CACHE_HOME: xdg };
    const r = spawnSync(process.execPath, [join(bin, 'ridmap.js'), 'decode', big], { encoding: 'utf8', env, maxBuffer: 1 << 28 });
    expect(r.status).toBe(0);
    expect(readdirSync(join(xdg, 'ridmap'))).toHaveLength(1);
    // The user's cache is named by this Node's flags: the probe runs as a file, with the launcher's flags (none).
    const probe = join(dir, 'probe.mjs');
    writeFileSync(probe, `import { loadScript } from ${JSON.stringify(join(REPO_ROOT, 'dist/cli/script-cache.js'))};\n` +
      `const s = loadScript(${JSON.stringify(join(bin, 'cli-decode.cjs'))}); console.log(s.cacheUsed, s.cacheFile?.startsWith(${JSON.stringify(xdg)}));\n`);
    expect(spawnSync(process.execPath, [probe], { encoding: 'utf8', env }).stdout.trim()).toBe('true true');
  });
});
