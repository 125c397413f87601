/**
 * Every error the importer raises, each naming the argument that caused it
 * (argv index and text), and the CLI turning them into exit 2. Where QEMU
 * itself refuses the command line, its message is quoted in the comment.
 */
import { describe, expect, it } from 'vitest';
import { QEMU_IMPORT_CODES } from '../../src/import/qemu/problems.js';
import { runCli } from '../support/run-cli.js';
import { expectImportError, imported } from './support.js';

interface Case {
  what: string;
  argv: string[];
  /** argv index of the argument the error names; undefined when no single argument is to blame. */
  index?: number;
  message?: RegExp;
}

const Q35 = ['-M', 'q35', '-nodefaults'];
const VIRT = ['-M', 'virt', '-nodefaults'];
const RISCV = ['qemu-system-riscv64', '-M', 'virt', '-nodefaults'];
const thirtyDevices = Array.from({ length: 30 }, () => ['-device', 'e1000']).flat();

const CASES: Record<string, Case[]> = {
  'qemu-usage': [
    { what: 'an option without its value', argv: ['-M', 'q35', '-device'], index: 2 },
    { what: 'nothing to import', argv: [] },
  ],
  'qemu-bad-value': [
    { what: 'a slot above 0x1f ("Property \'e1000.addr\' doesn\'t take value \'0x20\'")', argv: [...Q35, '-device', 'e1000,addr=0x20'], index: 3 },
    { what: 'a function above 7', argv: [...Q35, '-device', 'e1000,addr=3.8'], index: 3 },
    { what: 'a boolean that is not one', argv: [...Q35, '-device', 'e1000,addr=3,multifunction=maybe'], index: 3 },
    { what: 'bus_nr above 255 ("Parameter \'bus_nr\' expects uint8_t")', argv: [...Q35, '-device', 'pxb-pcie,id=p,bus_nr=300'], index: 3 },
    { what: 'an id QEMU does not take', argv: [...Q35, '-device', 'e1000,id=1st'], index: 3 },
    { what: 'broken JSON', argv: [...Q35, '-device', '{"driver": "e1000",'], index: 3 },
    { what: 'a -device without driver', argv: [...Q35, '-device', 'id=x'], index: 3 },
    { what: 'an unknown -vga type', argv: ['-M', 'q35', '-vga', 'rainbow'], index: 2 },
    { what: 'a bad gic-version', argv: ['-M', 'virt,gic-version=5'], index: 0 },
    { what: 'a bad kernel-irqchip', argv: ['-M', 'q35,kernel-irqchip=maybe'], index: 0 },
    { what: 'bus-reserve above 255', argv: [...Q35, '-device', 'pcie-root-port,bus-reserve=256'], index: 3 },
  ],
  'qemu-unsupported-machine': [
    { what: 'no machine on Arm ("No machine specified")', argv: ['qemu-system-aarch64', '-nodefaults'] },
    { what: 'microvm', argv: ['-machine', 'microvm'], index: 0 },
  ],
  'qemu-unsupported-device': [
    { what: 'amd-iommu on virt ("\'amd-iommu\' is not a valid device model name")', argv: [...VIRT, '-device', 'amd-iommu'], index: 3 },
    { what: 'intel-iommu on virt ("\'intel-iommu\' is not a valid device model name")', argv: [...VIRT, '-device', 'intel-iommu'], index: 3 },
    { what: 'intel-iommu on pc (QEMU 7.2: "expects a dynamic sysbus device type for the machine")', argv: ['-M', 'pc', '-device', 'intel-iommu'], index: 2 },
    { what: 'amd-iommu on pc (no -M: QEMU\'s default machine)', argv: ['-nodefaults', '-device', 'amd-iommu'], index: 1 },
    { what: 'arm-smmuv3 on q35 ("\'arm-smmuv3\' is not a valid device model name")', argv: [...Q35, '-device', 'arm-smmuv3,primary-bus=pcie.0'], index: 3 },
    { what: 'arm-smmuv3 beside a TPM on virt\'s platform bus (its allocation is not followed)', argv: [...VIRT, '-device', 'tpm-tis-device,tpmdev=t', '-device', 'arm-smmuv3,primary-bus=pcie.0'], index: 3 },
    { what: 'pxb-pcie on RISC-V virt ("\'pxb-pcie\' is not a valid device model name")', argv: [...RISCV, '-device', 'pxb-pcie,id=p,bus_nr=8'], index: 4 },
    {
      // QEMU builds it, but its RIMT and DT name the B/D/F it had when plugged (bus 0): tables for another machine.
      what: 'a riscv-iommu-pci behind a root port',
      argv: [...RISCV, '-device', 'pcie-root-port,id=r,chassis=1', '-device', 'riscv-iommu-pci,bus=r'],
      index: 6,
      message: /before the firmware numbers the buses, so its RIMT and DT name 00:00\.0/,
    },
  ],
  'qemu-duplicate-id': [{ what: 'two devices with one id ("Duplicate ID")', argv: [...Q35, '-device', 'e1000,id=a', '-device', 'rtl8139,id=a'], index: 5 }],
  'qemu-unknown-bus': [
    { what: 'a bus that does not exist ("Bus \'nope\' not found")', argv: [...Q35, '-device', 'e1000,bus=nope'], index: 3 },
    { what: 'a PCI device on a SCSI bus', argv: [...Q35, '-device', 'virtio-scsi-pci,id=s', '-device', 'e1000,bus=s.0'], index: 5 },
    { what: 'arm-smmuv3 naming a pxb-pcie created after it ("Device \'p\' not found")', argv: [...VIRT, '-device', 'arm-smmuv3,primary-bus=p', '-device', 'pxb-pcie,id=p,bus_nr=8'], index: 3, message: /Device 'p' not found/ },
  ],
  'qemu-devfn-taken': [
    { what: 'the default NIC\'s slot ("slot 2 function 0 not available ... in use by e1000e")', argv: ['-M', 'q35', '-device', 'pcie-root-port,addr=02.0'], index: 2 },
    { what: 'one devfn twice', argv: [...Q35, '-device', 'e1000,addr=3', '-device', 'rtl8139,addr=03.0'], index: 5 },
    { what: 'a built-in\'s devfn', argv: [...Q35, '-device', 'e1000,addr=1f.2'], index: 3 },
  ],
  'qemu-bus-full': [{ what: 'a 31st device on q35\'s root bus', argv: [...Q35, ...thirtyDevices, '-device', 'rtl8139'], index: 63 }],
  'qemu-multifunction': [
    { what: 'a function beside a single-function 0 ("single function device can\'t be populated in function 3.1")', argv: [...Q35, '-device', 'e1000,addr=3', '-device', 'e1000,addr=3.1'], index: 5 },
    { what: 'a single-function 0 beside functions ("3.0 indicates single function, but 3.1 is already populated")', argv: [...Q35, '-device', 'e1000,addr=3.1', '-device', 'e1000,addr=3'], index: 5 },
    { what: 'auto-placement into a slot that has a function 1', argv: [...Q35, '-device', 'e1000,addr=1.1', '-device', 'e1000'], index: 5 },
  ],
  'qemu-placement': [
    { what: 'an endpoint on pxb-pcie ("Only PCI/PCIe bridges can be plugged into pxb-pcie")', argv: [...Q35, '-device', 'pxb-pcie,id=p,bus_nr=8', '-device', 'e1000,bus=p'], index: 5 },
    { what: 'an endpoint that lands on pxb-pcie for want of bus=', argv: [...Q35, '-device', 'pxb-pcie,id=p,bus_nr=8', '-device', 'e1000'], index: 5, message: /without bus=/ },
    { what: 'a PCIe-only device on a conventional bus', argv: [...Q35, '-device', 'pci-bridge,id=b,chassis_nr=1', '-device', 'e1000e,bus=b'], index: 5 },
    { what: 'a root port behind a bridge', argv: [...Q35, '-device', 'pci-bridge,id=b,chassis_nr=1', '-device', 'pcie-root-port,bus=b,addr=1'], index: 5 },
    { what: 'a root port below a root port', argv: [...Q35, '-device', 'pcie-root-port,id=r,chassis=1', '-device', 'pcie-root-port,bus=r,chassis=2'], index: 5 },
    { what: 'a switch upstream port on the root bus', argv: [...Q35, '-device', 'x3130-upstream,id=u'], index: 3 },
    { what: 'an endpoint on a switch\'s internal bus', argv: [...Q35, '-device', 'pcie-root-port,id=r,chassis=1', '-device', 'x3130-upstream,id=u,bus=r', '-device', 'e1000e,bus=u'], index: 7 },
    { what: 'a downstream port outside a switch', argv: [...Q35, '-device', 'pcie-root-port,id=r,chassis=1', '-device', 'xio3130-downstream,bus=r,chassis=2'], index: 5 },
    { what: 'a conventional bridge below a PCIe port', argv: [...Q35, '-device', 'pcie-root-port,id=r,chassis=1', '-device', 'pci-bridge,bus=r,chassis_nr=1'], index: 5 },
    { what: 'a PCIe-to-PCI bridge on a conventional bus', argv: [...Q35, '-device', 'pci-bridge,id=b,chassis_nr=1', '-device', 'pcie-pci-bridge,bus=b'], index: 5 },
    { what: 'an expander off the root bus ("PXB devices can be attached only to root bus")', argv: [...Q35, '-device', 'pcie-root-port,id=r,chassis=1', '-device', 'pxb-pcie,bus=r,bus_nr=8'], index: 5 },
    { what: 'pxb-pcie on pc ("pxb-pcie devices cannot reside on a PCI bus")', argv: ['-M', 'pc', '-device', 'pxb-pcie,id=p,bus_nr=8'], index: 2 },
    { what: 'a pxb on pc (its own PCI-to-PCI bridge is not modelled yet)', argv: ['-M', 'pc', '-device', 'pxb,id=p,bus_nr=8'], index: 2, message: /a PCI-to-PCI bridge of its own/ },
    { what: 'a conventional pxb on q35 ("pxb devices cannot reside on a PCIe bus")', argv: [...Q35, '-device', 'pxb,id=p,bus_nr=8', '-device', 'e1000,bus=p'], index: 3 },
  ],
  'qemu-chassis-slot': [
    { what: 'two root ports on the default chassis 0 slot 0 ("Can\'t add chassis slot, error -16")', argv: [...Q35, '-device', 'pcie-root-port', '-device', 'pcie-root-port'], index: 5 },
    { what: 'two downstream ports on one chassis and slot', argv: [...Q35, '-device', 'pcie-root-port,id=r,chassis=1', '-device', 'x3130-upstream,id=u,bus=r', '-device', 'xio3130-downstream,bus=u,chassis=2', '-device', 'xio3130-downstream,bus=u,chassis=2'], index: 9 },
    { what: 'a pci-bridge without chassis_nr ("Bridge chassis not specified")', argv: [...Q35, '-device', 'pci-bridge'], index: 3 },
  ],
  'qemu-multiple-iommus': [
    { what: 'two intel-iommu ("does not support multiple vIOMMUs")', argv: [...Q35, '-device', 'intel-iommu', '-device', 'intel-iommu'], index: 5 },
    { what: 'intel-iommu and virtio-iommu-pci', argv: [...Q35, '-device', 'intel-iommu', '-device', 'virtio-iommu-pci'], index: 5 },
    { what: 'iommu=smmuv3 and virtio-iommu-pci ("virt machine does not support multiple IOMMUs")', argv: ['-M', 'virt,iommu=smmuv3', '-device', 'virtio-iommu-pci'], index: 2 },
    { what: 'iommu=smmuv3 and arm-smmuv3', argv: ['-M', 'virt,iommu=smmuv3', '-device', 'arm-smmuv3,primary-bus=pcie.0'], index: 2, message: /virt machine already has iommu=smmuv3 set/ },
    { what: 'virtio-iommu-pci, then arm-smmuv3', argv: [...VIRT, '-device', 'virtio-iommu-pci', '-device', 'arm-smmuv3,primary-bus=pcie.0'], index: 5, message: /already has virtio-iommu set/ },
    { what: 'arm-smmuv3, then virtio-iommu-pci (QEMU 11.1 takes it; two kinds would claim the buses)', argv: [...VIRT, '-device', 'arm-smmuv3,primary-bus=pcie.0', '-device', 'virtio-iommu-pci'], index: 5, message: /its IORT and VIOT then both claim the same devices/ },
    { what: 'two arm-smmuv3 on one root complex', argv: [...VIRT, '-device', 'arm-smmuv3,primary-bus=pcie.0', '-device', 'arm-smmuv3,primary-bus=pcie.0'], index: 5, message: /An iommu is already attached to this bus/ },
  ],
  'qemu-expander': [
    { what: 'a pxb-pcie without bus_nr', argv: [...Q35, '-device', 'pxb-pcie,id=p'], index: 3 },
    { what: 'two expanders with one bus_nr', argv: [...Q35, '-device', 'pxb-pcie,id=p,bus_nr=8', '-device', 'pxb-pcie,id=q,bus=pcie.0,bus_nr=8'], index: 5 },
    { what: 'a NUMA node that does not exist ("Illegal numa node 1")', argv: [...Q35, '-device', 'pxb-pcie,id=p,bus_nr=8,numa_node=1'], index: 3 },
  ],
  'qemu-iommu-option': [
    { what: 'aw-bits QEMU does not support', argv: [...Q35, '-device', 'intel-iommu,aw-bits=40'], index: 3 },
    { what: 'intremap=on with KVM\'s in-kernel irqchip ("Intel Interrupt Remapping cannot work with kernel-irqchip=on")', argv: [...Q35, '-enable-kvm', '-device', 'intel-iommu,intremap=on'], index: 4 },
    { what: 'an iommu= virt does not know ("Invalid iommu value")', argv: ['-M', 'virt,iommu=virtio'], index: 0 },
    { what: 'iommu= on q35', argv: ['-M', 'q35,iommu=smmuv3'], index: 0 },
    { what: 'arm-smmuv3 without primary-bus', argv: [...VIRT, '-device', 'arm-smmuv3'], index: 3, message: /SMMU is not attached to any PCI bus!/ },
    { what: 'arm-smmuv3 on a root port\'s bus', argv: [...VIRT, '-device', 'pcie-root-port,id=r,chassis=1', '-device', 'arm-smmuv3,primary-bus=r'], index: 5, message: /default PCIe root complex\(pcie\.0\) or a pxb-pcie based root complex/ },
    { what: 'arm-smmuv3 on a bypassed pxb-pcie', argv: [...VIRT, '-device', 'pxb-pcie,id=p,bus_nr=8,bypass_iommu=on', '-device', 'arm-smmuv3,primary-bus=p'], index: 5, message: /Bypass option cannot be set for SMMUv3 associated PCIe RC/ },
    { what: 'arm-smmuv3 on pcie.0 with default_bus_bypass_iommu', argv: ['-M', 'virt,default_bus_bypass_iommu=on', '-device', 'arm-smmuv3,primary-bus=pcie.0'], index: 2, message: /Bypass option cannot be set/ },
    { what: 'arm-smmuv3 accel=on under TCG', argv: [...VIRT, '-device', 'arm-smmuv3,primary-bus=pcie.0,accel=on'], index: 3, message: /accel=on requires KVM with kernel-irqchip=on/ },
    { what: 'arm-smmuv3 oas=48 without accel', argv: [...VIRT, '-device', 'arm-smmuv3,primary-bus=pcie.0,oas=48'], index: 3, message: /oas must be 44 bits when accel=off/ },
    { what: 'arm-smmuv3 ssidsize without accel', argv: [...VIRT, '-device', 'arm-smmuv3,primary-bus=pcie.0,ssidsize=20'], index: 3, message: /ssidsize can only be greater than 0 bits if accel=on/ },
    { what: 'arm-smmuv3 ats=on without accel', argv: [...VIRT, '-device', 'arm-smmuv3,primary-bus=pcie.0,ats=on'], index: 3, message: /ats can only be enabled if accel=on/ },
    { what: 'arm-smmuv3 ril=off without accel', argv: [...VIRT, '-device', 'arm-smmuv3,primary-bus=pcie.0,ril=off'], index: 3, message: /ril can only be disabled if accel=on/ },
    { what: 'arm-smmuv3 cmdqv=on without accel', argv: [...VIRT, '-device', 'arm-smmuv3,primary-bus=pcie.0,cmdqv=on'], index: 3, message: /cmdqv can only be enabled if accel=on/ },
    { what: 'default-bus-bypass-iommu on RISC-V virt ("Property \'virt-machine.default-bus-bypass-iommu\' not found")', argv: ['qemu-system-riscv64', '-M', 'virt,default-bus-bypass-iommu=on', '-device', 'riscv-iommu-pci'], index: 1 },
  ],
  'qemu-topology': [
    { what: 'a slot without function 0', argv: [...Q35, '-device', 'e1000,addr=3.1'], index: 3, message: /missing-function-0/ },
    { what: 'device 1 below a root port (QEMU allows it; Linux never scans it)', argv: [...Q35, '-device', 'pcie-root-port,id=r,chassis=1', '-device', 'e1000e,bus=r,addr=1'], index: 5, message: /link-device-not-zero/ },
    { what: 'root-bus devices needing buses past the next expander\'s bus_nr', argv: [...Q35, '-device', 'pxb-pcie,id=p,bus_nr=2,bus=pcie.0', '-device', 'pcie-root-port,id=r1,chassis=1,bus=pcie.0', '-device', 'pcie-root-port,id=r2,chassis=2,bus=pcie.0'], index: 0, message: /bus-range-exhausted/ },
  ],
};

