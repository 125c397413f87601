/**
 * `export qemu` of RISC-V virt topologies (qemu-system-riscv64 -M virt), the
 * inverse of import qemu's RISC-V virt: the machine options a judge boot
 * uses (acpi=on for the RIMT, aia=aplic-imsic for MSIs), the IOMMU as
 * riscv-iommu-pci on its own function or as iommu-sys=on, and the round
 * trip (import qemu of the export gives the topology's map). QEMU itself
 * accepting these lines is test/interop/export-qemu-accepts.test.ts.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RIMT_FIXTURE_DIR } from '../fixtures/rimt/tables.js';
import { TABLES_DIR } from '../support/paths.js';
import { runCli } from '../support/run-cli.js';
import { expectSameMap, exportedArgv, importedFile, iommuSysFile, mapOf, RISCV_BRIDGES_TOPOLOGY, scratchDir, topologyFile } from './support.js';

const PCI_EXAMPLE = join(TABLES_DIR, 'riscv-virt-iommu-pci.yaml');

describe('export qemu: RISC-V virt', () => {
  it('tables/riscv-virt-iommu-pci.yaml: qemu-system-riscv64 -M virt,acpi=on,aia=aplic-imsic, the riscv-iommu-pci on its function', async () => {
    const argv = await exportedArgv(PCI_EXAMPLE);
    expect(argv).toEqual([
      'qemu-system-riscv64',
      '-M', 'virt,acpi=on,aia=aplic-imsic',
      '-nodefaults',
      '-device', 'pcie-root-port,id=rp1,chassis=1,slot=0,bus=pcie.0,addr=01.0',
      '-device', 'e1000e,id=nic0,bus=rp1,addr=00.0',
      '-device', 'riscv-iommu-pci,id=iommu-fn,bus=pcie.0,addr=03.0',
    ]);
    const back = await importedFile(scratchDir(), 'back', argv);
    expect(readFileSync(back, 'utf8')).toContain('  - id: riscv-iommu-pci\n    type: riscv-iommu-pci\n    device: iommu-fn\n    capabilities: { pasidBits: 0 }\n');
    expectSameMap(await mapOf(back), await mapOf(PCI_EXAMPLE));
  });

  it('warns that QEMU\'s own RIMT leaves the functions before the riscv-iommu-pci\'s RID untranslated (ridmap boot --tables qemu)', async () => {
    const r = await runCli('export', 'qemu', PCI_EXAMPLE);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(`${PCI_EXAMPLE}:iommus[0].device: warning [qemu-export-firmware-differs]: QEMU's own RIMT maps only the RIDs after its `
      + 'riscv-iommu-pci\'s (00:03.0), so Linux booted on QEMU\'s tables (ridmap boot --tables qemu) leaves gpex-root, rp1 untranslated');
    // The functions named are those ridmap check finds untranslated in the RIMT QEMU 11.1 wrote for this very machine.
    const check = await runCli('check', join(RIMT_FIXTURE_DIR, 'qemu-iommu-pci-addr3.dat'), '--topology', PCI_EXAMPLE, '--format', 'json');
    const { findings } = JSON.parse(check.stdout) as { findings: { code: string; message: string }[] };
    const untranslated = findings.filter((f) => f.code === 'map-device-untranslated').map((f) => f.message.split(' ')[0]);
    expect(r.stderr).toContain(`leaves ${untranslated.join(', ')} untranslated;`);
    // The platform IOMMU's mapping covers every RID: nothing to say.
    const sys = await runCli('export', 'qemu', iommuSysFile());
    expect(sys.code).toBe(0);
    expect(sys.stderr).not.toContain('qemu-export-firmware-differs');
  });

  it('a platform riscv-iommu at 0x3010000 is -M virt,iommu-sys=on; its interrupt wires are not carried (QEMU\'s RIMT has none)', async () => {
    const file = iommuSysFile((t) => ((t.iommus[0] as Record<string, unknown>)['interrupts'] = [{ gsiv: 32 }]));
    const r = await runCli('export', 'qemu', file, '--format', 'json');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain(':iommus[0].interrupts: warning [qemu-export-not-carried]: interrupts: QEMU\'s RIMT does not carry it');
    const argv = JSON.parse(r.stdout) as string[];
    expect(argv.slice(0, 3)).toEqual(['qemu-system-riscv64', '-M', 'virt,acpi=on,aia=aplic-imsic,iommu-sys=on']);
    const back = await importedFile(scratchDir(), 'back', argv);
    expect(readFileSync(back, 'utf8')).toMatch(/type: riscv-iommu, base: 0x3010000/);
    expectSameMap(await mapOf(back), await mapOf(iommuSysFile()));
  });

  it('a switch and a PCIe-to-PCI bridge below the riscv-iommu-pci round-trip to the same map (aliases to the bridge included)', async () => {
    const file = topologyFile(RISCV_BRIDGES_TOPOLOGY);
    const argv = await exportedArgv(file);
    expect(argv.filter((a) => /^(x3130-upstream|xio3130-downstream|pcie-pci-bridge),/.test(a))).toHaveLength(4);
    expectSameMap(await mapOf(await importedFile(scratchDir(), 'back', argv)), await mapOf(file));
  });

  it('a RISC-V virt without an IOMMU (known by its ECAM at 0x30000000) is exported as one', async () => {
    const file = iommuSysFile((t) => {
      delete (t as Record<string, unknown>)['iommus'];
      delete (t.hostBridges[0] as Record<string, unknown>)['iommu'];
    });
    const argv = await exportedArgv(file);
    expect(argv.slice(0, 3)).toEqual(['qemu-system-riscv64', '-M', 'virt,acpi=on,aia=aplic-imsic']);
    expectSameMap(await mapOf(await importedFile(scratchDir(), 'back', argv)), await mapOf(file));
  });

  it('import, export, import of a RISC-V command line gives the same map (QEMU\'s own names kept without id=)', async () => {
    const dir = scratchDir();
    const first = await importedFile(dir, 'first', ['qemu-system-riscv64', '-M', 'virt', '-device', 'pcie-root-port,id=rp1,chassis=1',
      '-device', 'virtio-net-pci,bus=rp1', '-device', 'riscv-iommu-pci']);
    const argv = await exportedArgv(first);
    expect(argv).toContain('riscv-iommu-pci,bus=pcie.0,addr=02.0');
    expectSameMap(await mapOf(await importedFile(dir, 'second', argv)), await mapOf(first));
  });

  it('refuses a RISC-V virt topology without the host bridge function QEMU builds in, naming the machine as users do', async () => {
    const file = iommuSysFile((t) => t.hostBridges[0].children.shift());
    const r = await runCli('export', 'qemu', file);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(':hostBridges[0].children: error [qemu-export-refused]: QEMU\'s RISC-V virt always has its gpex-root at 00:00.0');
  });

  it('--qemu-version older than 10.1 is refused for RISC-V virt (QEMU writes its RIMT from 10.1 on)', async () => {
    const old = await runCli('export', 'qemu', PCI_EXAMPLE, '--qemu-version', '9.2');
    expect(old.code).toBe(2);
    expect(old.stdout).toBe('');
    expect(old.stderr).toMatch(/--qemu-version 9\.2: the topology is a RISC-V virt machine, whose RIMT \(and iommu-sys\) QEMU writes from 10\.1 on/);
    expect((await runCli('export', 'qemu', PCI_EXAMPLE, '--qemu-version', '10.1')).code).toBe(0);
    expect((await runCli('export', 'qemu', '--help')).stdout.replace(/\s+/g, ' ')).toContain('(default and oldest: 7.2; RISC-V virt: 10.1)');
    // The q35 and Arm virt floor stays 7.2.
    expect((await runCli('export', 'qemu', join(TABLES_DIR, 'q35-vtd-pci-bridge.yaml'), '--qemu-version', '9.2')).code).toBe(0);
  });
});
