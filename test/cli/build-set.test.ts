/**
 * `build` into an existing --out replaces the previous build as one set:
 * a refused table writes nothing, a rename that fails half-way puts the old
 * files back (test/hostile/atomic-write.test.ts, which fails the file system
 * calls), stale outputs of the previous build are removed and other files
 * left alone, and two builds into one directory leave the outputs of one of
 * them (child processes of the built bin).
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BUILD_OUTPUT_NAMES, buildOutputs } from '../../src/build-outputs.js';
import { LOCK_FILE } from '../../src/io/dir-lock.js';
import { loadTopologyFile } from '../../src/io/load-topology.js';
import { resolveTopology } from '../../src/model/resolve.js';
import { REPO_ROOT, TABLES_DIR } from '../support/paths.js';
import { runCli } from '../support/run-cli.js';

const q35 = join(TABLES_DIR, 'q35-vtd-pci-bridge.yaml');
const arm = join(TABLES_DIR, 'arm-smmuv3-its.yaml');

/** Every file of a directory with its content. */
function snapshot(dir: string): Map<string, string> {
  return new Map(readdirSync(dir).sort().map((n) => [n, readFileSync(join(dir, n), 'latin1')]));
}

const scratch = (name: string) => mkdtempSync(join(tmpdir(), `ridmap-${name}-`));

describe('build replaces the previous build as one set', () => {
  it('BUILD_OUTPUT_NAMES lists every output of every example, with its kind', () => {
    const known = new Map(BUILD_OUTPUT_NAMES.map((o) => [o.name, o.binary]));
    for (const file of readdirSync(TABLES_DIR).filter((f) => f.endsWith('.yaml'))) {
      for (const o of buildOutputs(resolveTopology(loadTopologyFile(join(TABLES_DIR, file)))).outputs) {
        expect(known.get(o.name), `${file}: ${o.name}`).toBe(typeof o.data !== 'string');
      }
    }
  });

  it('a table the topology cannot express writes nothing, not even the outputs that could be built', async () => {
    const out = scratch('refused');
    expect((await runCli('build', q35, '--out', out)).code).toBe(0);
    const before = snapshot(out);

    const refused = join(scratch('topology'), 'refused.yaml');
    // nvme0 bypasses the IOMMU below rp1, whose sub-hierarchy scope DMAR cannot exempt it from.
    writeFileSync(refused, readFileSync(q35, 'utf8').replace('model: nvme, ats: true }', 'model: nvme, ats: true, bypassIommu: true }').replace('        acs: true\n        reserveBuses: 2', '        acs: true\n        iommu: vtd0\n        reserveBuses: 2'));
    const run = await runCli('build', refused, '--out', out);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('[dmar-cannot-express]');
    expect(run.stderr).toContain(`nothing written to ${out}`);
    expect(run.stdout).toBe('');
    expect(snapshot(out)).toEqual(before);

    const fresh = join(scratch('fresh'), 'out');
    expect((await runCli('build', refused, '--out', fresh)).code).toBe(2);
    expect(existsSync(fresh)).toBe(false);
  });

  it('outputs the new topology does not call for are removed; files that are no output are left alone', async () => {
    const out = scratch('stale');
    expect((await runCli('build', arm, '--out', out)).code).toBe(0);
    expect(existsSync(join(out, 'IORT.dat'))).toBe(true);
    writeFileSync(join(out, 'README.md'), 'mine\n');
    mkdirSync(join(out, 'notes'));
    expect((await runCli('build', q35, '--out', out)).code).toBe(0);
    expect(readdirSync(out).sort()).toEqual(['DMAR.dat', 'README.md', 'map.json', 'map.txt', 'notes', 'topology.dot', 'tree.txt']);
    expect(readFileSync(join(out, 'README.md'), 'utf8')).toBe('mine\n');
  });

  it('a live lock makes the build wait, then fail with exit 2 naming it; a lock of a dead process is taken', async () => {
    const out = scratch('locked');
    writeFileSync(join(out, LOCK_FILE), `${process.ppid}\n`); // a process that outlives the test
    const locked = await runCli('build', q35, '--out', out, '--lock-wait', '0.2');
    expect(locked.code).toBe(2);
    expect(locked.stderr).toContain(`[output-locked]: another ridmap (pid ${process.ppid}) is writing into this directory`);
    expect(readdirSync(out)).toEqual([LOCK_FILE]);

    const dead = spawn(process.execPath, ['-e', '']);
    await new Promise((done) => dead.on('exit', done));
    writeFileSync(join(out, LOCK_FILE), `${dead.pid}\n`);
    expect((await runCli('build', q35, '--out', out)).code).toBe(0);
    expect(readdirSync(out)).not.toContain(LOCK_FILE);
    expect(readdirSync(out).filter((n) => n.startsWith('.'))).toEqual([]);
  });
});

const bin = join(REPO_ROOT, 'dist/bin/ridmap.js');

/**
 * Preloaded into each child: waits until the time in RIDMAP_TEST_START_AT
 * before ridmap starts, and makes every rename take up to 30 ms longer (at random,
 * so that neither build keeps its lead). Process
 * start-up varies by far more than a build's commit takes; without this the
 * two builds would rarely meet, and a mix would go unseen.
 */
const BARRIER = 'data:text/javascript,' + encodeURIComponent(`
  import fs from 'node:fs';
  import { syncBuiltinESMExports } from 'node:module';
  const rename = fs.renameSync;
  fs.renameSync = (from, to) => { rename(from, to); Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, Math.random() * 30); };
  syncBuiltinESMExports();
  const t = Number(process.env.RIDMAP_TEST_START_AT);
  while (Date.now() < t);
`);

/** Runs the built bin; resolves with its exit code and stderr. */
function runBin(args: string[], startAt = 0): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', BARRIER, bin, ...args], {
      stdio: ['ignore', 'ignore', 'pipe'],
      env: { ...process.env, RIDMAP_TEST_START_AT: String(startAt) },
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => resolve({ code, stderr }));
  });
}

describe.skipIf(!existsSync(bin))('two builds into one directory at once (the built bin; npm run build)', () => {
  it('leave the whole set of one of them, 20 times out of 20', async () => {
    // Two topologies of the same cost and output names whose every output differs
    // (the DMAR by its OEM table id, the maps by a device's id): only a whole set matches one of them.
    const dir = scratch('topologies');
    const topologies = ['A', 'B'].map((v) => {
      const file = join(dir, `${v}.yaml`);
      writeFileSync(file, readFileSync(q35, 'utf8').replace('oemTableId: Q35VTD', `oemTableId: Q35VT${v}`).replace('id: nic1', `id: nic1${v}`));
      return file;
    });
    const expected = await Promise.all(
      topologies.map(async (t, i) => {
        const out = join(scratch(`expected-${i}`), 'out');
        expect((await runBin(['build', t, '--out', out])).code).toBe(0);
        return snapshot(out);
      }),
    );
    for (const name of expected[0]!.keys()) expect(expected[0]!.get(name), name).not.toBe(expected[1]!.get(name));
    const out = scratch('race');
    for (let round = 0; round < 20; round++) {
      const startAt = Date.now() + 400;
      const runs = await Promise.all(topologies.map((t) => runBin(['build', t, '--out', out], startAt)));
      for (const r of runs) expect(r.code, r.stderr).toBe(0);
      const got = JSON.stringify([...snapshot(out)]);
      expect(expected.some((e) => JSON.stringify([...e]) === got), `round ${round}: a mixed set`).toBe(true);
    }
  }, 120_000);
});
