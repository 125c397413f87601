/**
 * Progress on stderr (issue 22): a line rewritten in place while build,
 * check and map work, only when stderr is a terminal (bin.ts gives the CLI
 * `progressAfterMs` then), never under --format json, never when piped.
 * In-process runs set the threshold to 0 so that every run shows it; the
 * installed bin is driven through a pseudo-terminal (util-linux `script`).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT, TABLES_DIR } from '../support/paths.js';
import { runCli, runCliWith } from '../support/run-cli.js';

const tmp = mkdtempSync(join(tmpdir(), 'ridmap-progress-'));
const topology = join(TABLES_DIR, 'arm-smmuv3-its.yaml');
const ERASE = '\r\x1b[K';

describe('progress on a terminal', () => {
  it('build shows its steps on stderr, erases the line at the end, and writes stdout as without it', async () => {
    const out = join(tmp, 'build');
    const run = await runCliWith({ progressAfterMs: 0 }, 'build', topology, '--out', out);
    expect(run.code).toBe(0);
    expect(run.stderr).toContain(`${ERASE}ridmap build: resolving the topology (`);
    expect(run.stderr.endsWith(ERASE)).toBe(true);
    // Nothing but progress on stderr: every line drawn is erased again.
    expect(run.stderr.split(ERASE).filter((s) => s !== '' && !s.startsWith('ridmap build: '))).toEqual([]);
    expect(run.stdout).toBe((await runCli('build', topology, '--out', join(tmp, 'build-quiet'))).stdout.replaceAll('build-quiet', 'build'));
  });

  it('check and map show theirs; the text on stdout is unchanged', async () => {
    const check = await runCliWith({ progressAfterMs: 0 }, 'check', topology);
    expect(check.stderr).toMatch(/ridmap check: .+ \(\d+\.\d s\)/);
    expect(check.stdout).toBe((await runCli('check', topology)).stdout);
    const map = await runCliWith({ progressAfterMs: 0 }, 'map', topology);
    expect(map.stderr).toContain('ridmap map: ');
    expect(map.stdout).toBe((await runCli('map', topology)).stdout);
  });

  it('a diagnostic is printed on a clean line: the progress line is erased first', async () => {
    const dump = join(REPO_ROOT, 'test/fixtures/checks/table-repeated.txt');
    const run = await runCliWith({ progressAfterMs: 0 }, 'map', dump);
    expect(run.stderr).toMatch(/\r\x1b\[K[^\r]*warning \[table-repeated\]/);
    expect(run.stderr).not.toMatch(/\(\d+\.\d s\)[^\r\n]*warning/);
  });

  it('never under --format json', async () => {
    for (const argv of [['check', topology, '--format', 'json'], ['map', topology, '--format', 'json']]) {
      const run = await runCliWith({ progressAfterMs: 0 }, ...argv);
      expect(run.stderr).not.toContain('ridmap ');
    }
  });

  it('never when stderr is no terminal (the default)', async () => {
    const run = await runCli('build', topology, '--out', join(tmp, 'piped'));
    expect(run.stderr).toBe('');
  });
});

const bin = join(REPO_ROOT, 'dist/bin/ridmap.js');
const haveScript = spawnSync('script', ['--version']).status === 0;

describe.skipIf(!existsSync(bin) || !haveScript)('the installed bin', () => {
  /** The bin with stderr (and stdout) on a pseudo-terminal; what the terminal showed. */
  const onTerminal = (command: string, env: Record<string, string> = {}) => {
    const { CI: _ci, ...rest } = process.env;
    const run = spawnSync('script', ['-qec', command, '/dev/null'], { cwd: REPO_ROOT, encoding: 'utf8', env: { ...rest, ...env } });
    return run.stdout;
  };
  const build = (out: string) => `${process.execPath} ${bin} build ${topology} --out ${join(tmp, out)}`;

  it('shows progress when stderr is a terminal', () => {
    const shown = onTerminal(build('pty'), { RIDMAP_PROGRESS_AFTER_MS: '0' });
    expect(shown).toContain('ridmap build: ');
    expect(existsSync(join(tmp, 'pty', 'IORT.dat'))).toBe(true);
  });

  it('not when stderr is piped, even from a terminal', () => {
    const shown = onTerminal(`${build('pty-piped')} 2>${join(tmp, 'stderr.txt')}`, { RIDMAP_PROGRESS_AFTER_MS: '0' });
    expect(shown).not.toContain('ridmap build: ');
    expect(readFileSync(join(tmp, 'stderr.txt'), 'utf8')).toBe('');
  });

  it('not in CI', () => {
    const shown = onTerminal(build('pty-ci'), { RIDMAP_PROGRESS_AFTER_MS: '0', CI: 'true' });
    expect(shown).not.toContain('ridmap build: ');
  });
});
