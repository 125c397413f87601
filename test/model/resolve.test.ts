import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/diagnostic.js';
import { parseAddress } from '../../src/model/address.js';
import { iommuIdentity } from '../../src/model/iommu-identity.js';
import { resolveTopology } from '../../src/model/resolve.js';
import { formatBdf } from '../../src/model/rid.js';
import type { Iommu, PciNode, Topology } from '../../src/model/topology-schema.js';
import type { Translation } from '../../src/model/translation-map.js';

const ep = (id: string, addr = '00.0', extra: Partial<PciNode> = {}): PciNode => ({ id, type: 'pcie-endpoint', addr, ...extra });
const rp = (id: string, addr: string, children: PciNode[], extra: Partial<PciNode> = {}): PciNode => ({
  id,
  type: 'pcie-root-port',
  addr,
  acs: true,
  children,
  ...extra,
});
const smmu = (id: string, base: number, capabilities?: Iommu['capabilities']): Iommu => ({
  id,
  type: 'smmuv3',
  base,
  ...(capabilities ? { capabilities } : {}),
});
/** Translations in text form, easier to read against the rule. */
const ranges = (ts: readonly Translation[]) =>
  ts.map((t) => `${t.segment}:${formatBdf(t.first)}-${formatBdf(t.last)} ${t.iommu} +0x${t.outputBase.toString(16)}`);
const codes = (t: Topology) => resolveTopology(t).findings.map((d) => d.code);

describe('resolved functions', () => {
  const t: Topology = {
    name: 'resolved',
    msiControllers: [{ id: 'its0', type: 'its', itsIds: [0] }],
    iommus: [smmu('smmu0', 0x9050000)],
    hostBridges: [
      {
        id: 'pcie.0',
        iommu: 'smmu0',
        msiController: 'its0',
        children: [rp('rp1', '01.0', [ep('nic')]), rp('rp2', '02.0', [ep('disk')])],
      },
    ],
  };
  const r = resolveTopology(t);

  it('carries BDF, DMAR path, tree links and bus numbers', () => {
    const nic = r.byId.get('nic')!;
    expect(nic).toMatchObject({ segment: 0, bus: 1, device: 0, fn: 0, devfn: 0, rid: 0x100, isBridge: false });
    expect(nic.path).toEqual([
      { device: 1, fn: 0 },
      { device: 0, fn: 0 },
    ]);
    expect(nic.parent!.id).toBe('rp1');
    expect(nic.docPath).toBe('hostBridges[0].children[0].children[0]');
    const rp1 = r.byId.get('rp1')!;
    expect(rp1).toMatchObject({ secondary: 1, subordinate: 1, isBridge: true });
    expect(rp1.children.map((c) => c.id)).toEqual(['nic']);
    expect(r.hostBridges[0]!.functions.map((f) => f.id)).toEqual(['rp1', 'rp2']);
    expect(r.functions.map((f) => f.id)).toEqual(['rp1', 'nic', 'rp2', 'disk']);
    expect(r.numbering).toBe('firmware');
  });

  it('inherits the MSI controller and the IOMMU (by id) with output IDs per alias', () => {
    const disk = r.byId.get('disk')!;
    expect(disk).toMatchObject({ iommu: 'smmu0', outputIds: [0x200], msiController: 'its0' });
    expect(r.iommus.map((u) => u.identity)).toEqual(['smmuv3@0x9050000']);
  });

  it('the DMAR path is the same under every numbering; the RID is not', () => {
    const shifted = resolveTopology(t, { numbering: 'hotplug-shift' });
    expect(shifted.numbering).toBe('hotplug-shift');
    expect(shifted.byId.get('disk')!.path).toEqual(r.byId.get('disk')!.path);
    expect(shifted.byId.get('disk')!.rid).toBe(0x300);
  });

  it('an unknown numbering policy is an input error', () => {
    expect(() => resolveTopology(t, { numbering: 'nope' })).toThrow(InputError);
  });
});

