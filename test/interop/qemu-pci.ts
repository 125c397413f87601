/**
 * QEMU's own view of the PCI tree after the firmware numbered the buses
 * (QMP query-pci, the data of `info pci`, saved by the capture as pci.json),
 * and how it compares with the imported topology: every function at the
 * same bus:dev.fn, with the same id, PCI IDs and bridge bus numbers. This is
 * what verifies the importer's auto-placement and the firmware numbering
 * policy against real QEMU.
 */
import { devfn, formatBdf, rid } from '../../src/model/rid.js';
import type { ResolvedTopology } from '../../src/model/resolved.js';

interface QueryPciDevice {
  bus: number;
  slot: number;
  function: number;
  qdev_id: string;
  id: { vendor: number; device: number };
  pci_bridge?: { bus: { number: number; secondary: number; subordinate: number }; devices?: QueryPciDevice[] };
}

export interface QemuFunction {
  rid: number;
  qdevId: string;
  vendor: number;
  device: number;
  buses?: { secondary: number; subordinate: number };
}

export function qemuFunctions(queryPci: readonly { devices: QueryPciDevice[] }[]): QemuFunction[] {
  const out: QemuFunction[] = [];
  const walk = (devices: readonly QueryPciDevice[]) => {
    for (const d of devices) {
      const bridge = d.pci_bridge?.bus;
      out.push({
        rid: rid(d.bus, devfn(d.slot, d.function)),
        qdevId: d.qdev_id,
        vendor: d.id.vendor,
        device: d.id.device,
        ...(bridge ? { buses: { secondary: bridge.secondary, subordinate: bridge.subordinate } } : {}),
      });
      walk(d.pci_bridge?.devices ?? []);
    }
  };
  for (const root of queryPci) walk(root.devices);
  return out.sort((a, b) => a.rid - b.rid);
}

/** Every difference between QEMU's functions and the topology's, as readable lines; empty when they agree. */
export function placementDifferences(qemu: readonly QemuFunction[], resolved: ResolvedTopology): string[] {
  const out: string[] = [];
  const ours = new Map(resolved.functions.map((f) => [f.rid, f]));
  for (const q of qemu) {
    const f = ours.get(q.rid);
    const at = formatBdf(q.rid);
    if (!f) {
      out.push(`${at}: QEMU has ${q.qdevId || 'a function'} (${hex4(q.vendor)}:${hex4(q.device)}), the topology nothing`);
      continue;
    }
    ours.delete(q.rid);
    // An expander's id names its host bridge; its function is `<driver>@<bus>:<dd.f>`.
    const expanderHost = resolved.hostBridges.find((h) => h.id === q.qdevId && h.node.expander);
    if (q.qdevId && f.id !== q.qdevId && !expanderHost) out.push(`${at}: QEMU id "${q.qdevId}", topology id "${f.id}"`);
    if (f.node.vendorId !== undefined && f.node.vendorId !== q.vendor) out.push(`${at} ${f.id}: vendor ${hex4(q.vendor)} in QEMU, ${hex4(f.node.vendorId)} imported`);
    if (f.node.deviceId !== undefined && f.node.deviceId !== q.device) out.push(`${at} ${f.id}: device ${hex4(q.device)} in QEMU, ${hex4(f.node.deviceId)} imported`);
    if (q.buses && (q.buses.secondary !== f.secondary || q.buses.subordinate !== f.subordinate)) {
      out.push(`${at} ${f.id}: buses ${q.buses.secondary}-${q.buses.subordinate} in QEMU, ${f.secondary}-${f.subordinate} under the ${resolved.numbering} policy`);
    }
  }
  for (const f of ours.values()) out.push(`${formatBdf(f.rid)}: the topology has ${f.id}, QEMU nothing`);
  return out;
}

const hex4 = (n: number) => n.toString(16).padStart(4, '0');
