/** The YAML the importer writes: valid for ridmap, in the style of tables/*.yaml, with its comments. */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../support/paths.js';
import { runCli } from '../support/run-cli.js';
import { importQemu } from '../../src/import/qemu/import-qemu.js';
import { parseTopology } from '../../src/model/parse-topology.js';

const ARGV = [
  'qemu-system-x86_64', '-M', 'q35', '-device', 'intel-iommu,intremap=on',
  '-device', 'pcie-root-port,id=rp1,chassis=1,bus-reserve=2', '-device', "e1000e,id=nic0,bus=rp1,romfile=a file's.rom",
];

describe('imported YAML', () => {
  const r = importQemu(ARGV, { schemaRef: '../schema/topology.schema.json', name: 'my-vm' });

  it('parses back to the same topology', () => {
    expect(parseTopology(r.yaml, 'imported.yaml')).toEqual(r.topology);
    expect(r.topology.name).toBe('my-vm');
  });

  it('starts with the schema header and the command line, quoted for a shell', () => {
    const lines = r.yaml.split('\n');
    expect(lines[0]).toBe('# yaml-language-server: $schema=../schema/topology.schema.json');
    expect(r.yaml).toContain('# Imported by `ridmap import qemu` from:\n#  qemu-system-x86_64 -M q35 -device intel-iommu,intremap=on');
    expect(r.yaml).toContain(`'e1000e,id=nic0,bus=rp1,romfile=a file'\\''s.rom'`);
    expect(r.yaml).toContain("# hostAddressWidth 48: QEMU's aw-bits default for QEMU 11.1 (39 before 9.2, 48 from 9.2 on; give --qemu-version or --qemu for another release).");
  });

  it('writes leaves on one line, addresses and PCI IDs in hex, and says what the machine added by itself', () => {
    expect(r.yaml).toContain('  - id: intel-iommu\n    type: vtd\n    base: 0xfed90000\n    capabilities:\n      pageTableFormats: [ vtd-sl ]\n');
    expect(r.yaml).toContain(
      '      - { id: mch@pcie.0:00.0, type: rciep, addr: "00.0", model: mch, vendorId: 0x8086, deviceId: 0x29c0 } # built into the machine',
    );
    expect(r.yaml).toMatch(/e1000e@pcie\.0:02\.0.* # the default NIC \(-nic none or -nodefaults removes it\)/);
    expect(r.yaml).toMatch(/VGA@pcie\.0:01\.0.* # the default display/);
    expect(r.yaml).toContain('        reserveBuses: 2');
  });

  it('points the schema header at the schema\'s $id by default', () => {
    expect(importQemu(['-M', 'virt']).yaml).toMatch(/^# yaml-language-server: \$schema=https:\/\/ridmap\.invalid\/topology\.schema\.json\n/);
  });

  it('from the CLI on stdout, points at the schema file ridmap ships, relative to the current directory', async () => {
    const run = await runCli('import', 'qemu', '--', '-M', 'virt');
    const ref = schemaHeader(run.stdout);
    expect(isAbsolute(ref)).toBe(false);
    expect(resolve(process.cwd(), ref)).toBe(SHIPPED_SCHEMA);
  });

  it('with -o FILE, writes the file and points at the schema relative to it', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'ridmap-import-')), 'tables', 'virt.yaml');
    const run = await runCli('import', 'qemu', '-o', out, '--', '-M', 'virt');
    expect(run.code).toBe(0);
    expect(run.stdout).toBe('');
    const yaml = readFileSync(out, 'utf8');
    const ref = schemaHeader(yaml);
    expect(isAbsolute(ref)).toBe(false);
    expect(resolve(dirname(out), ref)).toBe(SHIPPED_SCHEMA);
    expect(parseTopology(yaml, out).name).toBe('qemu-virt');
  });

  // The bin is bundled into dist/bin/: a fixed `../../../schema` from there was one level above the package.
  const bin = join(REPO_ROOT, 'dist/bin/ridmap.js');
  it.skipIf(!existsSync(bin))('from the installed bin, the header names the schema file too (stdout and -o)', () => {
    const cwd = mkdtempSync(join(tmpdir(), 'ridmap-import-bin-'));
    const stdout = spawnSync(process.execPath, [bin, 'import', 'qemu', '--', '-M', 'q35'], { cwd, encoding: 'utf8' });
    expect(stdout.status).toBe(0);
    expect(resolve(cwd, schemaHeader(stdout.stdout))).toBe(SHIPPED_SCHEMA);
    const file = spawnSync(process.execPath, [bin, 'import', 'qemu', '-o', 'sub/q35.yaml', '--', '-M', 'q35'], { cwd, encoding: 'utf8' });
    expect(file.status).toBe(0);
    expect(resolve(cwd, 'sub', schemaHeader(readFileSync(join(cwd, 'sub/q35.yaml'), 'utf8')))).toBe(SHIPPED_SCHEMA);
  });
});

const SHIPPED_SCHEMA = join(REPO_ROOT, 'schema', 'topology.schema.json');

function schemaHeader(yaml: string): string {
  const ref = /^# yaml-language-server: \$schema=(.*)$/m.exec(yaml)?.[1];
  expect(ref).toBeDefined();
  return ref!;
}
