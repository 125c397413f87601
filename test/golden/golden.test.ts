/**
 * The golden workflow: the project's own golden/ directory (one case per
 * example topology) must regenerate unchanged; a changed topology fails with
 * the semantic diff and passes after `golden update`; an interrupted update
 * leaves the old files. UPDATE_GOLDEN=1 runs `golden update golden` first
 * (then review the diff like any other change).
 */
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { updateGolden } from '../../src/golden/golden.js';
import { stageFile } from '../../src/io/atomic-write.js';
import { GOLDEN_DIR, TABLES_DIR } from '../support/paths.js';
import { runCli } from '../support/run-cli.js';

const examples = readdirSync(TABLES_DIR).filter((f) => f.endsWith('.yaml')).map((f) => basename(f, '.yaml')).sort();

describe('golden/: the expected outputs of every example', () => {
  it('golden check golden passes', async () => {
    if (process.env['UPDATE_GOLDEN']) {
      if (process.env['CI']) throw new Error('UPDATE_GOLDEN in CI');
      await runCli('golden', 'update', GOLDEN_DIR);
    }
    const run = await runCli('golden', 'check', GOLDEN_DIR);
    expect(run.stderr).toBe('');
    expect(run.stdout).not.toContain('CHANGED');
    expect(run.code).toBe(0);
  });

  it('every example has a case pointing at it', () => {
    expect(examples.length).toBeGreaterThanOrEqual(5);
    for (const name of examples) {
      expect(readFileSync(join(GOLDEN_DIR, name, 'case.yaml'), 'utf8')).toContain(`topology: ../../tables/${name}.yaml`);
    }
  });

  it('stores each VT-d example\'s DMAR as a hex dump ridmap reads back and as decoded text', async () => {
    for (const name of ['bridge-behind-bridge', 'q35-vtd-pci-bridge', 'x86-server-dmar']) {
      const hex = join(GOLDEN_DIR, name, 'DMAR.hex');
      expect(readFileSync(hex, 'utf8')).toMatch(/^DMAR @ 0x0000000000000000\n {2}00000000: 44 4D 41 52 /);
      const decoded = await runCli('decode', hex);
      expect(decoded.code).toBe(0);
      expect(decoded.stdout.split('\n').slice(6).join('\n')).toBe(readFileSync(join(GOLDEN_DIR, name, 'DMAR.txt'), 'utf8').split('\n').slice(6).join('\n'));
    }
  });

  const forms = [
    { file: 'map.json', format: 'json' },
    { file: 'map.txt', format: 'text' },
    { file: 'tree.txt', format: 'tree' },
    { file: 'topology.dot', format: 'dot' },
  ];
  for (const name of examples) {
    it(`${name}: the stored maps are what \`ridmap map\` prints`, async () => {
      for (const form of forms) {
        const run = await runCli('map', join(TABLES_DIR, `${name}.yaml`), '--format', form.format);
        expect(run.code).toBe(0);
        expect(run.stdout).toBe(readFileSync(join(GOLDEN_DIR, name, form.file), 'utf8'));
      }
    });
  }
});

/** A golden directory in a temporary place, with its own copy of the x86 server topology. */
function scratchGolden(): { dir: string; topology: string } {
  const root = mkdtempSync(join(tmpdir(), 'ridmap-golden-'));
  const topology = join(root, 'server.yaml');
  cpSync(join(TABLES_DIR, 'x86-server-dmar.yaml'), topology);
  const dir = join(root, 'golden');
  cpSync(join(GOLDEN_DIR, 'x86-server-dmar'), join(dir, 'server'), { recursive: true });
  writeFileSync(join(dir, 'server', 'case.yaml'), 'topology: ../../server.yaml\n');
  return { dir, topology };
}

const moveRootPort = (topology: string) =>
  writeFileSync(topology, readFileSync(topology, 'utf8').replace('addr: "02.0"\n        iommu: vtd-s0', 'addr: "02.0"\n        iommu: vtd-s1'));

