/**
 * The contract of `ridmap export qemu` (DESIGN.md): import qemu of the
 * command line it prints gives the same map. Through the CLI, for every
 * example in tables/ that QEMU can express and for every command line of
 * the QEMU interop suite (import, export, import again); the examples QEMU
 * cannot express are refused, each with its reasons.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { SCENARIOS } from '../interop/scenarios.js';
import { TABLES_DIR } from '../support/paths.js';
import { runCli } from '../support/run-cli.js';
import { expectedExportable, expectSameMap, exportedArgv, importedFile, mapOf, scratchDir } from './support.js';

const EXPORTABLE = expectedExportable();
/** The examples QEMU cannot express, and the reasons (paths) their refusal must give. */
const REFUSED: Record<string, string[]> = {
  'arm-smmuv3-its.yaml': ['platformDevices[0]', 'hostBridges[1]'],
  'bridge-behind-bridge.yaml': ['iommus[0].base', 'hpets[0]', 'hostBridges[0].children[3].children[0].dmaAliases'],
  'q35-vtd-per-pxb.yaml': ['iommus[1]', 'iommus[2]'],
  'x86-server-dmar.yaml': ['iommus[1]', 'acpiDevices[0]', 'hostBridges[0].children[3].reservedMemory'],
  // Two platform IOMMUs, a second segment (RISC-V virt has one root bus), a platform device, no gpex-root at 00.0.
  'riscv-server-rimt.yaml': ['iommus[1]', 'hostBridges[1]', 'platformDevices[0]', 'hostBridges[0].children'],
};

describe('export qemu round trip', () => {
  it('covers every example in tables/', () => {
    expect(readdirSync(TABLES_DIR).filter((f) => f.endsWith('.yaml')).sort()).toEqual([...EXPORTABLE, ...Object.keys(REFUSED)].sort());
  });

  for (const example of EXPORTABLE) {
    it(`${example}: import qemu of the export gives the same map`, async () => {
      const file = join(TABLES_DIR, example);
      const argv = await exportedArgv(file);
      const back = await importedFile(scratchDir(), 'back', argv);
      expectSameMap(await mapOf(back), await mapOf(file));
    });
  }

  for (const [example, paths] of Object.entries(REFUSED)) {
    it(`${example}: refused, with the reasons`, async () => {
      const r = await runCli('export', 'qemu', join(TABLES_DIR, example));
      expect(r.code).toBe(2);
      expect(r.stdout).toBe('');
      for (const path of paths) expect(r.stderr).toContain(`${example}:${path}: error [qemu-export-refused]`);
    });
  }

  for (const s of SCENARIOS) {
    it(`interop ${s.name}: import, export, import gives the same map`, async () => {
      const dir = scratchDir();
      const first = await importedFile(dir, 'first', s.argv);
      const argv = await exportedArgv(first);
      const second = await importedFile(dir, 'second', argv);
      expectSameMap(await mapOf(second), await mapOf(first));
    });
  }

  it('prints the text form one option a line, as a shell reads it back', async () => {
    const file = join(TABLES_DIR, 'q35-vtd-pci-bridge.yaml');
    const text = await runCli('export', 'qemu', file);
    expect(text.code).toBe(0);
    const lines = text.stdout.trimEnd().split('\n');
    expect(lines[0]).toBe('qemu-system-x86_64 \\');
    expect(lines.slice(0, -1).every((l) => l.endsWith(' \\'))).toBe(true);
    expect(lines.at(-1)).not.toMatch(/\\$/);
    // The words are plain (no quoting needed): splitting on blanks gives the JSON form.
    const words = lines.flatMap((l) => l.replace(/ \\$/, '').trim().split(/ +/));
    expect(words).toEqual(await exportedArgv(file));
    expect(lines).toContain('  -device nvme,id=nvme0,serial=nvme0,bus=rp1,addr=00.0 \\');
  });

  it('keeps its notes on the built-in functions for -v, as every command keeps info lines, and always shows warnings', async () => {
    const file = join(TABLES_DIR, 'q35-vtd-pci-bridge.yaml');
    const plain = await runCli('export', 'qemu', file);
    expect(plain.code).toBe(0);
    expect(plain.stderr).not.toContain('[qemu-export-builtin]');
    expect(plain.stderr).toContain('warning [qemu-export-not-carried]');
    const verbose = await runCli('export', 'qemu', file, '-v');
    expect(verbose.stderr).toMatch(/hostBridges\[0\]\.children\[0\]: info \[qemu-export-builtin\]: mch is QEMU's built-in mch/);
    expect(verbose.stdout).toBe(plain.stdout);
  });

  it('writes the file given by -o', async () => {
    const out = join(scratchDir(), 'q35.argv.json');
    const r = await runCli('export', 'qemu', join(TABLES_DIR, 'q35-vtd-pci-bridge.yaml'), '--format', 'json', '-o', out);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('');
    expect(JSON.parse(readFileSync(out, 'utf8'))[0]).toBe('qemu-system-x86_64');
  });

  it('writes addr= as QEMU reads it whatever the topology\'s spelling (2.0, 1F.2), with multifunction=on on a shared slot', async () => {
    const t = parse(readFileSync(join(TABLES_DIR, 'q35-vtd-pci-bridge.yaml'), 'utf8'));
    const at = (id: string) => t.hostBridges[0].children.find((c: { id: string }) => c.id === id);
    at('rp1').addr = '2.0';
    at('rp2').addr = '2.1';
    at('sata').addr = '1F.2';
    at('smbus').addr = '1F.3';
    const file = join(scratchDir(), 'spelled.yaml');
    writeFileSync(file, stringify(t));
    const argv = await exportedArgv(file);
    expect(argv.find((a) => a.startsWith('pcie-root-port,id=rp1'))).toMatch(/,addr=02\.0,multifunction=on$/);
    expect(argv).toContain('ich9-ahci,id=sata,bus=pcie.0,addr=1f.2');
    expectSameMap(await mapOf(await importedFile(scratchDir(), 'back', argv)), await mapOf(file));
  });

  it('--help says what is refused', async () => {
    const r = await runCli('export', 'qemu', '--help');
    expect(r.stdout).toMatch(/Refused \(exit 2, each item with its path\)/);
    expect(r.stdout).toMatch(/Not carried \(warnings\)/);
  });
});
