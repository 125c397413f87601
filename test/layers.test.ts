/**
 * No arrow runs back up, no circle (DESIGN practice 6, issue 16): every
 * relative import of every src/**\/*.ts file (static, `export ... from`,
 * `import type` and dynamic `import()` alike: each ties the importer to the
 * imported) goes from a unit to one in a lower layer or in its own layer,
 * and the units import each other without a cycle. A unit is a directory
 * under src/ (acpi, model, ...) or a file directly in src/ (diagnostic.ts,
 * build-outputs.ts, ...).
 *
 * The layers, low to high, as the code stands:
 *   append, diagnostic, limits, lower-bound,   records and helpers every layer uses
 *   once,
 *   version
 *   codec                                      the binary engine; knows no table
 *   model                                      topology, numbering, RIDs, the translation map, what Linux does with it
 *   acpi, dt                                   the formats: specs, builders, resolvers
 *   map, build-outputs, io, diff, checks,      what is made of tables and topologies: output forms,
 *   golden, import, report, judge, api, fuzz   builds, input loading, diff, checks, ... (ordered by the no-cycle rule)
 *   cli, index                                 the command line and the public library API
 * Within the fifth layer the real order is map < build-outputs < io < diff <
 * checks < report < api; the no-cycle rule keeps it so without listing it.
 *
 * No exception is listed: every arrow that ran up (acpi -> map for device
 * entries, model -> map for its finding builders, acpi <-> io for input
 * decoding, io -> checks and diff <-> checks for the input reader) was
 * removed when this test was written. An exception would go in ALLOWED
 * with the reason it cannot be removed.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from './support/paths.js';

const SRC = join(REPO_ROOT, 'src');

const LAYERS: readonly (readonly string[])[] = [
  ['append', 'diagnostic', 'limits', 'lower-bound', 'once', 'version'],
  ['codec'],
  ['model'],
  ['acpi', 'dt'],
  ['map', 'build-outputs', 'io', 'diff', 'checks', 'golden', 'import', 'report', 'judge', 'api', 'fuzz', 'plan'],
  ['cli', 'index'],
];

/** `from -> to` edges (file to file, relative to src/) that may run against the layers, each with why. */
const ALLOWED: ReadonlyMap<string, string> = new Map();

interface Edge {
  from: string;
  to: string;
  fromUnit: string;
  toUnit: string;
}

const IMPORT = /(?:^|[\s;])(?:import|export)\s[^'";]*?from\s*['"](\.[^'"]+)['"]|(?:^|[\s;])import\s*['"](\.[^'"]+)['"]|import\(\s*['"](\.[^'"]+)['"]\s*\)/gm;

function tsFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return tsFiles(path);
    return name.endsWith('.ts') ? [path] : [];
  });
}

const unitOf = (file: string): string => {
  const [first, ...rest] = relative(SRC, file).split('/');
  return rest.length ? first! : first!.replace(/\.ts$/, '');
};

function edges(): Edge[] {
  return tsFiles(SRC).flatMap((file) =>
    [...readFileSync(file, 'utf8').matchAll(IMPORT)].map((m) => {
      const target = resolve(dirname(file), (m[1] ?? m[2] ?? m[3])!.replace(/\.js$/, '.ts'));
      return { from: relative(SRC, file), to: relative(SRC, target), fromUnit: unitOf(file), toUnit: unitOf(target) };
    }),
  );
}

/** Edges from a unit to a higher layer (a unit in no layer is reported too). */
function upwardEdges(all: readonly Edge[], layers: readonly (readonly string[])[]): string[] {
  const layerOf = new Map(layers.flatMap((units, i) => units.map((u) => [u, i] as const)));
  const out: string[] = [];
  for (const e of all) {
    const [a, b] = [layerOf.get(e.fromUnit), layerOf.get(e.toUnit)];
    if (a === undefined || b === undefined) out.push(`${e.from} -> ${e.to}: ${a === undefined ? e.fromUnit : e.toUnit} is in no layer`);
    else if (b > a && !ALLOWED.has(`${e.from} -> ${e.to}`)) out.push(`${e.from} -> ${e.to} (${e.fromUnit} imports ${e.toUnit}, a higher layer)`);
  }
  return out;
}

