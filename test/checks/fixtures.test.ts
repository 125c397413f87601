/**
 * Every check id has a negative fixture in test/fixtures/checks/ that raises
 * exactly it: the registry and the fixture directory are walked, so a check
 * without a fixture, or a fixture of no check, fails here. A fixture is all
 * files named <id>.*: tables and topologies given as inputs, <id>.topology.yaml
 * (or the shared platform a .dsl names) given as --topology.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { generatedFixtures } from '../support/generated-fixtures.js';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CHECKS } from '../../src/checks/registry.js';
import type { Diagnostic } from '../../src/diagnostic.js';
import { REPO_ROOT } from '../support/paths.js';
import { runCli } from '../support/run-cli.js';
import { alsoRaised, checkFixtures, dumpFixtures, dumpText, fixtureText, namedOs, namedTopology } from './check-fixtures.js';

const dir = join(REPO_ROOT, 'test/fixtures/checks');
const files = () => readdirSync(dir).sort();
const idOf = (file: string) => file.slice(0, file.indexOf('.'));

describe('generated check fixtures (test/fixtures/checks/*.dsl, *.txt)', () => {
  generatedFixtures(dir, '.dsl', checkFixtures, fixtureText);
  generatedFixtures(dir, '.txt', dumpFixtures, dumpText);
});

describe('the check registry and the fixture directory match', () => {
  const withFixture = CHECKS.filter((c) => !c.invariant).map((c) => c.id);

  it('every check that input can raise has a fixture', () => {
    const have = new Set(files().map(idOf));
    expect(withFixture.filter((id) => !have.has(id))).toEqual([]);
  });

  it('every fixture belongs to a check (shared files start with _)', () => {
    const ids = new Set(CHECKS.map((c) => c.id));
    expect(files().filter((f) => !f.startsWith('_') && !ids.has(idOf(f)))).toEqual([]);
  });

  it('the README lists every check', () => {
    const readme = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');
    expect(CHECKS.map((c) => c.id).filter((id) => !readme.includes(`\`${id}\``))).toEqual([]);
  });

  it('the README\'s check table names exactly the registry\'s checks, no more (one row may name several ids)', () => {
    const readme = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');
    const table = readme.slice(readme.indexOf('The checks (ids are stable')).split('\n\n')[1]!;
    const listed = table.split('\n').filter((l) => l.startsWith('| `')).flatMap((row) => [...row.split(' | ')[0]!.matchAll(/`([a-z0-9-]+)`/g)].map((m) => m[1]!));
    expect([...listed].sort()).toEqual(CHECKS.map((c) => c.id).sort());
  });

  it('only invariant checks go without a fixture, and they say why', () => {
    for (const c of CHECKS.filter((x) => x.invariant)) expect(c.description).toMatch(/bug in ridmap/);
  });
});

/** The CLI arguments a fixture is checked with. */
function argsFor(id: string): string[] {
  const mine = files().filter((f) => idOf(f) === id);
  const topology = mine.find((f) => f.endsWith('.topology.yaml'));
  const inputs = mine.filter((f) => f !== topology);
  const named = inputs.map((f) => namedTopology(readFileSync(join(dir, f), 'utf8'))).find((t) => t !== undefined);
  const reference = topology ?? named;
  const os = mine.map((f) => namedOs(readFileSync(join(dir, f), 'utf8'))).find((o) => o !== undefined);
  return [...inputs.map((f) => join(dir, f)), ...(reference ? ['--topology', join(dir, reference)] : []), ...(os ? ['--os', os] : [])];
}

describe('each fixture raises exactly its check', () => {
  for (const check of CHECKS.filter((c) => !c.invariant)) {
    it(`${check.id} (${check.severity})`, async () => {
      const args = argsFor(check.id);
      const run = await runCli('check', ...args, '--format', 'json');
      expect(run.stderr).toBe('');
      const { findings } = JSON.parse(run.stdout) as { findings: Diagnostic[] };
      const also = args.flatMap((a) => (a.endsWith('.dsl') || a.endsWith('.yaml') ? alsoRaised(readFileSync(a, 'utf8')) : []));
      const raised = findings.filter((d) => d.code === check.id);
      expect(raised.length, `no ${check.id} finding`).toBeGreaterThan(0);
      expect(findings.filter((d) => d.severity === 'error' && d.code !== check.id).map((d) => `${d.code}: ${d.message}`)).toEqual([]);
      expect(findings.filter((d) => d.severity === 'warning' && d.code !== check.id && !also.includes(d.code)).map((d) => `${d.code}: ${d.message}`)).toEqual([]);
      expect(raised.every((d) => d.severity === check.severity)).toBe(true);
      expect(run.code).toBe(check.severity === 'error' ? 1 : 0);
    });
  }
});
