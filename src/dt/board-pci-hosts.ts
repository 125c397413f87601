/**
 * One `pci-host-ecam-generic` node per host bridge, with the maps that say
 * where its RIDs go:
 *   - `iommu-map`: the topology's translations inside the host bridge's bus
 *     range, one row (rid-base, &iommu, iommu-base, length) per run, length
 *     a count; RIDs no row covers are untranslated (of_map_id);
 *   - `msi-map`: the same for MSIs (msi-assignment.ts), DeviceID = RID.
 * No `iommu-map-mask` is written: the topology's output IDs are linear in
 * the RID per owner, so a mask (which folds RIDs together) never shortens
 * the map without changing it.
 *
 * Each host node has a domain of its own (pci-domains.ts), even when the
 * topology puts several host bridges in one segment.
 *
 * An expander (pxb-pcie) gets a host node of its own too, over its slice of
 * the segment's ECAM: Linux's pci-host-generic maps `reg` as the config
 * space of the first bus in `bus-range` (pci_ecam_map_bus subtracts it), so
 * it scans the expander's buses as a separate host. That is a tree Linux
 * reads, but not QEMU's: QEMU's virt tree has one host node, for pcie.0, and
 * a scan from bus 0 never enters an expander (its pxb function is a host
 * bridge, not a PCI-to-PCI bridge), so with QEMU's own tree an expander's
 * devices are seen only with ACPI. (QEMU 11.1's dumped virt tree for two
 * pxb-pcie with an arm-smmuv3 each: one pcie node, bus-range 0-0xff, no
 * SMMU node and no iommu-map; QEMU warns "SMMUv3 device only supported with
 * pcie.0 for DT".) An info says so for each expander (dt-expander-host);
 * `ridmap boot` refuses such a tree for the same reason.
 *
 * The host node is named after its ECAM base. A host bridge without `ecam`
 * continues its segment's ECAM region (from a sibling that has one, else QEMU
 * virt's high ECAM, one 256 MiB region per segment). `ranges` is required by
 * the PCI binding (and dtc) but not described by the topology: each host gets
 * a 64 GiB 64-bit memory window of its own, identity-mapped.
 */
import type { Diagnostic } from '../diagnostic.js';
import { parseAddress } from '../model/address.js';
import type { ResolvedHostBridge } from '../model/resolved.js';
import { rid } from '../model/rid.js';
import type { Translation } from '../model/translation-map.js';
import { BoardContext, cells64, regCells, unitAddress } from './board-context.js';
import type { IommuNodes } from './board-iommus.js';
import { PCI_HOST_ECAM_COMPATIBLE } from './iommu-compatibles.js';
import { msiTranslations } from '../model/msi-assignment.js';
import { pciDomains } from './pci-domains.js';
import { cells, createNode, prop, strings, type DtChunk, type DtNode, type DtRef } from './tree.js';
import { appendAll } from '../append.js';

/** PCI ECAM: 1 MiB of configuration space per bus. */
const ECAM_BUS_SHIFT = 20n;
const DEFAULT_ECAM_BASE = 0x4010000000n;
const ECAM_SEGMENT_STRIDE = 0x10000000n;
const MMIO64_WINDOW_BASE = 0x8000000000n;
const MMIO64_WINDOW_SIZE = 0x1000000000n;
/** PCI binding phys.hi space code for 64-bit memory space. */
const PCI_SPACE_MEM64 = 0x03000000n;
const PCI_ADDRESS_CELLS = 3;
const PCI_SIZE_CELLS = 2;

function ecamBase(board: BoardContext, hb: ResolvedHostBridge): bigint {
  if (hb.node.ecam !== undefined) return parseAddress(hb.node.ecam);
  const sibling = board.resolved.hostBridges.find((o) => o.segment === hb.segment && o.node.ecam !== undefined);
  const segmentBase = sibling
    ? parseAddress(sibling.node.ecam!) - (BigInt(sibling.rootBus) << ECAM_BUS_SHIFT)
    : DEFAULT_ECAM_BASE + BigInt(hb.segment) * ECAM_SEGMENT_STRIDE;
  const base = segmentBase + (BigInt(hb.rootBus) << ECAM_BUS_SHIFT);
  board.synthetic(hb.docPath, `host bridge ${hb.id} has no ecam; the DT places its configuration space at 0x${base.toString(16)}`);
  return base;
}

