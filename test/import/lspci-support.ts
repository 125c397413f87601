/** Shared by the lspci tests: the fixtures, their sections, and a snapshot's facts without the bytes. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { HostPciFunction, HostSnapshot } from '../../src/import/host/host-snapshot.js';
import { REPO_ROOT } from '../support/paths.js';

export const LSPCI_FIXTURES = join(REPO_ROOT, 'test/fixtures/lspci');

export function lspciFixture(name: string): string {
  return readFileSync(join(LSPCI_FIXTURES, name), 'utf8');
}

/** A fixture's shell session split at its `$ command` prompts: command -> output. */
export function sections(session: string): Map<string, string> {
  const out = new Map<string, string>();
  const parts = session.split(/^\$ (.*)\n/m);
  for (let i = 1; i < parts.length; i += 2) out.set(parts[i]!, parts[i + 1]!);
  return out;
}

/** The facts a test compares, per sbdf (config bytes left out: they are compared by length where it matters). */
export function facts(s: HostSnapshot): Record<string, Omit<HostPciFunction, 'config'>> {
  return Object.fromEntries(s.functions.map(({ config: _config, ...f }) => [f.sbdf, f]));
}

/** Pick some keys of every function. */
export function pick<K extends keyof HostPciFunction>(s: HostSnapshot, keys: readonly K[]): Record<string, Pick<HostPciFunction, K>> {
  return Object.fromEntries(
    s.functions.map((f) => [f.sbdf, Object.fromEntries(keys.filter((k) => f[k] !== undefined).map((k) => [k, f[k]])) as Pick<HostPciFunction, K>]),
  );
}
