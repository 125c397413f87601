/**
 * The bench's generators (scripts/bench/generate-*.mjs) at tiny sizes, so
 * they cannot rot between bench runs: every generated input decodes cleanly
 * with ridmap (exit 0, no diagnostic) and, where installed, with the peers
 * the bench measures it against (iasl -d, dtc). No timings here: the bench
 * itself (`npm run bench`) is not part of `npm test`.
 *
 * The generators encode with ridmap's built library (dist/), as the bench
 * does; without a build the suite skips with a message (and fails in CI).
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../support/paths.js';
import { runCli } from '../support/run-cli.js';

const GENERATE = join(REPO_ROOT, 'scripts/bench/generate-inputs.mjs');
const BUILT = existsSync(join(REPO_ROOT, 'dist/index.js'));
const inCi = Boolean(process.env['CI']);
const have = (tool: string, flag: string) => !spawnSync(tool, [flag], { stdio: 'ignore' }).error;
const haveIasl = have('iasl', '-v');
const haveDtc = have('dtc', '--version');

/** The smoke scale of scripts/bench/generate-inputs.mjs (SCALES.smoke). */
const SMOKE = { dmarScopes: 300, iortMappings: 100, dtbNodes: 200, endpoints: 600 };

interface Inputs {
  dmar: string;
  iort: string;
  dts: string;
  dtb: string;
  batch: string[];
  small: string;
  topologies: Record<'x86' | 'arm', Record<string, string>>;
}

let dir = '';
let inputs: Inputs;

if (!BUILT) console.warn('dist/ not built: bench generator smoke test skipped (run npm run build)');

it.runIf(inCi)('dist/ is built for the bench generators', () => {
  expect(BUILT, 'CI is set but dist/index.js is missing: npm ci builds it').toBe(true);
});