/** Map rows for the runs of `translations` inside the host bridge's RIDs, one cells chunk per row. */
function mapRows(hb: ResolvedHostBridge, translations: readonly Translation[], target: (t: Translation) => DtRef | undefined): DtChunk[] {
  const lo = rid(hb.rootBus, 0);
  const hi = rid(hb.busLimit, 0xff);
  return translations.flatMap((t) => {
    const ref = target(t);
    if (t.segment !== hb.segment || t.last < lo || t.first > hi || !ref) return [];
    const first = Math.max(t.first, lo);
    const last = Math.min(t.last, hi);
    return [cells(first, ref, t.outputBase + (first - t.first), last - first + 1)];
  });
}

function expanderHost(hb: ResolvedHostBridge, domain: number, ecam: bigint): Diagnostic {
  const bus = (n: number) => `0x${n.toString(16)}`;
  return {
    severity: 'info',
    code: 'dt-expander-host',
    path: hb.docPath,
    message:
      `host bridge ${hb.id} is an expander (pxb-pcie): this tree gives it a pci-host-ecam-generic node of its own ` +
      `(linux,pci-domain ${domain}, buses ${bus(hb.rootBus)}-${bus(hb.busLimit)}, configuration space at 0x${ecam.toString(16)}), ` +
      'which Linux scans as a separate host. QEMU\'s virt Device Tree describes pcie.0 only, and a scan from bus 0 never ' +
      `enters an expander: with QEMU's own tree, ${hb.id}'s devices are seen only with ACPI`,
  };
}

export function hostBridgeNodes(board: BoardContext, iommus: IommuNodes): DtNode[] {
  const { resolved } = board;
  const unitOf = new Map(resolved.iommus.map((u) => [u.identity, u]));
  const msi = msiTranslations(resolved);
  const domains = pciDomains(resolved.hostBridges);

  return resolved.hostBridges.map((hb, index) => {
    const ecam = ecamBase(board, hb);
    const node = createNode(`${hb.kind === 'pci' ? 'pci' : 'pcie'}@${unitAddress(ecam)}`, [board.label('host', hb.id)]);
    const window = MMIO64_WINDOW_BASE + BigInt(index) * MMIO64_WINDOW_SIZE;
    const buses = BigInt(hb.busLimit - hb.rootBus + 1);
    node.properties.push(
      prop('compatible', ...strings(PCI_HOST_ECAM_COMPATIBLE)),
      prop('device_type', ...strings('pci')),
      prop('#address-cells', cells(PCI_ADDRESS_CELLS)),
      prop('#size-cells', cells(PCI_SIZE_CELLS)),
      prop('linux,pci-domain', cells(domains.get(hb.id)!)),
      prop('bus-range', cells(hb.rootBus, hb.busLimit)),
      prop('reg', cells(...regCells(ecam, buses << ECAM_BUS_SHIFT))),
      prop('ranges', cells(PCI_SPACE_MEM64, ...cells64(window), ...cells64(window), ...cells64(MMIO64_WINDOW_SIZE))),
    );

    let vtd = false;
    const iommuRows = mapRows(hb, resolved.map.translations, (t) => {
      const unit = unitOf.get(t.iommu)!;
      if (unit.node.type !== 'vtd' && unit.node.type !== 'amd-vi') return board.ref('iommu', unit.id);
      vtd = true;
      return undefined;
    });
    if (vtd) {
      board.diagnostics.push({
        severity: 'info',
        code: 'dt-vtd-not-described',
        path: hb.docPath,
        message: `VT-d and AMD-Vi units have no Device Tree binding; the iommu-map of host bridge ${hb.id} leaves their RIDs out`,
      });
    }
    if (iommuRows.length > 0) node.properties.push(prop('iommu-map', ...iommuRows));
    if (hb.node.expander) board.diagnostics.push(expanderHost(hb, domains.get(hb.id)!, ecam));
    const msiRows = mapRows(hb, msi, (t) => board.ref('its', t.iommu));
    if (msiRows.length > 0) node.properties.push(prop('msi-map', ...msiRows));

    appendAll(node.children, iommus.pciByHostBridge.get(hb.id) ?? []);
    return node;
  });
}