describe('IOMMU identity', () => {
  const none = () => undefined;
  it('MMIO units by register base, lower-case hex without leading zeros', () => {
    expect(iommuIdentity({ id: 'a', type: 'vtd', base: '0x00000000FED90000' }, none)).toBe('vtd@0xfed90000');
    expect(iommuIdentity({ id: 'b', type: 'smmuv2', base: 0x2b400000, span: 0x10000 }, none)).toBe('smmuv2@0x2b400000');
    expect(iommuIdentity({ id: 'c', type: 'virtio-iommu-mmio', base: '0x000000000A000000' }, none)).toBe(
      'virtio-iommu-mmio@0xa000000',
    );
    expect(iommuIdentity(smmu('d', 0), none)).toBe('smmuv3@0x0');
  });
  it('keeps 64-bit addresses exact', () => {
    expect(parseAddress('0xFFFFFFFFFFFFF000')).toBe(0xfffffffffffff000n);
    expect(iommuIdentity({ id: 'e', type: 'smmuv3', base: '0x8000000000000001' }, none)).toBe('smmuv3@0x8000000000000001');
  });
  it('virtio-iommu-pci by the numbered BDF of its function', () => {
    const lookup = (id: string) => (id === 'vfn' ? { segment: 2, rid: 0x1a13 } : undefined);
    expect(iommuIdentity({ id: 'v', type: 'virtio-iommu-pci', device: 'vfn' }, lookup)).toBe('virtio-iommu-pci@0002:1a:02.3');
  });
});