describe.skipIf(!BUILT)('bench generators (smoke scale)', () => {
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'ridmap-bench-smoke-'));
    const r = spawnSync(process.execPath, [GENERATE, '--out', dir, '--scale', 'smoke'], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    inputs = JSON.parse(r.stdout) as Inputs;
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /** ridmap decode, which must succeed without a single diagnostic. */
  async function decodesCleanly(...files: string[]): Promise<string> {
    const r = await runCli('decode', ...files);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    return r.stdout;
  }

  const count = (text: string, re: RegExp) => (text.match(re) ?? []).length;

  it('DMAR: every endpoint scope decodes, with its two-hop path', async () => {
    const text = await decodesCleanly(inputs.dmar);
    expect(count(text, /Device Scope Type : 01 \[PCI Endpoint Device\]/g)).toBe(SMOKE.dmarScopes);
    // One PCI Path line per hop, as iasl prints them.
    expect(count(text, /PCI Path : [0-9A-F]{2},[0-9A-F]{2}$/gm)).toBe(2 * SMOKE.dmarScopes);
  });

  it('IORT: every ID mapping decodes', async () => {
    const text = await decodesCleanly(inputs.iort);
    expect(count(text, /Input base/g)).toBe(SMOKE.iortMappings);
  });

  it('DTB: every node decodes', async () => {
    const text = await decodesCleanly(inputs.dtb);
    expect(count(text, /\{$/gm)).toBe(SMOKE.dtbNodes);
  });

  it('batch and the start-up table decode in one process', async () => {
    expect(inputs.batch.length).toBeGreaterThan(10);
    await decodesCleanly(inputs.small, ...inputs.batch);
  });

  it('the bench counts every table in the text the CLI prints (its check that a batch run did the work)', () => {
    // The bench's verify reads the table count from the text's first field lines; a change of
    // the text's form once made every batch run a failure ("printed 0 tables of 1000").
    const out = join(dir, 'batch.txt');
    const script = `
      import { ridmapDecode } from ${JSON.stringify(join(REPO_ROOT, 'scripts/bench/ridmap-cmd.mjs'))};
      import { spawnSync } from 'node:child_process';
      import { openSync } from 'node:fs';
      const files = JSON.parse(process.argv[1]);
      const spec = ridmapDecode(files, { out: ${JSON.stringify(out)}, tables: files.length });
      spawnSync(spec.cmd, spec.args, { stdio: ['ignore', openSync(${JSON.stringify(out)}, 'w'), 'inherit'] });
      console.log(spec.verify() ?? 'ok');`;
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', script, JSON.stringify(inputs.batch)], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.stdout.trim()).toBe('ok');
  });

  it.each(['x86', 'arm'] as const)('%s topology builds every output its flavour calls for', async (arch) => {
    const file = inputs.topologies[arch][String(SMOKE.endpoints)]!;
    const out = join(dir, `build-${arch}`);
    const r = await runCli('build', file, '--out', out);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const want = arch === 'x86' ? ['DMAR.dat'] : ['IORT.dat', 'board.dtb', 'board.dts'];
    expect(readdirSync(out)).toEqual(expect.arrayContaining([...want, 'map.json', 'map.txt', 'tree.txt', 'topology.dot']));
    const map = JSON.parse(readFileSync(join(out, 'map.json'), 'utf8')) as { devices: { iommu: string | null; id: string }[] };
    const endpoints = map.devices.filter((d) => /i\d+$|e\d+$|c\d+$/.test(d.id));
    expect(endpoints).toHaveLength(SMOKE.endpoints);
    // On arm the conventional buses bypass the SMMU (generate-topology.mjs): Linux's arm-smmu-v3
    // would give their shared alias StreamID to one device only.
    const translated = (id: string) => arch === 'x86' || !/c\d+$/.test(id);
    expect(endpoints.filter((d) => d.iommu !== null).map((d) => d.id)).toEqual(endpoints.filter((d) => translated(d.id)).map((d) => d.id));
  });

  it.runIf(inCi)('the peers are installed', () => {
    expect(haveIasl && haveDtc, 'CI is set but iasl or dtc is missing').toBe(true);
  });

  /** `iasl -d` on copies of the files; returns each .dsl text. */
  function iasl(files: string[]): string[] {
    const work = mkdtempSync(join(dir, 'iasl-'));
    files.forEach((f) => copyFileSync(f, join(work, basename(f))));
    const r = spawnSync('iasl', ['-d', ...files.map((f) => basename(f))], { cwd: work, encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    return files.map((f) => readFileSync(join(work, basename(f).replace(/\.dat$/, '.dsl')), 'utf8'));
  }

  it.skipIf(!haveIasl)('iasl decodes the DMAR, the IORT and the batch in full', () => {
    const [dmar, iort, ...batch] = iasl([inputs.dmar, inputs.iort, ...inputs.batch]);
    expect(count(dmar!, /\[PCI Endpoint Device\]/g)).toBe(SMOKE.dmarScopes);
    expect(count(iort!, /Input base/g)).toBe(SMOKE.iortMappings);
    // iasl 20200925 does not know VIOT (a hex dump); the others it must decode, not just dump.
    inputs.batch.forEach((f, i) => {
      if (!basename(f).startsWith('viot')) expect(batch[i], basename(f)).not.toMatch(/Unknown ACPI table/);
    });
  });

  it.skipIf(!haveDtc)('dtc decodes the DTB and compiles the DTS to the same DTB', () => {
    const dts = spawnSync('dtc', ['-I', 'dtb', '-O', 'dts', '-o', '/dev/null', inputs.dtb], { encoding: 'utf8' });
    expect(dts.status, dts.stderr).toBe(0);
    const out = join(dir, 'dtc.dtb');
    const dtb = spawnSync('dtc', ['-I', 'dts', '-O', 'dtb', '-o', out, inputs.dts], { encoding: 'utf8' });
    expect(dtb.status, dtb.stderr).toBe(0);
    expect(dtb.stderr).toBe('');
    expect(Buffer.compare(readFileSync(out), readFileSync(inputs.dtb))).toBe(0);
  });
});