describe('import errors', () => {
  for (const [code, cases] of Object.entries(CASES)) {
    for (const c of cases) {
      it(`${code}: ${c.what}`, () => {
        const d = expectImportError(c.argv, code, c.index);
        if (c.message) expect(d.message).toMatch(c.message);
        if (c.index === undefined) expect(d.path).toBeUndefined();
      });
    }
  }

  it('counts argument positions with a leading binary as argv[0]', () => {
    expectImportError(['qemu-system-x86_64', '-M', 'q35', '-device', 'e1000,bus=nope'], 'qemu-unknown-bus', 3);
  });

  it('has a case for every error code', () => {
    const warnings = ['qemu-acpi-only', 'qemu-ignored', 'qemu-unknown-device', 'qemu-unknown-option'];
    expect(Object.keys(CASES).sort()).toEqual(Object.keys(QEMU_IMPORT_CODES).filter((c) => !warnings.includes(c)).sort());
  });

  it('raises every warning code without failing', () => {
    const r = imported('-M', 'virt', '-nodefaults', '-frob', 'x', '-device', 'acme-pci', '-device', 'usb-kbd', '-device', 'pxb-pcie,id=px,bus_nr=8');
    expect(r.diagnostics.map((d) => d.code).sort()).toEqual(['qemu-acpi-only', 'qemu-ignored', 'qemu-unknown-device', 'qemu-unknown-option']);
  });
});