describe('golden check and update on a changed topology', () => {
  it('fails with the semantic diff, passes after update', async () => {
    const { dir, topology } = scratchGolden();
    expect((await runCli('golden', 'check', dir)).code).toBe(0);
    moveRootPort(topology);

    const check = await runCli('golden', 'check', dir);
    expect(check.code).toBe(1);
    expect(check.stdout).toContain('CHANGED  ');
    expect(check.stdout).toContain('  DMAR.hex: changed\n    DMAR: 1 difference\n      > sub-hierarchy 00:02.0 and below moved from DRHD vtd@0xfbffc000 to DRHD vtd@0xc7ffc000');
    expect(check.stdout).toContain('  map.json: changed\n    00:02.0 and below (s0-rp1) moved from vtd@0xfbffc000 to vtd@0xc7ffc000');
    expect(check.stdout).toContain('    device nic0 (02:00.0) moved from vtd@0xfbffc000 [0x200] to vtd@0xc7ffc000 [0x200]');
    expect(check.stdout).toContain('  tree.txt: changed\n    text differs from line 5');
    expect(check.stdout).toContain(`run \`ridmap golden update ${dir}\``);

    const update = await runCli('golden', 'update', dir);
    expect(update.code).toBe(0);
    expect(update.stdout).toContain('updated  ');
    expect((await runCli('golden', 'check', dir)).code).toBe(0);
    expect(readdirSync(join(dir, 'server')).filter((f) => f.startsWith('.'))).toEqual([]);
  });

  it('an update interrupted while writing leaves every old file as it was, and no temporary file', async () => {
    const { dir, topology } = scratchGolden();
    const before = new Map(readdirSync(join(dir, 'server')).map((f) => [f, readFileSync(join(dir, 'server', f), 'utf8')]));
    moveRootPort(topology);
    let writes = 0;
    const failing: typeof stageFile = (path, data) => {
      if (++writes === 3) throw new Error('disk full');
      return stageFile(path, data);
    };
    await expect(updateGolden(dir, failing)).rejects.toThrow('disk full');
    const after = new Map(readdirSync(join(dir, 'server')).map((f) => [f, readFileSync(join(dir, 'server', f), 'utf8')]));
    expect(after).toEqual(before);
  });

  it('a new case is written whole, and outputs the topology no longer makes are removed', async () => {
    const { dir, topology } = scratchGolden();
    writeFileSync(join(dir, 'server', 'VIOT.hex'), 'stale\n');
    const check = await runCli('golden', 'check', dir);
    expect(check.code).toBe(1);
    expect(check.stdout).toContain('  VIOT.hex: stale\n    the topology no longer produces it');
    await runCli('golden', 'update', dir);
    expect(existsSync(join(dir, 'server', 'VIOT.hex'))).toBe(false);

    const fresh = join(dir, 'fresh');
    cpSync(join(dir, 'server', 'case.yaml'), join(fresh, 'case.yaml'), { recursive: true });
    expect((await runCli('golden', 'check', dir)).stdout).toContain('  DMAR.hex: missing');
    await runCli('golden', 'update', fresh);
    expect(readdirSync(fresh).sort()).toEqual(['DMAR.hex', 'DMAR.txt', 'case.yaml', 'map.json', 'map.txt', 'topology.dot', 'tree.txt']);
    expect(existsSync(topology)).toBe(true);
  });

  it('update touches only the files golden owns: a README, a firmware source and a subdirectory stay', async () => {
    const { dir, topology } = scratchGolden();
    const own = { 'README.md': '# why this case\n', 'firmware.c': 'int main(void) { return 0; }\n', 'notes/board.txt': 'rev B\n' };
    mkdirSync(join(dir, 'server', 'notes'));
    for (const [name, text] of Object.entries(own)) writeFileSync(join(dir, 'server', name), text);
    writeFileSync(join(dir, 'server', 'IORT.hex'), 'stale\n'); // an output name: owned, and no longer produced
    moveRootPort(topology);

    const check = await runCli('golden', 'check', dir);
    expect(check.code).toBe(1);
    expect(check.stdout).toContain('  IORT.hex: stale');
    expect(check.stdout).not.toMatch(/README|firmware|notes/);

    const update = await runCli('golden', 'update', dir);
    expect(update.stderr).toBe('');
    expect(update.code).toBe(0);
    for (const [name, text] of Object.entries(own)) expect(readFileSync(join(dir, 'server', name), 'utf8')).toBe(text);
    expect(existsSync(join(dir, 'server', 'IORT.hex'))).toBe(false);
    expect((await runCli('golden', 'check', dir)).code).toBe(0);
  });

  it('a changed board DTS is explained by the semantic diff of the two trees, an edit that keeps the tree as such', async () => {
    const root = mkdtempSync(join(tmpdir(), 'ridmap-golden-dt-'));
    const dir = join(root, 'arm');
    cpSync(join(GOLDEN_DIR, 'arm-smmuv3-its'), dir, { recursive: true });
    writeFileSync(join(dir, 'case.yaml'), `topology: ${join(TABLES_DIR, 'arm-smmuv3-its.yaml')}\n`);
    const stored = readFileSync(join(dir, 'board.dts'), 'utf8');
    expect(stored).toContain('iommu-map = <0x00 &smmu0 0x00 0x8000>;');

    writeFileSync(join(dir, 'board.dts'), stored.replace('iommu-map = <0x00 &smmu0 0x00 0x8000>;', 'iommu-map = <0x00 &smmu0 0x100 0x8000>;'));
    const moved = await runCli('golden', 'check', dir);
    expect(moved.code).toBe(1);
    expect(moved.stdout).toContain('  board.dts: changed\n    DT: 1 of ');
    expect(moved.stdout).toContain('      device nvme0 (01:00.0) output IDs on smmuv3@0x9050000 [0x200] → [0x100]');

    writeFileSync(join(dir, 'board.dts'), stored.replace('/ {', '/* reviewed */\n/ {'));
    const comment = await runCli('golden', 'check', dir);
    expect(comment.code).toBe(1);
    expect(comment.stdout).toContain('  board.dts: changed\n    the text changed with no semantic difference\n');
  });

  it('exits 2 for a directory that is not a case, or a case.yaml without a topology', async () => {
    const { dir } = scratchGolden();
    cpSync(join(dir, 'server'), join(dir, 'not-a-case'), { recursive: true, filter: (src) => !src.endsWith('case.yaml') });
    const run = await runCli('golden', 'check', dir);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('not-a-case has no case.yaml');
    writeFileSync(join(dir, 'server', 'case.yaml'), 'topologie: ../../server.yaml\n');
    const bad = await runCli('golden', 'check', join(dir, 'server'));
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('unknown key "topologie"');
  });
});
