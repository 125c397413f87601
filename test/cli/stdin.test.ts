/**
 * `-` is standard input for every input argument (issue 22): the content is
 * sniffed as a file's is (a topology without its .yaml name too), messages
 * call it <stdin>, and naming it twice is a usage error before anything is read.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT, TABLES_DIR } from '../support/paths.js';
import { runCli, runCliWith } from '../support/run-cli.js';

const tmp = mkdtempSync(join(tmpdir(), 'ridmap-stdin-test-'));
const topologyFile = join(TABLES_DIR, 'q35-vtd-pci-bridge.yaml');
const topology = readFileSync(topologyFile, 'utf8');
const dmarFile = join(REPO_ROOT, 'test/fixtures/qemu-acpi-tests/q35-dmar-11.1/DMAR.dat');
const dmar = readFileSync(dmarFile);
const dumpFile = join(REPO_ROOT, 'test/fixtures/checks/iort-its-not-in-madt.txt');

describe('- is standard input', () => {
  it('decode - reads a raw table, and names it <stdin>', async () => {
    const run = await runCliWith({ stdin: dmar }, 'decode', '-');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(' * Disassembly of <stdin>');
    expect(run.stdout).toContain('Signature : "DMAR"');
    // The same text as from the file, apart from the line naming the input.
    const fromFile = await runCli('decode', dmarFile);
    expect(run.stdout.replace('<stdin>', dmarFile)).toBe(fromFile.stdout);
  });

  it('decode - reads acpidump text (every table in it), as `acpidump | ridmap decode -`', async () => {
    const run = await runCliWith({ stdin: readFileSync(dumpFile) }, 'decode', '-');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Signature : "APIC"');
    expect(run.stdout).toContain('Signature : "IORT"');
  });

  it('map - reads a YAML topology, which has no file name to say it is YAML', async () => {
    const run = await runCliWith({ stdin: topology }, 'map', '-');
    expect(run.code).toBe(0);
    expect(run.stdout).toBe((await runCli('map', topologyFile)).stdout);
  });

  it('build - builds the piped topology', async () => {
    const out = join(tmp, 'build');
    const run = await runCliWith({ stdin: topology }, 'build', '-', '--out', out);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(join(out, 'DMAR.dat'));
    const fromFile = join(tmp, 'build-file');
    await runCli('build', topologyFile, '--out', fromFile);
    expect(readFileSync(join(out, 'DMAR.dat'))).toEqual(readFileSync(join(fromFile, 'DMAR.dat')));
  });

  it('diff - FILE compares standard input with the file, labelled <stdin>', async () => {
    const run = await runCliWith({ stdin: dmar }, 'diff', '-', dmarFile);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('--- A: <stdin>');
    expect(run.stdout).toContain('no semantic difference');
  });

  it('check reads --topology - and tables from files', async () => {
    const built = join(tmp, 'check');
    await runCli('build', topologyFile, '--out', built);
    const run = await runCliWith({ stdin: topology }, 'check', join(built, 'DMAR.dat'), '--topology', '-');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('topology <stdin>: 11 devices');
    expect(run.stdout).toContain('all 11 devices agree');
  });

  it('messages about a piped input name <stdin> with the structure path and offset', async () => {
    const run = await runCliWith({ stdin: dmar.subarray(0, 40) }, 'map', '-');
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^<stdin>:DMAR@0x4: error \[acpi-length-beyond-buffer\]/m);
  });

  it('- named twice is a usage error (2) before anything is read or printed', async () => {
    for (const argv of [['decode', '-', '-'], ['diff', '-', '-'], ['check', '-', '--topology', '-']]) {
      const run = await runCliWith({ stdin: dmar }, ...argv);
      expect(run.code).toBe(2);
      expect(run.stdout).toBe('');
      expect(run.stderr).toContain('standard input (-) is named 2 times; it can be read only once');
    }
  });

  it('map and check read a machine snapshot piped in (ssh host ridmap snapshot -o - | ridmap map -)', async () => {
    const archive = join(REPO_ROOT, 'test/fixtures/sysfs/q35-vtd.tar.gz');
    const map = await runCliWith({ stdin: readFileSync(archive) }, 'map', '-', '--format', 'tree');
    expect(map.code).toBe(0);
    expect(map.stdout).toBe((await runCli('map', archive, '--format', 'tree')).stdout);
    const check = await runCliWith({ stdin: readFileSync(archive) }, 'check', '-');
    const fromFile = await runCli('check', archive);
    expect(check.code).toBe(fromFile.code);
    expect(check.stdout).toBe(fromFile.stdout.replaceAll(archive, '<stdin>'));
  });

  it('encode - compiles the JSON piped into it', async () => {
    const json = (await runCli('decode', dmarFile, '--format', 'json')).stdout;
    const run = await runCliWith({ stdin: json }, 'encode', '-', '-o', join(tmp, 'from-stdin.dat'));
    expect(run.code).toBe(0);
    expect(readFileSync(join(tmp, 'from-stdin.dat'))).toEqual(dmar);
  });
});

const bin = join(REPO_ROOT, 'dist/bin/ridmap.js');
const haveScript = spawnSync('script', ['--version']).status === 0;

describe.skipIf(!existsSync(bin) || !haveScript)('the installed bin', () => {
  it('refuses a terminal on standard input (exit 2) instead of waiting for typed input', () => {
    // util-linux `script` gives the command a pseudo-terminal as its standard input.
    const run = spawnSync('script', ['-qec', `${process.execPath} ${bin} decode -; echo "exit $?"`, '/dev/null'], { cwd: REPO_ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 60_000 });
    expect(run.stdout).toContain('cannot read <stdin>: standard input (-) is a terminal');
    expect(run.stdout).toMatch(/exit 2\r?\n/);
  });

  it('reads a pipe, as `acpidump | ridmap decode -`', () => {
    const run = spawnSync(process.execPath, [bin, 'decode', '-'], { input: dmar, encoding: 'utf8' });
    expect(run.status).toBe(0);
    expect(run.stdout).toContain(' * Disassembly of <stdin>');
  });
});