describe('the CLI', () => {
  it('exits 2 with the error naming the argument, and prints nothing on stdout', async () => {
    const run = await runCli('import', 'qemu', '--', '-M', 'q35', '-device', 'e1000,bus=nope');
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toBe(
      'qemu:argv[2]: error [qemu-unknown-bus]: `-device e1000,bus=nope`: bus "nope" is not a PCI bus of this machine (its PCI buses: pcie.0)\n',
    );
  });

  it('exits 0 with warnings on stderr and the topology on stdout', async () => {
    const run = await runCli('import', 'qemu', '--schema', 'x.json', '--', '-M', 'virt', '-device', 'usb-kbd');
    expect(run.code).toBe(0);
    expect(run.stderr).toContain('warning [qemu-ignored]');
    expect(run.stdout.startsWith('# yaml-language-server: $schema=x.json\n')).toBe(true);
  });

  it('refuses a RISC-V virt riscv-iommu-pci behind a root port, whose B/D/F QEMU\'s own tables get wrong (exit 2)', async () => {
    const run = await runCli('import', 'qemu', '--', 'qemu-system-riscv64', '-M', 'virt', '-device', 'pcie-root-port,id=r,chassis=1', '-device', 'riscv-iommu-pci,bus=r');
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(/^qemu:argv\[5\]: error \[qemu-unsupported-device\]: `-device riscv-iommu-pci,bus=r`: riscv-iommu-pci behind a bridge: .*plug it into pcie\.0\n$/);
  });

  it('says that QEMU options go after --', async () => {
    const run = await runCli('import', 'qemu', '-M', 'q35');
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("unknown option '-M'");
    expect(run.stderr).toContain('QEMU options go after --');
  });
});
