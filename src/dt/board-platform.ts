/**
 * Platform (MMIO) DMA masters: a node per topology platform device, named
 * after its id at its base, with `iommus = <&iommu streamid>` per stream ID
 * (the providers have `#iommu-cells = <1>`), `msi-parent = <&its deviceid>`
 * (DeviceID: the topology's deviceId, else the first stream ID) and
 * `dma-coherent` when coherent. A size the topology leaves out is one 4 KiB
 * page.
 */
import { parseAddress } from '../model/address.js';
import { BoardContext, regCells, unitAddress } from './board-context.js';
import { cells, createNode, prop, strings, type DtNode } from './tree.js';

const DEFAULT_REG_SIZE = 0x1000n;

/** A node name from a topology id, in the characters dtc's strictest check recommends (lower case, no `_`). */
export function nodeNameFromId(id: string): string {
  return id.toLowerCase().replace(/[^a-z0-9,.+-]/g, '-');
}

export function platformDeviceNodes(board: BoardContext): DtNode[] {
  return board.resolved.platformDevices.map(({ id, node: device, base }) => {
    const node = createNode(`${nodeNameFromId(id)}@${unitAddress(base)}`, [board.label('platform', id)]);
    if (device.compatible !== undefined) node.properties.push(prop('compatible', ...strings(device.compatible)));
    node.properties.push(prop('reg', cells(...regCells(base, device.size === undefined ? DEFAULT_REG_SIZE : parseAddress(device.size)))));
    if (device.iommu !== undefined && (device.streamIds ?? []).length > 0) {
      const iommu = board.ref('iommu', device.iommu);
      node.properties.push(prop('iommus', ...device.streamIds!.map((sid) => cells(iommu, sid))));
    }
    const deviceId = device.deviceId ?? device.streamIds?.[0];
    if (device.msiController !== undefined && deviceId !== undefined) {
      node.properties.push(prop('msi-parent', cells(board.ref('its', device.msiController), deviceId)));
    }
    if (device.coherent) node.properties.push(prop('dma-coherent'));
    return node;
  });
}
