/**
 * resolveDt against of_map_id's rules (formats.md §5.2) and the identity
 * strings of DESIGN.md, on small hand-written trees.
 */
import { describe, expect, it } from 'vitest';
import { parseDts, resolveDt } from '../../src/dt/index.js';

async function resolveText(body: string) {
  const { tree, diagnostics } = await parseDts(`/dts-v1/;\n/ {\n#address-cells = <2>;\n#size-cells = <2>;\n${body}\n};`, 't.dts');
  expect(diagnostics).toEqual([]);
  return resolveDt(tree);
}

const SMMU = 'smmu: iommu@9050000 { compatible = "arm,smmu-v3"; reg = <0 0x9050000 0 0x20000>; #iommu-cells = <1>; };';
const host = (props: string, children = '') =>
  `pcie@4010000000 { device_type = "pci"; #address-cells = <3>; #size-cells = <2>; reg = <0x40 0x10000000 0 0x10000000>; ${props} ${children} };`;

describe('resolveDt', () => {
  it('maps each RID of the bus range: first matching row wins, output = rid - base + out-base', async () => {
    const map = await resolveText(`${SMMU} ${host('bus-range = <0 1>; iommu-map = <0x100 &smmu 0x5000 0x10>, <0x0 &smmu 0 0x200>;')}`);
    expect(map.translations).toEqual([
      { segment: 0, first: 0x000, last: 0x0ff, iommu: 'smmuv3@0x9050000', outputBase: 0, source: 'DT' },
      { segment: 0, first: 0x100, last: 0x10f, iommu: 'smmuv3@0x9050000', outputBase: 0x5000, source: 'DT' },
      { segment: 0, first: 0x110, last: 0x1ff, iommu: 'smmuv3@0x9050000', outputBase: 0x110, source: 'DT' },
    ]);
  });

  it('applies the mask before matching (0xfff8: every function of a device shares an ID)', async () => {
    const map = await resolveText(`${SMMU} ${host('bus-range = <0 0>; iommu-map-mask = <0xfff8>; iommu-map = <0x0 &smmu 0x100 0x100>;')}`);
    expect(map.translations.slice(0, 2)).toEqual([
      { segment: 0, first: 0, last: 0, iommu: 'smmuv3@0x9050000', outputBase: 0x100, source: 'DT' },
      { segment: 0, first: 1, last: 1, iommu: 'smmuv3@0x9050000', outputBase: 0x100, source: 'DT' },
    ]);
    expect(map.translations).toHaveLength(256);
    expect(map.translations[255]).toMatchObject({ first: 0xff, outputBase: 0x1f8 });
  });

  it('takes the segment from linux,pci-domain and defaults the bus range to 0-0xff', async () => {
    const map = await resolveText(`${SMMU} ${host('linux,pci-domain = <3>; iommu-map = <0x0 &smmu 0 0x10000>;')}`);
    expect(map.translations).toEqual([{ segment: 3, first: 0, last: 0xffff, iommu: 'smmuv3@0x9050000', outputBase: 0, source: 'DT' }]);
  });

  it('names IOMMUs as every format does: SMMUv2 family, virtio-mmio, virtio-pci, and others by compatible', async () => {
    const map = await resolveText(`
      soc { compatible = "simple-bus"; #address-cells = <1>; #size-cells = <1>; ranges = <0x0 0x0 0x10000000 0x1000000>;
        v2: iommu@50000 { compatible = "qcom,sdm845-smmu-500", "arm,mmu-500"; reg = <0x50000 0x10000>; #iommu-cells = <1>; };
      };
      vm: virtio@a000000 { compatible = "virtio,mmio"; reg = <0 0xa000000 0 0x200>; #iommu-cells = <1>; };
      dart: iommu@681008000 { compatible = "apple,t8103-dart"; reg = <0x6 0x81008000 0 0x4000>; #iommu-cells = <1>; };
      ${host(
        'linux,pci-domain = <1>; bus-range = <0 3>; iommu-map = <0x000 &v2 0 0x100>, <0x100 &vm 0 0x100>, <0x200 &dart 0 0x100>, <0x300 &vp 0 0x100>;',
        'vp: virtio-iommu@1,2 { compatible = "virtio,pci-iommu"; reg = <0xa00 0 0 0 0>; #iommu-cells = <1>; };',
      )}`);
    expect(map.translations.map((t) => t.iommu)).toEqual([
      'smmuv2@0x10050000',
      'virtio-iommu-mmio@0xa000000',
      'apple,t8103-dart@0x681008000',
      'virtio-iommu-pci@0001:00:01.2',
    ]);
  });

  it('leaves RIDs untranslated where no row matches, where the map is rejected, and without an iommu-map', async () => {
    const none = await resolveText(`${SMMU} ${host('iommu-map = <0x0 &smmu 0 0x0>;')}`);
    expect(none.translations).toEqual([]);
    const rejected = await resolveText(`${SMMU} ${host('iommu-map = <0x0 &smmu 0>;')}`);
    expect(rejected.translations).toEqual([]);
    expect(rejected.findings.map((f) => f.code)).toEqual(['dt-bad-length']);
    const without = await resolveText(`${SMMU} ${host('bus-range = <0 1>;')}`);
    expect(without.translations).toEqual([]);
  });

  it('reads platform masters from iommus: base through ranges, one entry per IOMMU, specifiers in order', async () => {
    const map = await resolveText(`${SMMU}
      other: iommu@9070000 { compatible = "arm,smmu-v3"; reg = <0 0x9070000 0 0x20000>; #iommu-cells = <1>; };
      bus { compatible = "simple-bus"; #address-cells = <1>; #size-cells = <1>; ranges = <0x0 0x0 0x9000000 0x10000>;
        dma@100 { reg = <0x100 0x100>; iommus = <&smmu 0x10>, <&smmu 0x11>, <&other 0x20>; };
      };`);
    expect(map.mmio).toEqual([
      { id: '/bus/dma@100', base: 0x9000100n, iommu: 'smmuv3@0x9050000', outputIds: [0x10, 0x11], source: 'DT' },
      { id: '/bus/dma@100', base: 0x9000100n, iommu: 'smmuv3@0x9070000', outputIds: [0x20], source: 'DT' },
    ]);
  });
});