describe('translations (the output-ID rule)', () => {
  it('a host bridge with streamIdBase: its whole bus range, offset from rootBus<<8', () => {
    const t: Topology = {
      name: 'base',
      iommus: [smmu('s', 0x9050000)],
      hostBridges: [{ id: 'pxb', rootBus: 0x10, busLimit: 0x1f, iommu: 's', streamIdBase: 0x10000, children: [rp('rp', '00.0', [ep('nic')])] }],
    };
    const r = resolveTopology(t);
    expect(ranges(r.map.translations)).toEqual(['0:10:00.0-1f:1f.7 smmuv3@0x9050000 +0x10000']);
    // nic is 11:00.0: 0x10000 + (0x1100 - 0x1000)
    expect(r.byId.get('nic')!.outputIds).toEqual([0x10100]);
  });

  it('nearer settings override farther ones; bypassed ranges are holes; a port setting covers the port too', () => {
    const t: Topology = {
      name: 'override',
      iommus: [smmu('a', 0x1000000), smmu('b', 0x2000000)],
      hostBridges: [
        {
          id: 'pcie.0',
          iommu: 'a',
          children: [
            rp('rp1', '01.0', [ep('n1')], { streamIdBase: 0x8000 }), // 00:01.0 and bus 1: renumbered from the port's RID
            rp('rp2', '02.0', [ep('n2')], { bypassIommu: true }), // 00:02.0 and bus 2: untranslated
            rp('rp3', '03.0', [ep('n3', '00.0', { iommu: 'b' })], { iommu: 'b', streamIdBase: 0x100 }), // smmu b
            rp('rp4', '04.0', [ep('n4', '00.0', { iommu: 'a' })], { streamIdBase: 0x40000 }), // endpoint back to identity
          ],
        },
      ],
    };
    const r = resolveTopology(t);
    expect(ranges(r.map.translations)).toEqual([
      '0:00:00.0-00:00.7 smmuv3@0x1000000 +0x0',
      // output = streamIdBase + (r - the port's own RID 0x08)
      '0:00:01.0-00:01.0 smmuv3@0x1000000 +0x8000',
      '0:00:01.1-00:01.7 smmuv3@0x1000000 +0x9',
      // 00:02.0 absent: the bypassing port itself
      '0:00:02.1-00:02.7 smmuv3@0x1000000 +0x11',
      '0:00:03.0-00:03.0 smmuv3@0x2000000 +0x100',
      '0:00:03.1-00:03.7 smmuv3@0x1000000 +0x19',
      '0:00:04.0-00:04.0 smmuv3@0x1000000 +0x40000',
      '0:00:04.1-00:1f.7 smmuv3@0x1000000 +0x21',
      '0:01:00.0-01:1f.7 smmuv3@0x1000000 +0x80f8',
      // bus 2 absent: bypassed
      // n3 sets iommu itself (no base): its own RID is identity; the rest of bus 3 follows rp3's base
      '0:03:00.0-03:00.0 smmuv3@0x2000000 +0x300',
      '0:03:00.1-03:1f.7 smmuv3@0x2000000 +0x3e9',
      '0:04:00.0-04:00.0 smmuv3@0x1000000 +0x400',
      '0:04:00.1-04:1f.7 smmuv3@0x1000000 +0x403e1',
      '0:05:00.0-ff:1f.7 smmuv3@0x1000000 +0x500',
    ]);
    const f = (id: string) => r.byId.get(id)!;
    expect([f('n1').iommu, f('n1').outputIds]).toEqual(['a', [0x80f8]]);
    expect([f('n2').iommu, f('n2').outputIds]).toEqual([null, []]);
    // n3 has iommu b but no streamIdBase of its own: identity (nearest setting wins)
    expect([f('n3').iommu, f('n3').outputIds]).toEqual(['b', [0x300]]);
    expect([f('n4').iommu, f('n4').outputIds]).toEqual(['a', [0x400]]);
    // A port's setting covers the port itself, as a DMAR type-2 scope does.
    expect(['rp1', 'rp2', 'rp3'].map((id) => [f(id).iommu, f(id).outputIds])).toEqual([
      ['a', [0x8000]],
      [null, []],
      ['b', [0x100]],
    ]);
  });

  it('an endpoint streamIdBase numbers its own RID and its quirk aliases from its own RID', () => {
    const t: Topology = {
      name: 'endpoint-base',
      iommus: [smmu('s', 0x9050000)],
      hostBridges: [{ id: 'pcie.0', iommu: 's', children: [rp('rp', '01.0', [ep('hba', '00.0', { phantomFunctions: 1, streamIdBase: 0x500 })])] }],
    };
    const r = resolveTopology(t);
    expect(r.byId.get('hba')!.outputIds).toEqual([0x500, 0x504]);
    expect(ranges(r.map.translations)).toContain('0:01:00.0-01:00.0 smmuv3@0x9050000 +0x500');
    expect(ranges(r.map.translations)).toContain('0:01:00.4-01:00.4 smmuv3@0x9050000 +0x504');
  });

  it('an output ID below 0 is a finding, and that RID stays untranslated', () => {
    const t: Topology = {
      name: 'negative',
      iommus: [smmu('s', 0x9050000)],
      hostBridges: [{ id: 'pcie.0', iommu: 's', children: [rp('rp', '01.0', [ep('dev', '00.1', { dmaAliases: ['00.0'], streamIdBase: 0 })])] }],
    };
    const r = resolveTopology(t);
    expect(r.findings.map((d) => [d.code, d.path])).toEqual([['output-id-out-of-range', 'hostBridges[0].children[0].children[0]']]);
  });

  it('VT-d output IDs are the RIDs (source-id), whatever streamIdBase says; neighbours merge', () => {
    const t: Topology = {
      name: 'vtd',
      iommus: [{ id: 'dmar0', type: 'vtd', base: 0xfed90000 }],
      hostBridges: [
        {
          id: 'pcie.0',
          iommu: 'dmar0',
          children: [rp('rp1', '01.0', [ep('a')], { streamIdBase: 0x9999 }), rp('rp2', '02.0', [ep('b')], { iommu: 'dmar0' })],
        },
      ],
    };
    const r = resolveTopology(t);
    expect(ranges(r.map.translations)).toEqual(['0:00:00.0-ff:1f.7 vtd@0xfed90000 +0x0']);
    expect(r.byId.get('a')!.outputIds).toEqual([0x100]);
  });

  it('host bridges without a setting fall to the include-all VT-d unit of their segment, else nothing', () => {
    const t: Topology = {
      name: 'include-all',
      iommus: [
        { id: 'pch', type: 'vtd', base: 0xfed90000, includeAll: true },
        { id: 'other', type: 'vtd', base: 0xfed91000, segment: 1 },
      ],
      hostBridges: [
        { id: 'pci0', children: [ep('x', '02.0')] },
        { id: 'pci1', segment: 1, children: [ep('y', '02.0')] },
      ],
    };
    const r = resolveTopology(t);
    expect(ranges(r.map.translations)).toEqual(['0:00:00.0-ff:1f.7 vtd@0xfed90000 +0x0']);
    expect(r.byId.get('x')!.iommu).toBe('pch');
    expect(r.byId.get('y')!.iommu).toBeNull();
    expect(r.iommus.map((u) => u.segment)).toEqual([0, 1]);
  });

  it('virtio-iommu-pci: named by its BDF, never translating itself', () => {
    const t: Topology = {
      name: 'viommu',
      iommus: [{ id: 'viommu', type: 'virtio-iommu-pci', device: 'vfn' }],
      hostBridges: [
        {
          id: 'pcie.0',
          iommu: 'viommu',
          children: [{ id: 'vfn', type: 'rciep', addr: '02.0' }, rp('rp', '03.0', [ep('net0')])],
        },
      ],
    };
    const r = resolveTopology(t);
    expect(ranges(r.map.translations)).toEqual([
      '0:00:00.0-00:01.7 virtio-iommu-pci@0000:00:02.0 +0x0',
      '0:00:02.1-ff:1f.7 virtio-iommu-pci@0000:00:02.0 +0x11',
    ]);
    const device = (id: string) => r.map.devices!.find((d) => d.id === id)!;
    expect(device('vfn')).toMatchObject({ iommu: null, outputIds: [] });
    expect(device('net0')).toMatchObject({ iommu: 'virtio-iommu-pci@0000:00:02.0', outputIds: [0x100] });
    expect(r.findings).toEqual([]);
  });

  it('platform devices: iommu and stream IDs as given, as mmio entries', () => {
    const t: Topology = {
      name: 'platform',
      iommus: [smmu('s', 0x9050000)],
      platformDevices: [
        { id: 'eth0', base: '0x9000000', iommu: 's', streamIds: [0x10000, 0x10001] },
        { id: 'uart', base: 0x9010000 },
      ],
    };
    const r = resolveTopology(t);
    expect(r.platformDevices.map((d) => [d.id, d.base, d.iommu, d.outputIds])).toEqual([
      ['eth0', 0x9000000n, 's', [0x10000, 0x10001]],
      ['uart', 0x9010000n, null, []],
    ]);
    expect(r.map.mmio).toEqual([
      { id: 'eth0', base: 0x9000000n, iommu: 'smmuv3@0x9050000', outputIds: [0x10000, 0x10001], source: 'topology' },
    ]);
  });
});

