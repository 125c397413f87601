/**
 * Interrupts on the board: GICv3 interrupt specifiers, and the GIC node
 * itself with the ITSs (MSI controllers) as its children, as the GICv3
 * binding places them.
 *
 * The topology gives no GIC; the one written here sits at QEMU virt's
 * distributor/redistributor addresses and exists so that `interrupts` have an
 * `interrupt-parent` and the ITS nodes a parent (dtc warns without both).
 */
import { parseAddress } from '../model/address.js';
import type { ItsGroup } from '../model/topology-schema.js';
import { BoardContext, regCells, ROOT_ADDRESS_CELLS, ROOT_SIZE_CELLS, unitAddress } from './board-context.js';
import { GICV3_COMPATIBLE, GICV3_ITS_COMPATIBLE } from './iommu-compatibles.js';
import { cells, createNode, prop, strings, type DtCell, type DtNode } from './tree.js';
import { appendAll } from '../append.js';

/** QEMU virt's GICv3 distributor and redistributor frames. */
const GICD_BASE = 0x8000000n;
const GICD_SIZE = 0x10000n;
const GICR_BASE = 0x80a0000n;
const GICR_SIZE = 0xf60000n;
/** ITS register frames are 128 KiB; a base the topology does not give counts up from QEMU virt's. */
const ITS_SIZE = 0x20000n;
const DEFAULT_ITS_BASE = 0x8080000n;

/** GICv3 #interrupt-cells = 3: type (0 SPI, 1 PPI), number within the type, flags. */
const GIC_SPI = 0n;
const GIC_PPI = 1n;
const SPI_BASE = 32;
const PPI_BASE = 16;
const IRQ_TYPE_EDGE_RISING = 1n;
const IRQ_TYPE_LEVEL_HIGH = 4n;

/** The three cells for a GSIV (GIC INTID); SMMU and virtio-mmio interrupts are edge triggered. */
export function gicInterrupt(board: BoardContext, gsiv: number, edge: boolean, path: string): DtCell[] {
  board.interruptsUsed = true;
  const flags = edge ? IRQ_TYPE_EDGE_RISING : IRQ_TYPE_LEVEL_HIGH;
  if (gsiv >= SPI_BASE) return [GIC_SPI, BigInt(gsiv - SPI_BASE), flags];
  if (gsiv >= PPI_BASE) return [GIC_PPI, BigInt(gsiv - PPI_BASE), flags];
  board.diagnostics.push({
    severity: 'error',
    code: 'dt-interrupt-not-describable',
    path,
    message: `GSIV ${gsiv} is a software-generated interrupt; a device interrupt is a PPI (16-31) or an SPI (32 and up)`,
  });
  return [GIC_SPI, 0n, flags];
}

export function itsNode(board: BoardContext, its: ItsGroup, index: number): DtNode {
  const path = `msiControllers[${index}]`;
  let base: bigint;
  if (its.base === undefined) {
    base = DEFAULT_ITS_BASE + BigInt(index) * ITS_SIZE;
    board.synthetic(path, `ITS ${its.id} has no base; the DT places it at 0x${base.toString(16)}`);
  } else {
    base = parseAddress(its.base);
  }
  const node = createNode(`msi-controller@${unitAddress(base)}`, [board.label('its', its.id)]);
  node.properties.push(
    prop('compatible', ...strings(GICV3_ITS_COMPATIBLE)),
    prop('reg', cells(...regCells(base, ITS_SIZE))),
    prop('msi-controller'),
    prop('#msi-cells', cells(1)),
  );
  return node;
}

export function gicNode(board: BoardContext, its: readonly DtNode[]): DtNode {
  const node = createNode(`interrupt-controller@${unitAddress(GICD_BASE)}`, [board.label('gic', 'gic')]);
  node.properties.push(
    prop('compatible', ...strings(GICV3_COMPATIBLE)),
    prop('reg', cells(...regCells(GICD_BASE, GICD_SIZE), ...regCells(GICR_BASE, GICR_SIZE))),
    prop('#interrupt-cells', cells(3)),
    prop('interrupt-controller'),
  );
  // Always: dtc wants #address-cells in an interrupt provider, and the ITS children need all three.
  node.properties.push(prop('#address-cells', cells(ROOT_ADDRESS_CELLS)), prop('#size-cells', cells(ROOT_SIZE_CELLS)), prop('ranges'));
  appendAll(node.children, its);
  return node;
}