/**
 * Cycles between units (strongly connected components of more than one
 * unit, Tarjan's algorithm kept iterative), each with one edge per step.
 */
function unitCycles(all: readonly Edge[]): string[] {
  const next = new Map<string, Map<string, Edge>>();
  for (const e of all) {
    if (e.fromUnit === e.toUnit) continue;
    if (!next.has(e.fromUnit)) next.set(e.fromUnit, new Map());
    if (!next.has(e.toUnit)) next.set(e.toUnit, new Map());
    if (!next.get(e.fromUnit)!.has(e.toUnit)) next.get(e.fromUnit)!.set(e.toUnit, e);
  }
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const components: string[][] = [];
  let counter = 0;
  for (const root of next.keys()) {
    if (index.has(root)) continue;
    const work: [string, string[]][] = [];
    const enter = (u: string) => {
      index.set(u, counter);
      low.set(u, counter++);
      stack.push(u);
      onStack.add(u);
      work.push([u, [...next.get(u)!.keys()]]);
    };
    enter(root);
    while (work.length) {
      const [u, rest] = work[work.length - 1]!;
      const v = rest.shift();
      if (v !== undefined) {
        if (!index.has(v)) enter(v);
        else if (onStack.has(v)) low.set(u, Math.min(low.get(u)!, index.get(v)!));
        continue;
      }
      work.pop();
      if (work.length) {
        const parent = work[work.length - 1]![0];
        low.set(parent, Math.min(low.get(parent)!, low.get(u)!));
      }
      if (low.get(u) === index.get(u)) {
        const component: string[] = [];
        let w: string;
        do {
          w = stack.pop()!;
          onStack.delete(w);
          component.push(w);
        } while (w !== u);
        if (component.length > 1) components.push(component.sort());
      }
    }
  }
  return components.map((c) => {
    const inside = new Set(c);
    const arrows = c.flatMap((u) => [...next.get(u)!].filter(([v]) => inside.has(v)).map(([, e]) => `${e.from} -> ${e.to}`));
    return `${c.join(' <-> ')}: ${arrows.join('; ')}`;
  });
}

describe('layers (src/)', () => {
  const all = edges();

  it('reads the imports of every file', () => {
    expect(all.length).toBeGreaterThan(500);
    expect(new Set(all.map((e) => e.fromUnit))).toContain('checks');
  });

  it('no import runs from a lower layer up to a higher one', () => {
    expect(upwardEdges(all, LAYERS)).toEqual([]);
  });

  it('no two directories import each other, directly or round a circle', () => {
    expect(unitCycles(all)).toEqual([]);
  });

  it('every exception is still needed', () => {
    const seen = new Set(all.map((e) => `${e.from} -> ${e.to}`));
    expect([...ALLOWED.keys()].filter((k) => !seen.has(k))).toEqual([]);
  });
});

describe('the layer checks themselves', () => {
  const edge = (from: string, to: string): Edge => ({ from: `${from}/x.ts`, to: `${to}/y.ts`, fromUnit: from, toUnit: to });

  it('find an arrow up and a unit in no layer', () => {
    expect(upwardEdges([edge('acpi', 'map'), edge('map', 'model'), edge('nowhere', 'model')], LAYERS)).toEqual([
      'acpi/x.ts -> map/y.ts (acpi imports map, a higher layer)',
      'nowhere/x.ts -> model/y.ts: nowhere is in no layer',
    ]);
  });

  it('find a circle of three units and leave a chain alone', () => {
    expect(unitCycles([edge('io', 'checks'), edge('checks', 'diff'), edge('diff', 'io'), edge('report', 'checks')])).toEqual([
      'checks <-> diff <-> io: checks/x.ts -> diff/y.ts; diff/x.ts -> io/y.ts; io/x.ts -> checks/y.ts',
    ]);
    expect(unitCycles([edge('io', 'checks'), edge('checks', 'diff')])).toEqual([]);
  });
});
