import { describe, expect, it } from 'vitest';
import type { Diagnostic } from '../../src/diagnostic.js';
import type { Topology } from '../../src/model/topology-schema.js';
import { topologyWithDefaults, validateTopology } from '../../src/model/validate-topology.js';

/** A q35-like machine: pcie.0 behind a VT-d unit, root ports, a PCIe-to-PCI bridge with conventional devices. */
function q35(): Topology {
  return {
    name: 'q35',
    iommus: [{ id: 'dmar0', type: 'vtd', base: 0xfed90000 }],
    hostBridges: [
      {
        id: 'pcie.0',
        iommu: 'dmar0',
        children: [
          { id: 'vga', type: 'rciep', addr: '01.0' },
          {
            id: 'rp1',
            type: 'pcie-root-port',
            addr: '02.0',
            children: [{ id: 'nic0', type: 'pcie-endpoint', addr: '00.0' }],
          },
          {
            id: 'rp2',
            type: 'pcie-root-port',
            addr: '02.1',
            children: [
              {
                id: 'pcipci',
                type: 'pcie-pci-bridge',
                addr: '00.0',
                children: [
                  { id: 'e1000', type: 'pci-endpoint', addr: '01.0' },
                  { id: 'lsi', type: 'pci-endpoint', addr: '02.0' },
                ],
              },
            ],
          },
        ],
      },
    ],
  };
}

/** An Arm virt-like machine: SMMUv3, GIC ITS, a switch below a root port. */
function armVirt(): Topology {
  return {
    name: 'arm-virt',
    iommus: [{ id: 'smmu0', type: 'smmuv3', base: 0x9050000, msiController: 'its0' }],
    msiControllers: [{ id: 'its0', type: 'its', itsIds: [0] }],
    hostBridges: [
      {
        id: 'pcie.0',
        iommu: 'smmu0',
        msiController: 'its0',
        children: [
          {
            id: 'rp0',
            type: 'pcie-root-port',
            addr: '01.0',
            children: [
              {
                id: 'usp',
                type: 'pcie-switch-upstream-port',
                addr: '00.0',
                children: [
                  {
                    id: 'dsp0',
                    type: 'pcie-switch-downstream-port',
                    addr: '00.0',
                    children: [{ id: 'nvme0', type: 'pcie-endpoint', addr: '00.0', streamIdBase: 0x800 }],
                  },
                ],
              },
            ],
          },
        ],
      },
    ],
    platformDevices: [{ id: 'eth0', base: 0x9000000, iommu: 'smmu0', streamIds: [0x10000] }],
  };
}

type Json = Record<string, unknown>;
const pcie0 = (t: Topology) => t.hostBridges![0]!;
const summary = (ds: Diagnostic[]) => ds.map((d) => `${d.code} ${d.path}`);

describe('valid documents', () => {
  it('accepts a q35-like and an Arm-like topology', () => {
    expect(validateTopology(q35())).toEqual([]);
    expect(validateTopology(armVirt())).toEqual([]);
  });

  it('does not modify its input when filling defaults', () => {
    const doc = { name: 'x', hostBridges: [{ id: 'pcie.0' }] };
    expect(validateTopology(doc)).toEqual([]);
    expect(doc.hostBridges[0]).toEqual({ id: 'pcie.0' });
    expect(topologyWithDefaults(doc)).toEqual({ name: 'x', hostBridges: [{ id: 'pcie.0', children: [] }] });
  });
});

