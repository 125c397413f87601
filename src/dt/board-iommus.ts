/**
 * IOMMU nodes, one per topology IOMMU the DT has a binding for, each with
 * `#iommu-cells = <1>` (the specifier is the StreamID / endpoint ID, which is
 * what iommu-map rows and of_map_id assume):
 *   - SMMUv3: `arm,smmu-v3`, 128 KiB of registers, the wired interrupts named
 *     eventq/priq/cmdq-sync/gerror (QEMU's order), dma-coherent when the
 *     SMMU is coherent, and msi-parent when the topology gives its DeviceID;
 *   - SMMUv1/v2: compatible by model, `#global-interrupts`, the global then
 *     the context interrupts;
 *   - virtio-iommu on virtio-mmio: `virtio,mmio` with a 512-byte window;
 *   - virtio-iommu on PCI: a child of its host bridge's node,
 *     `virtio,pci-iommu`, reg = its config-space address (bdf << 8).
 * VT-d units have no DT binding and are left out.
 */
import { parseAddress } from '../model/address.js';
import { iommuCoherent } from '../model/iommu-coherent.js';
import type { ResolvedIommu } from '../model/resolved.js';
import type { SmmuV2, SmmuV3, VirtioIommuMmio } from '../model/topology-schema.js';
import { BoardContext, regCells, unitAddress } from './board-context.js';
import { gicInterrupt } from './board-interrupts.js';
import {
  DEFAULT_SMMUV2_COMPATIBLE,
  SMMUV2_COMPATIBLE_BY_MODEL,
  SMMUV3_COMPATIBLE,
  VIRTIO_IOMMU_PCI_ID,
  VIRTIO_MMIO_COMPATIBLE,
  VIRTIO_PCI_IOMMU_COMPATIBLE,
} from './iommu-compatibles.js';
import { cells, createNode, prop, strings, type DtCell, type DtNode, type DtProperty } from './tree.js';
import { appendAll } from '../append.js';

const SMMUV3_REGISTER_SIZE = 0x20000n;
const VIRTIO_MMIO_SIZE = 0x200n;

/** SMMUv3 interrupt names and the topology fields that give them, in the order written. */
const SMMUV3_INTERRUPTS = [
  ['eventq', 'event'],
  ['priq', 'pri'],
  ['cmdq-sync', 'sync'],
  ['gerror', 'gerror'],
] as const;

export interface IommuNodes {
  /** Nodes under the root. */
  mmio: DtNode[];
  /** virtio-iommu-pci nodes, by the id of the host bridge whose node holds them. */
  pciByHostBridge: Map<string, DtNode[]>;
}

function iommuNode(board: BoardContext, unit: ResolvedIommu, name: string, base: bigint, properties: DtProperty[]): DtNode {
  const node = createNode(`${name}@${unitAddress(base)}`, [board.label('iommu', unit.id)]);
  appendAll(node.properties, properties);
  node.properties.push(prop('#iommu-cells', cells(1)));
  return node;
}

function smmuV3(board: BoardContext, unit: ResolvedIommu, node: SmmuV3, path: string): DtNode {
  const base = parseAddress(node.base);
  const properties = [prop('compatible', ...strings(SMMUV3_COMPATIBLE)), prop('reg', cells(...regCells(base, SMMUV3_REGISTER_SIZE)))];
  const irqs = node.interrupts;
  if (irqs) {
    properties.push(
      prop('interrupts', cells(...SMMUV3_INTERRUPTS.flatMap(([, field]) => gicInterrupt(board, irqs[field], true, path)))),
      prop('interrupt-names', ...strings(...SMMUV3_INTERRUPTS.map(([name]) => name))),
    );
  }
  if (iommuCoherent(node)) properties.push(prop('dma-coherent'));
  if (node.msiController !== undefined && node.deviceId !== undefined) {
    properties.push(prop('msi-parent', cells(board.ref('its', node.msiController), node.deviceId)));
  }
  return iommuNode(board, unit, 'iommu', base, properties);
}

function smmuV2(board: BoardContext, unit: ResolvedIommu, node: SmmuV2, path: string): DtNode {
  const base = parseAddress(node.base);
  const global = node.globalInterrupts ?? [];
  const interrupts: DtCell[] = [...global, ...(node.contextInterrupts ?? [])].flatMap((i) => gicInterrupt(board, i.gsiv, i.edge === true, path));
  const properties = [
    prop('compatible', ...strings(node.model ? SMMUV2_COMPATIBLE_BY_MODEL[node.model] : DEFAULT_SMMUV2_COMPATIBLE)),
    prop('reg', cells(...regCells(base, parseAddress(node.span)))),
    prop('#global-interrupts', cells(global.length)),
  ];
  if (interrupts.length > 0) properties.push(prop('interrupts', cells(...interrupts)));
  if (iommuCoherent(node)) properties.push(prop('dma-coherent'));
  return iommuNode(board, unit, 'iommu', base, properties);
}

function virtioMmio(board: BoardContext, unit: ResolvedIommu, node: VirtioIommuMmio, path: string): DtNode {
  const base = parseAddress(node.base);
  const properties = [prop('compatible', ...strings(VIRTIO_MMIO_COMPATIBLE)), prop('reg', cells(...regCells(base, VIRTIO_MMIO_SIZE)))];
  if (node.interrupt !== undefined) properties.push(prop('interrupts', cells(...gicInterrupt(board, node.interrupt, true, path))));
  return iommuNode(board, unit, 'virtio-mmio', base, properties);
}

/** A PCI function's node name under its host: `name@dev` or `name@dev,fn` (the PCI binding's unit address). */
export function pciUnitAddress(device: number, fn: number): string {
  return fn === 0 ? device.toString(16) : `${device.toString(16)},${fn.toString(16)}`;
}

export function iommuNodes(board: BoardContext): IommuNodes {
  const out: IommuNodes = { mmio: [], pciByHostBridge: new Map() };
  board.resolved.iommus.forEach((unit, index) => {
    const { node } = unit;
    const path = `iommus[${index}]`;
    if (node.type === 'smmuv3') out.mmio.push(smmuV3(board, unit, node, path));
    else if (node.type === 'smmuv2') out.mmio.push(smmuV2(board, unit, node, path));
    else if (node.type === 'virtio-iommu-mmio') out.mmio.push(virtioMmio(board, unit, node, path));
    else if (node.type === 'virtio-iommu-pci') {
      const f = board.resolved.byId.get(node.device)!;
      const child = createNode(`virtio-iommu@${pciUnitAddress(f.device, f.fn)}`, [board.label('iommu', unit.id)]);
      child.properties.push(
        prop('compatible', ...strings(VIRTIO_PCI_IOMMU_COMPATIBLE, VIRTIO_IOMMU_PCI_ID)),
        // PCI binding: phys.hi = bus << 16 | devfn << 8 (config space, register 0), then 0s.
        prop('reg', cells(f.rid << 8, 0, 0, 0, 0)),
        prop('#iommu-cells', cells(1)),
      );
      const list = out.pciByHostBridge.get(f.hostBridge.id) ?? [];
      list.push(child);
      out.pciByHostBridge.set(f.hostBridge.id, list);
    }
  });
  return out;
}
