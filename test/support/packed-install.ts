/**
 * Installing ridmap as another project does: `npm pack`, then `npm install`
 * of the tarball into a fresh project, offline. npm resolves a new project's
 * ranges from registry metadata that an offline cache need not hold (it
 * holds the tarballs `npm ci` fetched), so the project gets a lockfile first:
 * the tarball's dependencies, and theirs, pinned to the versions and
 * integrities of ridmap's own package-lock.json, which is what a resolution
 * now would choose. npm then needs nothing but those tarballs from its cache,
 * and still checks the lockfile against what the tarball's package.json asks
 * for (`npm ci` refuses a lockfile out of step with it).
 */
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';

interface LockEntry {
  version?: string;
  resolved?: string;
  integrity?: string;
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
  [key: string]: unknown;
}

export interface PackageJson {
  name: string;
  version: string;
  dependencies?: Record<string, string>;
  bin?: Record<string, string>;
  scripts?: Record<string, string>;
  [key: string]: unknown;
}

export function run(cmd: string, args: string[], cwd: string): SpawnSyncReturns<string> {
  // A clean npm environment: no CI-wide npm options (npm_config_*) leak into the project's install.
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^npm_/i.test(k)));
  return spawnSync(cmd, args, { cwd, encoding: 'utf8', env: { ...env, NO_UPDATE_NOTIFIER: '1' } });
}

/** `npm pack` of the repo (its dist/ as built; no prepare script: the build is the test's given) into `dest`; the tarball's path. */
export function packRepo(repo: string, dest: string): string {
  const r = run('npm', ['pack', '--ignore-scripts', '--silent', '--pack-destination', dest], repo);
  if (r.status !== 0) throw new Error(`npm pack failed (exit ${r.status}): ${r.stderr}`);
  return join(dest, r.stdout.trim().split('\n').pop()!);
}

/** The package.json inside a tarball npm pack wrote. */
export function tarballManifest(tarball: string): PackageJson {
  const r = spawnSync('tar', ['-xzOf', tarball, 'package/package.json'], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`tar could not read package.json from ${tarball}: ${r.stderr}`);
  return JSON.parse(r.stdout) as PackageJson;
}

const registryUrl = (name: string, version: string) => `https://registry.npmjs.org/${name}/-/${basename(name)}-${version}.tgz`;

/**
 * The lockfile of a project whose only dependency is the tarball: the
 * tarball's dependencies, their dependencies and required peers, as
 * ridmap's lockfile pins them (flat: none of them nests).
 */
export function projectLock(tarball: string, manifest: PackageJson, repoLock: { packages: Record<string, LockEntry> }, spec: string): object {
  const packages: Record<string, LockEntry> = {};
  const todo = Object.keys(manifest.dependencies ?? {});
  for (let name = todo.pop(); name !== undefined; name = todo.pop()) {
    const key = `node_modules/${name}`;
    if (packages[key]) continue;
    const entry = repoLock.packages[key];
    if (!entry?.version) throw new Error(`${name} is not in ridmap's package-lock.json`);
    const { dev: _dev, peer: _peer, devOptional: _devOptional, ...kept } = entry;
    packages[key] = { ...kept, resolved: entry.resolved ?? registryUrl(name, entry.version) };
    const peers = Object.keys(entry.peerDependencies ?? {}).filter((p) => !entry.peerDependenciesMeta?.[p]?.optional);
    for (const dep of [...Object.keys(entry.dependencies ?? {}), ...peers]) todo.push(dep);
  }
  const integrity = `sha512-${createHash('sha512').update(readFileSync(tarball)).digest('base64')}`;
  const { name, version, dependencies, bin, engines, license } = manifest;
  return {
    name: 'ridmap-consumer',
    version: '1.0.0',
    lockfileVersion: 3,
    requires: true,
    packages: {
      '': { name: 'ridmap-consumer', version: '1.0.0', dependencies: { [name]: spec } },
      [`node_modules/${name}`]: { version, resolved: spec, integrity, license, dependencies, bin, engines },
      ...packages,
    },
  };
}

/** A fresh project in `dir` that depends on the tarball, installed offline; npm's result. */
export function installTarball(tarball: string, dir: string, repo: string): SpawnSyncReturns<string> {
  const manifest = tarballManifest(tarball);
  const spec = `file:${tarball}`;
  writeFileSync(join(dir, 'package.json'), `${JSON.stringify({ name: 'ridmap-consumer', version: '1.0.0', private: true, dependencies: { [manifest.name]: spec } }, null, 2)}\n`);
  const repoLock = JSON.parse(readFileSync(join(repo, 'package-lock.json'), 'utf8')) as { packages: Record<string, LockEntry> };
  writeFileSync(join(dir, 'package-lock.json'), `${JSON.stringify(projectLock(tarball, manifest, repoLock, spec), null, 2)}\n`);
  return run('npm', ['ci', '--offline', '--no-audit', '--no-fund'], dir);
}
