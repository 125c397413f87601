import { describe, expect, it } from 'vitest';
import { phantomFunctionNumbers, quirkAliasDevfns } from '../../src/model/aliasing.js';
import { resolveTopology } from '../../src/model/resolve.js';
import { formatBdf } from '../../src/model/rid.js';
import type { PciNode, Topology } from '../../src/model/topology-schema.js';

const rootPort = (id: string, addr: string, children: PciNode[]): PciNode => ({
  id,
  type: 'pcie-root-port',
  addr,
  acs: true,
  children,
});

/**
 * Buses under firmware numbering (devfn order): rp 1, ppb 2, inner 3, rp2 4, pb 5, rp3 6,
 * quirky 7, rp4 8, ppb2 9, xlate 0a, rp5 0b, rp6 0c, ppcie 0d.
 */
const topology: Topology = {
  name: 'aliasing',
  hostBridges: [
    {
      id: 'pcie.0',
      children: [
        { id: 'rootdev', type: 'rciep', addr: '00.0' },
        rootPort('rp', '01.0', [{ id: 'behindRp', type: 'pcie-endpoint', addr: '00.0' }]),
        {
          id: 'ppb',
          type: 'pcie-pci-bridge',
          addr: '02.0',
          children: [
            { id: 'conv0', type: 'pci-endpoint', addr: '00.0' },
            { id: 'conv', type: 'pci-endpoint', addr: '03.0' },
            { id: 'inner', type: 'pci-bridge', addr: '04.0', children: [{ id: 'deep', type: 'pci-endpoint', addr: '05.0' }] },
          ],
        },
        rootPort('rp2', '03.0', [
          { id: 'pb', type: 'pci-bridge', addr: '00.0', children: [{ id: 'behindPb', type: 'pci-endpoint', addr: '01.0' }] },
        ]),
        rootPort('rp3', '04.0', [
          {
            id: 'quirky',
            type: 'pci-bridge',
            addr: '00.0',
            aliasAsPcieBridge: true,
            children: [{ id: 'q', type: 'pci-endpoint', addr: '02.0' }],
          },
        ]),
        rootPort('rp4', '05.0', [
          {
            id: 'ppb2',
            type: 'pcie-pci-bridge',
            addr: '00.0',
            children: [
              {
                id: 'xlate',
                type: 'pci-bridge',
                addr: '01.0',
                translateRoot: true,
                children: [{ id: 'behindXlate', type: 'pci-endpoint', addr: '00.0' }],
              },
            ],
          },
        ]),
        rootPort('rp5', '06.0', [
          // Quirk aliases come out in ascending devfn order (Linux's dma_alias_mask), not as listed;
          // its own devfn among them is no extra alias.
          { id: 'sata', type: 'pcie-endpoint', addr: '00.0', dmaAliases: ['01.0', '00.1', '00.0'] },
        ]),
        rootPort('rp6', '07.0', [{ id: 'hba', type: 'pcie-endpoint', addr: '00.1', phantomFunctions: 1 }]),
        {
          id: 'ppcie',
          type: 'pci-pcie-bridge',
          addr: '08.0',
          children: [{ id: 'pcieBehindPci', type: 'pcie-endpoint', addr: '00.0' }],
        },
      ],
    },
  ],
};

const resolved = resolveTopology(topology);
const aliasesOf = (id: string) => resolved.byId.get(id)!.aliases.map(formatBdf);

describe('DMA aliases (pci_for_each_dma_alias)', () => {
  it('a device on the root bus has only its own RID', () => {
    expect(aliasesOf('rootdev')).toEqual(['00:00.0']);
  });

  it('PCIe root ports add nothing', () => {
    expect(aliasesOf('behindRp')).toEqual(['01:00.0']);
  });

  it('behind a PCIe-to-PCI bridge: (secondary bus, 00.0)', () => {
    expect(aliasesOf('conv')).toEqual(['02:03.0', '02:00.0']);
  });

  it('the device at (secondary, 00.0) itself: the alias equals its RID and is not repeated', () => {
    expect(aliasesOf('conv0')).toEqual(['02:00.0']);
  });

  it('behind a conventional PCI bridge: the bridge RID', () => {
    expect(aliasesOf('behindPb')).toEqual(['05:01.0', '04:00.0']);
  });

  it('bridge behind bridge: both aliases, nearest first', () => {
    expect(aliasesOf('inner')).toEqual(['02:04.0', '02:00.0']);
    expect(aliasesOf('deep')).toEqual(['03:05.0', '02:04.0', '02:00.0']);
  });

  it('aliasAsPcieBridge: a conventional bridge aliases like PCIe-to-PCI', () => {
    expect(aliasesOf('q')).toEqual(['07:02.0', '07:00.0']);
  });

  it('translateRoot stops the walk at that bridge', () => {
    expect(aliasesOf('behindXlate')).toEqual(['0a:00.0']);
    // The bridge itself is below ppb2, which still aliases it.
    expect(aliasesOf('xlate')).toEqual(['09:01.0', '09:00.0']);
  });

  it('dmaAliases quirk: same bus, ascending devfn', () => {
    expect(aliasesOf('sata')).toEqual(['0b:00.0', '0b:00.1', '0b:01.0']);
  });

  it('phantom functions (1): function 1 also issues as function 5', () => {
    expect(aliasesOf('hba')).toEqual(['0c:00.1', '0c:00.5']);
  });

  it('a PCI/PCI-X-to-PCIe bridge adds its own RID', () => {
    expect(aliasesOf('pcieBehindPci')).toEqual(['0d:00.0', '00:08.0']);
  });
});

describe('phantom functions (PCIe Device Capabilities, Phantom Functions Supported)', () => {
  it('0: none', () => expect(phantomFunctionNumbers(0, 0)).toEqual([]));
  it('1: the function-number MSB is a tag bit', () => {
    expect(phantomFunctionNumbers(0, 1)).toEqual([4]);
    expect(phantomFunctionNumbers(3, 1)).toEqual([7]);
  });
  it('2: the two MSBs are tag bits', () => {
    expect(phantomFunctionNumbers(0, 2)).toEqual([2, 4, 6]);
    expect(phantomFunctionNumbers(1, 2)).toEqual([3, 5, 7]);
  });
  it('3: all eight function numbers', () => expect(phantomFunctionNumbers(0, 3)).toEqual([1, 2, 3, 4, 5, 6, 7]));
  it('merge with dmaAliases into one ascending mask', () => {
    const node: PciNode = { id: 'x', type: 'pcie-endpoint', addr: '02.0', phantomFunctions: 2, dmaAliases: ['01.0', '03.0'] };
    // own devfn 0x10; phantom 0x12 0x14 0x16; dmaAliases 0x08 and 0x18 (device 3)
    expect(quirkAliasDevfns(node, 0x10)).toEqual([0x08, 0x12, 0x14, 0x16, 0x18]);
  });
});