describe('schema layer', () => {
  it('rejects a document that is not an object', () => {
    expect(validateTopology([1, 2])).toEqual([
      { severity: 'error', code: 'bad-type', path: '', message: 'expected an object but found a list of 2 item(s)' },
    ]);
  });

  it('discriminates IOMMUs on type and reports only the chosen member', () => {
    const t = q35();
    (t.iommus![0] as unknown as Json)['registerSetSize'] = 99;
    (t.iommus![0] as unknown as Json)['colour'] = 'blue';
    expect(validateTopology(t).map((d) => [d.code, d.path, d.message])).toEqual([
      ['unknown-property', 'iommus[0].colour', expect.stringContaining('unknown property "colour"; allowed: id, capabilities')],
      ['out-of-range', 'iommus[0].registerSetSize', 'expected an integer from 0 to 15 but found 99'],
    ]);
  });

  it('names the IOMMU types when type is missing or wrong', () => {
    const t = q35();
    t.iommus = [{ id: 'a', base: 1 } as never, { id: 'b', type: 'smmu-v3', base: 2 } as never];
    expect(validateTopology(t).map((d) => [d.code, d.path, d.message])).toEqual([
      ['missing-property', 'iommus[0].type', 'missing required property "type" (one of vtd, smmuv3, smmuv2, virtio-iommu-pci, virtio-iommu-mmio, amd-vi, riscv-iommu, riscv-iommu-pci)'],
      [
        'bad-enum',
        'iommus[1].type',
        'expected one of vtd, smmuv3, smmuv2, virtio-iommu-pci, virtio-iommu-mmio, amd-vi, riscv-iommu, riscv-iommu-pci but found "smmu-v3" (did you mean "smmuv3"?)',
      ],
    ]);
  });

  it('reports a missing property once, not also as a type error', () => {
    const t = q35();
    delete (pcie0(t).children[0] as Partial<Json>)['addr'];
    expect(summary(validateTopology(t))).toEqual(['missing-property hostBridges[0].children[0].addr']);
  });

  it('explains devfn mistakes', () => {
    const t = q35();
    pcie0(t).children[1]!.addr = '2.8';
    pcie0(t).children[2]!.addr = 'slot2';
    // A number (JSON, the library API) is never a devfn; without its spelling the advice reads it as the device.
    (pcie0(t).children[1]!.children![0] as { addr: unknown }).addr = 10;
    expect(validateTopology(t).map((d) => [d.code, d.message])).toEqual([
      ['bad-devfn', 'function 8 is out of range: a PCI device has functions 0-7'],
      ['bad-addr', 'expected "dd.f" (device.function in hex, as lspci prints it, quoted), but found the number 10: quote it: "0a.0"'],
      ['bad-addr', 'expected "dd.f" (device.function in hex, as lspci prints it, quoted), but found "slot2"'],
    ]);
  });

  it('reports malformed dmaAliases entries as bad-alias', () => {
    const t = q35();
    pcie0(t).children[0]!.dmaAliases = ['zz', '1.9'];
    expect(summary(validateTopology(t))).toEqual([
      'bad-alias hostBridges[0].children[0].dmaAliases[0]',
      'bad-alias hostBridges[0].children[0].dmaAliases[1]',
    ]);
  });

  it('explains address mistakes', () => {
    const t = armVirt();
    const smmu = t.iommus![0] as unknown as Json;
    smmu['base'] = '9050000';
    smmu['vatos'] = -1;
    expect(validateTopology(t).map((d) => [d.code, d.message])).toEqual([
      ['bad-format', 'expected an integer or a hex string such as "0x8000000000" but found "9050000"'],
      ['out-of-range', 'an address cannot be negative (found -1)'],
    ]);
  });

  it('describes wrong value kinds in YAML terms', () => {
    const t = q35() as unknown as Json;
    t['hostBridges'] = { id: 'pcie.0' };
    t['name'] = '';
    expect(validateTopology(t).map((d) => [d.code, d.path, d.message])).toEqual([
      ['out-of-range', 'name', 'expected a non-empty text but found ""'],
      ['bad-type', 'hostBridges', 'expected a list but found an object'],
    ]);
  });

  it('does not run semantic checks on a document with schema errors', () => {
    const t = q35();
    pcie0(t).iommu = 'nope';
    (pcie0(t) as unknown as Json)['extra'] = 1;
    expect(summary(validateTopology(t))).toEqual(['unknown-property hostBridges[0].extra']);
  });
});

