/** The map in each output form: JSON (the contract), text, tree and dot. */
import { describe, expect, it } from 'vitest';
import { dotString, formatDot } from '../../src/map/map-dot.js';
import { mapToJson } from '../../src/map/map-json.js';
import { formatMapText } from '../../src/map/map-text.js';
import { formatTree } from '../../src/map/map-tree.js';
import { resolveTopology } from '../../src/model/resolve.js';
import type { Topology } from '../../src/model/topology-schema.js';
import type { TranslationMap } from '../../src/model/translation-map.js';

/** One SMMUv3 on pcie.0: an ACS root port with a NIC, a PCIe-to-PCI bridge with a legacy device, an MMIO NIC. */
const smallArm: Topology = {
  name: 'small-arm',
  iommus: [{ id: 'smmu0', type: 'smmuv3', base: 0x9050000 }],
  hostBridges: [
    {
      id: 'pcie.0',
      iommu: 'smmu0',
      children: [
        {
          id: 'rp0',
          type: 'pcie-root-port',
          addr: '01.0',
          acs: true,
          children: [{ id: 'nic0', type: 'pcie-endpoint', addr: '00.0' }],
        },
        {
          id: 'ppb',
          type: 'pcie-pci-bridge',
          addr: '02.0',
          children: [{ id: 'legacy0', type: 'pci-endpoint', addr: '03.0' }],
        },
      ],
    },
  ],
  platformDevices: [{ id: 'eth0', base: '0x9000000', iommu: 'smmu0', streamIds: [0x10000] }],
};

describe('map JSON (DESIGN.md contract)', () => {
  it('has exactly the documented shape', () => {
    // rp0 at 00:01.0 gets bus 1, ppb at 00:02.0 bus 2; identity stream IDs over the whole bus range.
    expect(mapToJson(resolveTopology(smallArm).map)).toStrictEqual({
      translations: [
        { segment: 0, first: '00:00.0', last: 'ff:1f.7', iommu: 'smmuv3@0x9050000', outputBase: 0, source: 'topology' },
      ],
      devices: [
        { id: 'rp0', segment: 0, bdf: '00:01.0', aliases: ['00:01.0'], iommu: 'smmuv3@0x9050000', outputIds: [0x8], group: 'g0' },
        { id: 'nic0', segment: 0, bdf: '01:00.0', aliases: ['01:00.0'], iommu: 'smmuv3@0x9050000', outputIds: [0x100], group: 'g1' },
        { id: 'ppb', segment: 0, bdf: '00:02.0', aliases: ['00:02.0'], iommu: 'smmuv3@0x9050000', outputIds: [0x10], group: 'g2' },
        {
          id: 'legacy0',
          segment: 0,
          bdf: '02:03.0',
          aliases: ['02:03.0', '02:00.0'],
          iommu: 'smmuv3@0x9050000',
          outputIds: [0x218, 0x200],
          group: 'g2',
        },
      ],
      mmio: [{ id: 'eth0', base: '0x9000000', iommu: 'smmuv3@0x9050000', outputIds: [0x10000], source: 'topology' }],
    });
  });

  it('keeps key order stable (golden files compare text)', () => {
    const json = mapToJson(resolveTopology(smallArm).map);
    expect(Object.keys(json)).toEqual(['translations', 'devices', 'mmio']);
    expect(Object.keys(json.translations[0]!)).toEqual(['segment', 'first', 'last', 'iommu', 'outputBase', 'source']);
    expect(Object.keys(json.devices![0]!)).toEqual(['id', 'segment', 'bdf', 'aliases', 'iommu', 'outputIds', 'group']);
    expect(Object.keys(json.mmio![0]!)).toEqual(['id', 'base', 'iommu', 'outputIds', 'source']);
  });

  it('leaves out devices when no topology is known, and mmio when empty', () => {
    const tablesOnly: TranslationMap = {
      translations: [{ segment: 1, first: 0x100, last: 0x1ff, iommu: 'vtd@0xfed90000', outputBase: 0x100, source: 'DMAR' }],
      mmio: [],
      findings: [],
    };
    expect(mapToJson(tablesOnly)).toStrictEqual({
      translations: [{ segment: 1, first: '01:00.0', last: '01:1f.7', iommu: 'vtd@0xfed90000', outputBase: 256, source: 'DMAR' }],
    });
  });

  it('an MMIO entry without a device id has no id key; 64-bit bases stay exact', () => {
    const map: TranslationMap = {
      translations: [],
      mmio: [{ base: 0xfffffffffffff000n, iommu: 'virtio-iommu-mmio@0xa000000', outputIds: [7], source: 'VIOT' }],
      findings: [],
    };
    expect(mapToJson(map)).toStrictEqual({
      translations: [],
      mmio: [{ base: '0xfffffffffffff000', iommu: 'virtio-iommu-mmio@0xa000000', outputIds: [7], source: 'VIOT' }],
    });
  });
});

const resolved = resolveTopology(smallArm);

