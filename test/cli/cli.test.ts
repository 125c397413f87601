/** The CLI contract: streams, exit codes, help, and no stack trace for bad input. */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { VERSION } from '../../src/version.js';
import { REPO_ROOT, TABLES_DIR } from '../support/paths.js';
import { runCli } from '../support/run-cli.js';

const tmp = mkdtempSync(join(tmpdir(), 'ridmap-cli-'));
const example = join(TABLES_DIR, 'q35-vtd-pci-bridge.yaml');

describe('ridmap CLI', () => {
  it('--help lists the commands and exits 0', async () => {
    const run = await runCli('--help');
    expect(run.code).toBe(0);
    for (const cmd of ['build', 'map', 'schema']) expect(run.stdout).toContain(cmd);
    expect(run.stdout).toContain('Exit codes');
  });

  it('--version prints the package version', async () => {
    const run = await runCli('--version');
    expect(run.code).toBe(0);
    expect(run.stdout.trim()).toBe(VERSION);
    const pkg = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string };
    expect(pkg.version).toBe(VERSION);
  });

  it('an unknown command is a usage error (2)', async () => {
    const run = await runCli('frobnicate');
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('unknown command');
  });

  it('a bad option value is a usage error (2)', async () => {
    const run = await runCli('map', example, '--format', 'xml');
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/Allowed choices are text, json, tree, dot/);
  });

  it('a missing file is exit 2 with its name, not a stack trace', async () => {
    const run = await runCli('map', join(tmp, 'nope.yaml'));
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('nope.yaml');
    expect(run.stderr).toContain('no such file');
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });

  it('malformed YAML is exit 2 with the line and column', async () => {
    const bad = join(tmp, 'bad.yaml');
    writeFileSync(bad, 'name: x\nhostBridges:\n  - id: pcie.0\n    children: [ {id: a, type: rciep, addr: "00.0" }\n');
    const run = await runCli('map', bad);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/bad\.yaml:\d+:\d+/);
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });

  it('map prints the example map as JSON', async () => {
    const run = await runCli('map', example, '--format', 'json');
    expect(run.code).toBe(0);
    const json = JSON.parse(run.stdout) as { translations: unknown[]; devices: { id: string; iommu: string | null }[] };
    expect(json.translations.length).toBeGreaterThan(0);
    expect(json.devices.find((d) => d.id === 'nic0')?.iommu).toBe('vtd@0xfed90000');
  });

  it('build writes the outputs into --out', async () => {
    const out = join(tmp, 'build');
    const run = await runCli('build', example, '--out', out);
    expect(run.code).toBe(0);
    for (const f of ['map.json', 'map.txt', 'tree.txt', 'topology.dot']) expect(existsSync(join(out, f))).toBe(true);
  });

  it('schema prints a JSON Schema', async () => {
    const run = await runCli('schema');
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toHaveProperty('properties.hostBridges');
  });

  const bin = join(REPO_ROOT, 'dist/bin/ridmap.js');
  it.skipIf(!existsSync(bin))('the installed bin sets the process exit code', () => {
    const ok = spawnSync(process.execPath, [bin, 'map', example], { encoding: 'utf8' });
    expect(ok.status).toBe(0);
    expect(ok.stdout).toContain('vtd@0xfed90000');
    const bad = spawnSync(process.execPath, [bin, 'map', join(tmp, 'missing.yaml')], { encoding: 'utf8' });
    expect(bad.status).toBe(2);
    expect(bad.stdout).toBe('');
    // The bin is bundled; the DTS grammar (web-tree-sitter and its .wasm) must still be found from there.
    const dts = spawnSync(process.execPath, [bin, 'decode', join(REPO_ROOT, 'test/fixtures/checks/dt-bad-length.dts')], { encoding: 'utf8' });
    expect(dts.stdout).toContain('/dts-v1/;');
  });
});
