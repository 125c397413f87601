/**
 * Using ridmap from another project (issue 22): `npm pack` gives a tarball
 * that installs into a fresh project without building from source and
 * without install scripts (the DTS grammar ships as a wasm in dist/, not
 * through tree-sitter-devicetree's native binding and its node-gyp-build),
 * and `npx ridmap` then decodes a table and a DTS (one the tree-sitter
 * grammar reads: an expression) as the repo's own CLI does.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../support/paths.js';
import { installTarball, packRepo, run, tarballManifest } from '../support/packed-install.js';

const BIN = join(REPO_ROOT, 'dist/bin/ridmap.js');
const DMAR = join(REPO_ROOT, 'test/fixtures/qemu-acpi-tests/q35-dmar-11.1/DMAR.dat');
/** Not plain DTS (an expression in a cell): the tree-sitter grammar reads it (dt/dts-plain.ts gives up). */
const DTS = `/dts-v1/;
/ {
	#address-cells = <1>;
	#size-cells = <1>;
	model = "ridmap from another project";
	memory@40000000 {
		device_type = "memory";
		reg = <(0x40000000 + 0) (0x1000 * 0x1000)>;
	};
};
`;

const INSTALL_SCRIPTS = ['preinstall', 'install', 'postinstall'];

/** Every package.json under node_modules (one level of scopes). */
function installedManifests(project: string): { name: string; scripts?: Record<string, string> }[] {
  const root = join(project, 'node_modules');
  const dirs = readdirSync(root).filter((n) => !n.startsWith('.')).flatMap((n) => (n.startsWith('@') ? readdirSync(join(root, n)).map((m) => join(n, m)) : [n]));
  return dirs.map((d) => JSON.parse(readFileSync(join(root, d, 'package.json'), 'utf8')) as { name: string; scripts?: Record<string, string> });
}

describe.skipIf(!existsSync(BIN))('the npm package', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ridmap-pack-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('installs offline from `npm pack` with no install script, and `npx ridmap` decodes a table and a DTS as the repo\'s CLI does', () => {
    const tarball = packRepo(REPO_ROOT, dir);
    const manifest = tarballManifest(tarball);
    expect(Object.keys(manifest.dependencies ?? {})).not.toContain('tree-sitter-devicetree');
    expect(manifest.bin).toEqual({ ridmap: 'dist/bin/ridmap.js' });

    const project = join(dir, 'project');
    mkdirSync(project);
    const install = installTarball(tarball, project, REPO_ROOT);
    expect(install.status, install.stderr).toBe(0);
    // Nothing was built or run at install: no package with an install script, and npm said nothing to warn of.
    expect(install.stderr).not.toMatch(/warn|gyp|install script/i);
    const lock = JSON.parse(readFileSync(join(project, 'node_modules/.package-lock.json'), 'utf8')) as { packages: Record<string, { hasInstallScript?: boolean }> };
    expect(Object.entries(lock.packages).filter(([, p]) => p.hasInstallScript).map(([k]) => k)).toEqual([]);
    const installed = installedManifests(project);
    expect(installed.map((m) => m.name)).toContain('ridmap');
    expect(installed.filter((m) => INSTALL_SCRIPTS.some((s) => m.scripts?.[s] !== undefined)).map((m) => m.name)).toEqual([]);

    const dts = join(dir, 'board.dts');
    writeFileSync(dts, DTS);
    const outputs = [['decode', DMAR], ['decode', dts], ['--version']].map((argv) => {
      // `--`: what follows is ridmap's (npx would take --version as its own).
      const npx = run('npx', ['--no', '--', 'ridmap', ...argv], project);
      const repo = spawnSync(process.execPath, [BIN, ...argv], { encoding: 'utf8' });
      expect(repo.status, argv.join(' ')).toBe(0);
      expect({ code: npx.status, stdout: npx.stdout, stderr: npx.stderr }, argv.join(' ')).toEqual({ code: 0, stdout: repo.stdout, stderr: '' });
      return npx.stdout;
    });
    expect(outputs[0]).toContain('Signature : "DMAR"');
    expect(outputs[1]).toContain('reg = <0x40000000 0x1000000>;');
    expect(outputs[2]).toBe(`${manifest.version}\n`);
  }, 180_000);
});