describe('findings', () => {
  it('group-split-iommu: a non-ACS root port (on the host bridge unit) and its device (on another)', () => {
    const t: Topology = {
      name: 'split',
      iommus: [smmu('a', 0x1000000), smmu('b', 0x2000000)],
      hostBridges: [{ id: 'pcie.0', iommu: 'a', children: [rp('rp', '01.0', [ep('nic', '00.0', { iommu: 'b' })], { acs: false })] }],
    };
    const [d, ...rest] = resolveTopology(t).findings;
    expect(rest).toEqual([]);
    expect(d).toMatchObject({ severity: 'error', code: 'group-split-iommu', path: 'hostBridges[0].children[0]' });
    expect(d!.message).toContain('rp → smmuv3@0x1000000');
    expect(d!.message).toContain('nic → smmuv3@0x2000000');
  });

  it('group-split-iommu counts untranslated members too', () => {
    const t: Topology = {
      name: 'split-bypass',
      iommus: [smmu('a', 0x1000000)],
      hostBridges: [{ id: 'pcie.0', iommu: 'a', children: [rp('rp', '01.0', [ep('nic', '00.0', { bypassIommu: true })], { acs: false })] }],
    };
    expect(codes(t)).toEqual(['group-split-iommu']);
  });

  it('group-split-address-space: two functions of one non-ACS multi-function device in two address spaces', () => {
    const t: Topology = {
      name: 'vfio',
      iommus: [smmu('a', 0x1000000)],
      hostBridges: [{ id: 'pcie.0', iommu: 'a', children: [rp('rp', '01.0', [ep('f0', '00.0'), ep('f1', '00.1')])] }],
      addressSpaces: [
        { id: 'vm1', devices: ['f0'] },
        { id: 'vm2', devices: ['f1'] },
      ],
    };
    const [d, ...rest] = resolveTopology(t).findings;
    expect(rest).toEqual([]);
    expect(d).toMatchObject({ code: 'group-split-address-space', path: 'addressSpaces[0]' });
    expect(d!.message).toContain('vm1 (f0)');
    expect(d!.message).toContain('vm2 (f1)');
  });

  const twoSmmus = (capsA: Iommu['capabilities'], capsB: Iommu['capabilities'], ats = false): Topology => ({
    name: 'caps',
    iommus: [smmu('a', 0x1000000, capsA), smmu('b', 0x2000000, capsB)],
    hostBridges: [
      { id: 'pcie.0', iommu: 'a', children: [rp('rp', '01.0', [ep('nicA', '00.0', ats ? { ats: true } : {})])] },
      { id: 'pcie.1', rootBus: 0x80, iommu: 'b', children: [rp('rp2', '01.0', [ep('nicB')])] },
    ],
    addressSpaces: [{ id: 'guest', devices: ['nicA', 'nicB'] }],
  });

  it('incompatible-iommus: disjoint page-table formats and different IOVA widths, explained', () => {
    const t = twoSmmus(
      { pageTableFormats: ['arm-lpae-s1'], inputAddressBits: 48 },
      { pageTableFormats: ['arm-lpae-s2'], inputAddressBits: 44 },
    );
    const [d, ...rest] = resolveTopology(t).findings;
    expect(rest).toEqual([]);
    expect(d).toMatchObject({ code: 'incompatible-iommus', path: 'addressSpaces[0]' });
    expect(d!.message).toContain('a (smmuv3@0x1000000: nicA)');
    expect(d!.message).toContain('b (smmuv3@0x2000000: nicB)');
    expect(d!.message).toContain('pageTableFormats [arm-lpae-s1] and [arm-lpae-s2] have none in common');
    expect(d!.message).toContain('inputAddressBits differ (48 vs 44)');
  });

  it('incompatible-iommus: coherency differs', () => {
    expect(codes(twoSmmus({ coherent: true }, { coherent: false }))).toEqual(['incompatible-iommus']);
  });

  it('incompatible-iommus: PASID widths matter only when a device may use PASIDs (ats)', () => {
    expect(codes(twoSmmus({ pasidBits: 20 }, { pasidBits: 16 }))).toEqual([]);
    const withAts = resolveTopology(twoSmmus({ pasidBits: 20 }, { pasidBits: 16 }, true)).findings;
    expect(withAts.map((d) => d.code)).toEqual(['incompatible-iommus']);
    expect(withAts[0]!.message).toContain('pasidBits differ (20 vs 16) and nicA');
  });

  it('incompatible-iommus: pageSizes with none in common, and different granules, name the property', () => {
    const [d, ...rest] = resolveTopology(twoSmmus({ pageSizes: [4096, 2097152] }, { pageSizes: [65536, 536870912] })).findings;
    expect(rest).toEqual([]);
    expect(d!.message).toContain('pageSizes [4 KiB, 2 MiB] and [64 KiB, 512 MiB] have none in common');
    expect(d!.message).toContain('granules differ (pageSizes start at 4 KiB vs 64 KiB): a mapping smaller than 64 KiB, or not aligned to it, fails on b');
    // A size in common is not enough when the granules differ.
    const granule = resolveTopology(twoSmmus({ pageSizes: [4096, 65536] }, { pageSizes: [65536] })).findings;
    expect(granule.map((f) => f.code)).toEqual(['incompatible-iommus']);
    expect(granule[0]!.message).not.toContain('none in common');
    expect(codes(twoSmmus({ pageSizes: [4096, 2097152] }, { pageSizes: [4096] }))).toEqual([]);
  });

  it('incompatible-iommus: outputAddressBits differ', () => {
    const [d] = resolveTopology(twoSmmus({ outputAddressBits: 48 }, { outputAddressBits: 44 })).findings;
    expect(d!.message).toContain('outputAddressBits differ (48 vs 44): memory at or above 2^44 cannot be mapped on the narrower unit');
  });

  it('compatible units (a common format, same widths) are no finding', () => {
    const caps = { pageTableFormats: ['arm-lpae-s1', 'arm-lpae-s2'], inputAddressBits: 48, coherent: true };
    expect(codes(twoSmmus(caps, { ...caps, pageTableFormats: ['arm-lpae-s1'] }))).toEqual([]);
  });

  it('alias-collision: a device behind a PCIe-to-PCI bridge assigned elsewhere than the bridge alias it shares', () => {
    const t: Topology = {
      name: 'collision',
      iommus: [smmu('a', 0x1000000), smmu('b', 0x2000000)],
      hostBridges: [
        {
          id: 'pcie.0',
          iommu: 'a',
          children: [
            rp('rp', '01.0', [
              {
                id: 'ppb',
                type: 'pcie-pci-bridge',
                addr: '00.0',
                children: [
                  { id: 'd0', type: 'pci-endpoint', addr: '00.0' },
                  { id: 'd1', type: 'pci-endpoint', addr: '01.0', iommu: 'b' },
                ],
              },
            ]),
          ],
        },
      ],
    };
    const findings = resolveTopology(t).findings;
    // d1's own RID goes to b, but its alias 02:00.0 (= d0's RID) to a: the group is split and the RID collides.
    expect(findings.map((d) => d.code).sort()).toEqual(['alias-collision', 'group-split-iommu']);
    const collision = findings.find((d) => d.code === 'alias-collision')!;
    expect(collision.message).toContain('d0 and d1 both issue RID 02:00.0');
    expect(collision.message).toContain('smmuv3@0x1000000');
    expect(collision.message).toContain('smmuv3@0x2000000');
  });
});