describe('map text', () => {
  const text = formatMapText(resolved.map);
  it('one line per translation: range, IOMMU, first output ID, source', () => {
    expect(text.split('\n')).toContain('0000:00:00.0-0000:ff:1f.7 -> smmuv3@0x9050000 +0x0 (topology)');
  });
  it('one line per device with aliases, IOMMU and output IDs, group', () => {
    const line = text.split('\n').find((l) => l.startsWith('legacy0'))!;
    expect(line.split(/\s{2,}/)).toEqual([
      'legacy0',
      '0000:02:03.0',
      'aliases 02:03.0,02:00.0',
      '-> smmuv3@0x9050000 [0x218,0x200]',
      'group g2',
    ]);
  });
  it('MMIO devices follow', () => {
    expect(text).toMatch(/mmio:\neth0 {2}0x9000000 {2}-> smmuv3@0x9050000 \[0x10000\] {2}\(topology\)\n$/);
  });
  it('says so when nothing is translated', () => {
    expect(formatMapText({ translations: [], mmio: [], findings: [] })).toBe('translations:\n(none: nothing is translated)\n');
  });
  it('prints 300,000 devices: one line each, no argument per device (that overflowed the stack at ~150k)', () => {
    const n = 300_000;
    const devices = Array.from({ length: n }, (_, i) => ({ id: `ep${i}`, segment: i >>> 16, rid: i & 0xffff, aliases: [i & 0xffff], iommu: 'vtd@0xfed90000', outputIds: [i & 0xffff], group: `g${i}` }));
    const out = formatMapText({ translations: [], devices, mmio: [], findings: [] }).split('\n');
    expect(out.length).toBe(n + 5);
    expect(out[n + 3]).toMatch(/^ep299999 +0004:93:1b\.7 +aliases 93:1b\.7 +-> vtd@0xfed90000 \[0x93df\] +group g299999$/);
  });
});

describe('tree', () => {
  it('is an annotated lspci -tv like tree', () => {
    expect(formatTree(resolved)).toBe(
      [
        '[0000:00] pcie.0 (pcie host bridge, buses 00-02, limit ff)',
        '+-01.0 [01-01] rp0 pcie-root-port 00:01.0 -> smmuv3@0x9050000 [0x8] g0',
        '| \\-00.0 nic0 pcie-endpoint 01:00.0 -> smmuv3@0x9050000 [0x100] g1',
        '\\-02.0 [02-02] ppb pcie-pci-bridge 00:02.0 -> smmuv3@0x9050000 [0x10] g2',
        '  \\-03.0 legacy0 pci-endpoint 02:03.0 aliases 02:03.0,02:00.0 -> smmuv3@0x9050000 [0x218,0x200] g2',
        'platform eth0 @0x9000000 -> smmuv3@0x9050000 [0x10000]',
        '',
      ].join('\n'),
    );
  });
});

const lineOf = (text: string, start: string) => text.split('\n').find((l) => l.trimStart().startsWith(`${start} [`))!;

describe('dot', () => {
  it('escapes quotes, backslashes and newlines in strings', () => {
    expect(dotString('a "b" \\c\nd')).toBe('"a \\"b\\" \\\\c\\nd"');
  });

  const tricky: Topology = { ...smallArm, name: 'say "hi" \\ bye' };
  const dot = formatDot(resolveTopology(tricky));
  const lines = dot.trimEnd().split('\n');

  it('is one digraph of statements Graphviz accepts', () => {
    expect(lines[0]).toBe('digraph ridmap {');
    expect(lines.at(-1)).toBe('}');
    expect(dot.split('{').length).toBe(dot.split('}').length);
    const quoted = '"(?:[^"\\\\]|\\\\.)*"';
    const attrList = `\\[(?:\\w+=${quoted}(?:, )?)+\\]`;
    const statement = new RegExp(
      `^\\s*(?:(?:graph|node) ${attrList};|${quoted} ${attrList};|${quoted} -> ${quoted};|subgraph (?:\\w+|${quoted}) \\{|\\})$`,
    );
    for (const line of lines.slice(1, -1)) expect(line).toMatch(statement);
    expect(dot).toContain('label="say \\"hi\\" \\\\ bye"');
  });

  it('has the PCI tree edges, a legend colour per IOMMU, and alias groups as dashed clusters', () => {
    expect(dot).toContain('"hb:pcie.0" -> "fn:rp0";');
    expect(dot).toContain('"fn:ppb" -> "fn:legacy0";');
    expect(dot).toMatch(/"iommu:smmu0" \[label="smmu0\\nsmmuv3@0x9050000", fillcolor="(#[0-9a-f]{6})"\]/);
    const colour = /"iommu:smmu0" .*fillcolor="(#[0-9a-f]{6})"/.exec(dot)![1]!;
    expect(lineOf(dot, '"fn:nic0"')).toMatch(new RegExp(`fillcolor="${colour}"\\];$`));
    expect(dot).toContain('subgraph "cluster_g2" {');
    expect(dot).toContain('graph [label="alias group g2", style="dashed"];');
  });

  it('untranslated devices are grey', () => {
    const bypass: Topology = { ...smallArm, hostBridges: [{ ...smallArm.hostBridges![0]!, bypassIommu: true }] };
    expect(lineOf(formatDot(resolveTopology(bypass)), '"fn:nic0"')).toMatch(/fillcolor="#d9d9d9"\];$/);
  });
});