describe('semantic layer', () => {
  it('finds ids duplicated across kinds', () => {
    const t = q35();
    t.platformDevices = [{ id: 'dmar0', base: 0x1000 }];
    expect(validateTopology(t)).toEqual([
      {
        severity: 'error',
        code: 'duplicate-id',
        path: 'platformDevices[0].id',
        message: 'id "dmar0" is already used by an IOMMU at iommus[0]; ids must be unique across the document',
      },
    ]);
  });

  it('says what a reference names when it names the wrong kind of object', () => {
    const t = q35();
    pcie0(t).iommu = 'vga';
    expect(validateTopology(t).map((d) => [d.code, d.message])).toEqual([
      ['unknown-iommu', '"vga" is a PCI function (hostBridges[0].children[0]), not an IOMMU'],
    ]);
  });

  it('requires the virtio-iommu-pci device to be an endpoint', () => {
    const t = q35();
    t.iommus = [{ id: 'viommu', type: 'virtio-iommu-pci', device: 'rp1' }];
    pcie0(t).iommu = 'viommu';
    expect(summary(validateTopology(t))).toEqual(['wrong-iommu-kind iommus[0].device']);
    t.iommus = [{ id: 'viommu', type: 'virtio-iommu-pci', device: 'vga' }];
    expect(validateTopology(t)).toEqual([]);
  });

  it('an amd-vi unit names its own PCI function, an endpoint of its segment; it may list I/O APICs and HPETs, not ACPI devices', () => {
    const t = q35();
    t.iommus = [{ id: 'amd', type: 'amd-vi', base: 0xfed80000, device: 'rp1' }];
    pcie0(t).iommu = 'amd';
    t.ioapics = [{ id: 'ioapic', ioapicId: 0, sourceId: '00:14.0', iommu: 'amd' }];
    t.hpets = [{ id: 'hpet', number: 0, sourceId: '00:14.0', iommu: 'amd' }];
    t.acpiDevices = [{ id: 'i2c', path: '\\_SB.I2C0', number: 1, sourceId: '00:15.0', iommu: 'amd' }];
    expect(validateTopology(t).map((d) => [d.code, d.path, d.message])).toEqual([
      ['wrong-iommu-kind', 'iommus[0].device', 'amd-vi "amd" must be a PCI endpoint function, but "rp1" is a pcie-root-port'],
      ['wrong-iommu-kind', 'acpiDevices[0].iommu', 'an ACPI namespace device is listed in a DMAR device scope, so its iommu must be a vtd unit, not amd-vi "amd"'],
    ]);
    t.iommus = [{ id: 'amd', type: 'amd-vi', base: 0xfed80000, device: 'vga' }];
    delete t.acpiDevices;
    t.platformDevices = [{ id: 'eth', base: 0x10000000, iommu: 'amd', streamIds: [1] }];
    expect(validateTopology(t).map((d) => [d.code, d.path, d.message])).toEqual([
      ['wrong-iommu-kind', 'platformDevices[0].iommu', 'platform device "eth" cannot be behind AMD-Vi unit "amd": ridmap\'s IVRS names PCI functions, I/O APICs and HPETs only'],
    ]);
    delete t.platformDevices;
    t.iommus = [{ id: 'amd', type: 'amd-vi', base: 0xfed80000, device: 'vga', segment: 1 }];
    expect(summary(validateTopology(t))).toEqual([
      'iommu-segment-mismatch iommus[0].device',
      'iommu-segment-mismatch hostBridges[0].iommu',
      'iommu-segment-mismatch ioapics[0].iommu',
      'iommu-segment-mismatch hpets[0].iommu',
    ]);
  });

  it('checks where each PCIe type may sit', () => {
    const t = armVirt();
    const rp0 = pcie0(t).children[0]!;
    rp0.children = [{ id: 'e1000', type: 'pci-endpoint', addr: '00.0' }];
    pcie0(t).children.push({ id: 'dsp9', type: 'pcie-switch-downstream-port', addr: '02.0' });
    expect(validateTopology(t).map((d) => [d.code, d.path, d.message])).toEqual([
      [
        'bad-parent',
        'hostBridges[0].children[0].children[0].type',
        'pci-endpoint cannot sit below pcie-root-port "rp0", on a PCIe link: a PCIe link carries PCIe devices only; put conventional devices behind a pcie-pci-bridge',
      ],
      [
        'bad-parent',
        'hostBridges[0].children[1].type',
        'pcie-switch-downstream-port cannot sit on the PCIe root bus of host bridge "pcie.0": a switch downstream port sits directly below a pcie-switch-upstream-port',
      ],
    ]);
  });

  it('treats the root bus of a kind: pci host bridge as conventional', () => {
    const t: Topology = {
      name: 'i440fx',
      hostBridges: [
        {
          id: 'pci.0',
          kind: 'pci',
          children: [
            { id: 'rp', type: 'pcie-root-port', addr: '03.0' },
            { id: 'bridge', type: 'pci-bridge', addr: '04.0', children: [{ id: 'nic', type: 'pci-endpoint', addr: '01.0' }] },
          ],
        },
      ],
    };
    expect(summary(validateTopology(t))).toEqual(['pcie-on-conventional-bus hostBridges[0].children[0].type']);
  });

  it('allows only device 0 below a switch downstream port and a PCI-to-PCIe bridge', () => {
    const t = armVirt();
    const dsp0 = pcie0(t).children[0]!.children![0]!.children![0]!;
    dsp0.children![0]!.addr = '01.0';
    expect(summary(validateTopology(t))).toEqual([
      'link-device-not-zero hostBridges[0].children[0].children[0].children[0].children[0].addr',
    ]);
  });

  it('checks host bridge bus ranges with their defaults', () => {
    const t = q35();
    t.hostBridges!.push(
      { id: 'pxb1', expander: true, rootBus: 0x80, children: [] },
      { id: 'pxb2', expander: true, rootBus: 0x80, children: [] },
      { id: 'seg1', segment: 1, children: [] },
    );
    expect(validateTopology(t).map((d) => [d.code, d.path, d.message])).toEqual([
      ['bus-range-overlap', 'hostBridges[2].rootBus', 'buses 80-ff of "pxb2" overlap buses 80-ff of "pxb1" (hostBridges[1]) in segment 0'],
    ]);
  });

  it('requires an expander root bus above the main bridge', () => {
    const t = q35();
    pcie0(t).rootBus = 0x10;
    pcie0(t).busLimit = 0x1f;
    t.hostBridges!.push({ id: 'pxb1', expander: true, rootBus: 0x08, busLimit: 0x0f, children: [] });
    expect(validateTopology(t).map((d) => d.message)).toEqual([
      'the expander\'s rootBus 8 must be above the root bus 16 of the main host bridge "pcie.0"',
    ]);
  });

  it('resolves streamIdBase against an INCLUDE_PCI_ALL unit', () => {
    const t = q35();
    delete pcie0(t).iommu;
    t.iommus = [{ id: 'dmar0', type: 'vtd', base: 0xfed90000, includeAll: true }];
    pcie0(t).children[1]!.streamIdBase = 0x100;
    expect(summary(validateTopology(t))).toEqual(['stream-id-on-vtd hostBridges[0].children[1].streamIdBase']);
  });

  it('refuses bypass in a segment with an INCLUDE_PCI_ALL unit', () => {
    const t = q35();
    delete pcie0(t).iommu;
    t.iommus = [{ id: 'dmar0', type: 'vtd', base: 0xfed90000, includeAll: true }];
    pcie0(t).children[0]!.bypassIommu = true;
    expect(summary(validateTopology(t))).toEqual(['include-all-conflict hostBridges[0].children[0].bypassIommu']);
  });

  it('checks the segment of DMAR device scopes', () => {
    const t = q35();
    t.ioapics = [{ id: 'ioapic0', sourceId: 'ff:00.0', iommu: 'dmar0', ioapicId: 0, segment: 1 }];
    t.hpets = [{ id: 'hpet0', sourceId: '00:3f.0', iommu: 'dmar0', number: 0 }];
    expect(summary(validateTopology(t))).toEqual(['iommu-segment-mismatch ioapics[0].iommu', 'bad-devfn hpets[0].sourceId']);
  });

  it('puts platform devices on VT-d nowhere', () => {
    const t = q35();
    t.platformDevices = [{ id: 'eth0', base: 0x1000, iommu: 'dmar0' }];
    expect(summary(validateTopology(t))).toEqual(['wrong-iommu-kind platformDevices[0].iommu']);
  });

  it('checks reserved regions against the end of the address space', () => {
    const t = q35();
    pcie0(t).children[0]!.reservedMemory = [{ base: '0xfffffffffffff000', size: 0x2000 }];
    expect(validateTopology(t).map((d) => d.message)).toEqual([
      '0xfffffffffffff000 + 0x2000 runs past the end of the 64-bit address space',
    ]);
  });

  it('finds each devfn clash once and each slot without function 0 once', () => {
    const t = q35();
    pcie0(t).children.push(
      { id: 'f1', type: 'rciep', addr: '05.1' },
      { id: 'f2', type: 'rciep', addr: '05.2' },
      { id: 'dup', type: 'rciep', addr: '05.2' },
    );
    expect(summary(validateTopology(t))).toEqual([
      'duplicate-devfn hostBridges[0].children[5].addr',
      'missing-function-0 hostBridges[0].children[3].addr',
    ]);
  });
});
