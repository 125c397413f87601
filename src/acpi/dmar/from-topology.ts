/**
 * The DMAR a resolved topology calls for: a DRHD per VT-d unit, RMRRs from
 * reserved regions, an ATSR for ATS-capable root ports, RHSAs from proximity,
 * ANDDs for ACPI namespace devices and a SATC for ATS-capable integrated
 * devices, in the order the VT-d spec asks for (structures by type; an
 * include-all DRHD last in its segment).
 *
 * Which unit Linux picks for a device decides the scopes. Linux keeps the
 * non-include-all DRHDs in *reverse* table order (each is added at the head
 * of its list) with include-all units at the tail, and takes the first unit
 * whose scopes name the device or any bridge above it. So:
 * - a function needs a scope only where its unit differs from what covers it
 *   already (a scope above it, or the include-all unit of its segment);
 * - a bridge whose unit differs from a device below it gets a sub-hierarchy
 *   scope all the same, and the unit of the device below must come *later*
 *   in the table so that Linux finds it first; units are ordered to make
 *   that true, and a cycle is reported rather than written wrong.
 */
import type { Diagnostic } from '../../diagnostic.js';
import { parseAddress } from '../../model/address.js';
import type { PciFunction, ResolvedIommu, ResolvedTopology } from '../../model/resolved.js';
import { parseBdf, ridBus, ridDevfn } from '../../model/rid.js';
import type { VtdUnit } from '../../model/topology-schema.js';
import { generatedHeader } from '../header-defaults.js';
import type { DmarAndd, DmarAtsr, DmarDeviceScope, DmarDrhd, DmarRemappingStructure, DmarRhsa, DmarRmrr, DmarSatc, DmarTable } from './model.js';
import { orderUnits } from './unit-order.js';
import { pciScopeFor } from './pci-scope.js';
import { DmarScopeType } from './spec.js';

export const DMAR_REVISION = 1;
/** Bits; the table stores width − 1. QEMU's default aw-bits is 48 since 9.0 (39 before). */
export const DEFAULT_HOST_ADDRESS_WIDTH = 48;

export interface DmarBuild {
  /** Undefined when the topology has no VT-d unit. */
  table?: DmarTable;
  diagnostics: Diagnostic[];
}

type VtdIommu = ResolvedIommu & { node: VtdUnit };

export function dmarFromTopology(resolved: ResolvedTopology): DmarBuild {
  const units = resolved.iommus.filter((u): u is VtdIommu => u.node.type === 'vtd');
  if (units.length === 0) return { diagnostics: [] };
  const diagnostics: Diagnostic[] = [];
  const scopes = new Map<string, DmarDeviceScope[]>(units.map((u) => [u.id, []]));
  const laterThan: [string, string][] = [];

  placePciScopes(resolved, units, scopes, laterThan, diagnostics);
  placeInterruptAndNamespaceScopes(resolved, scopes);
  const ordered = orderUnits(units, laterThan, diagnostics);

  const topology = resolved.topology;
  const dmar = topology.dmar ?? {};
  const structures: DmarRemappingStructure[] = [
    ...ordered.map((u) => drhd(u, scopes.get(u.id)!)),
    ...rmrrs(resolved),
    ...atsrs(resolved),
    ...units.filter((u) => u.node.proximityDomain !== undefined).map(rhsa),
    ...andds(resolved),
    ...satcs(resolved),
  ];
  const table: DmarTable = {
    ...generatedHeader(topology, 'DMAR', DMAR_REVISION),
    hostAddressWidth: (dmar.hostAddressWidth ?? DEFAULT_HOST_ADDRESS_WIDTH) - 1,
    flags: (dmar.interruptRemapping ? 1 : 0) | (dmar.x2apicOptOut ? 2 : 0) | (dmar.dmaControlOptIn ? 4 : 0),
    remappingStructures: structures,
  };
  return { table, diagnostics };
}

const includeAllOf = (units: readonly VtdIommu[], segment: number) =>
  units.find((u) => u.node.includeAll === true && (u.node.segment ?? 0) === segment);

/**
 * Walks each host bridge depth first, carrying the unit that already covers
 * the walk (the nearest sub-hierarchy scope above, else the include-all unit).
 */
function placePciScopes(
  resolved: ResolvedTopology,
  units: readonly VtdIommu[],
  scopes: Map<string, DmarDeviceScope[]>,
  laterThan: [string, string][],
  diagnostics: Diagnostic[],
): void {
  const isVtd = new Set(units.map((u) => u.id));
  const visit = (f: PciFunction, covering: { unit: string; by: PciFunction } | undefined, includeAll: string | undefined) => {
    const want = f.iommu !== null && isVtd.has(f.iommu) ? f.iommu : null;
    const current = covering?.unit ?? includeAll ?? null;
    let next = covering;
    if (want !== current) {
      if (want === null || want === includeAll) {
        diagnostics.push(cannotExpress(f, covering?.by, want));
      } else {
        scopes.get(want)!.push(pciScopeFor(f));
        if (covering) laterThan.push([want, covering.unit]);
        if (f.isBridge) next = { unit: want, by: f };
      }
    }
    for (const child of f.children) visit(child, next, includeAll);
  };
  for (const hb of resolved.hostBridges) {
    const includeAll = includeAllOf(units, hb.segment)?.id;
    for (const f of hb.functions) visit(f, undefined, includeAll);
  }
}

function cannotExpress(f: PciFunction, above: PciFunction | undefined, want: string | null): Diagnostic {
  const what = want === null ? 'bypass the IOMMU' : `use the include-all unit ${want}`;
  const why = above
    ? `the sub-hierarchy scope of ${above.id} covers it, and DMAR cannot exempt a device below a scope ` +
      '(Linux takes the first unit whose scope names the device or a bridge above it)'
    : 'an include-all unit takes every device of its segment that no scope names';
  return { severity: 'error', code: 'dmar-cannot-express', path: f.docPath, message: `${f.id} should ${what}, but ${why}` };
}

/** I/O APIC, HPET and ACPI namespace scopes: start bus and one hop from the device's source-id. */
function placeInterruptAndNamespaceScopes(resolved: ResolvedTopology, scopes: Map<string, DmarDeviceScope[]>): void {
  const t = resolved.topology;
  const add = (type: number, enumerationId: number, sourceId: string, iommu: string) => {
    const r = parseBdf(sourceId)!.rid;
    const devfn = ridDevfn(r);
    scopes.get(iommu)?.push({
      type,
      flags: 0,
      enumerationId,
      startBusNumber: ridBus(r),
      path: [{ device: devfn >> 3, function: devfn & 7 }],
    });
  };
  for (const a of t.ioapics ?? []) add(DmarScopeType.IOAPIC, a.ioapicId, a.sourceId, a.iommu);
  for (const h of t.hpets ?? []) add(DmarScopeType.MSI_CAPABLE_HPET, h.number, h.sourceId, h.iommu);
  for (const d of t.acpiDevices ?? []) add(DmarScopeType.ACPI_NAMESPACE_DEVICE, d.number, d.sourceId, d.iommu);
}

function drhd(u: VtdIommu, deviceScopes: DmarDeviceScope[]): DmarDrhd {
  return {
    type: 'DRHD',
    flags: (u.node.includeAll ? 1 : 0) | (u.node.atsRequired ? 2 : 0),
    size: u.node.registerSetSize ?? 0,
    segmentNumber: u.node.segment ?? 0,
    registerBaseAddress: parseAddress(u.node.base),
    deviceScopes,
  };
}

/** One RMRR per distinct region and segment, listing every function that uses it, by base address. */
function rmrrs(resolved: ResolvedTopology): DmarRmrr[] {
  const regions = new Map<string, DmarRmrr>();
  for (const f of resolved.functions) {
    for (const region of f.node.reservedMemory ?? []) {
      const base = parseAddress(region.base);
      const limit = base + parseAddress(region.size) - 1n;
      const key = `${f.segment}:${base}:${limit}`;
      let rmrr = regions.get(key);
      if (!rmrr) {
        rmrr = { type: 'RMRR', segmentNumber: f.segment, baseAddress: base, limitAddress: limit, deviceScopes: [] };
        regions.set(key, rmrr);
      }
      rmrr.deviceScopes.push(pciScopeFor(f));
    }
  }
  return [...regions.values()].sort((a, b) => a.segmentNumber - b.segmentNumber || (a.baseAddress < b.baseAddress ? -1 : 1));
}

/**
 * One ATSR per segment with ATS-capable root ports: ALL_PORTS when every root
 * port of the segment is ATS-capable (as QEMU writes it with device-iotlb),
 * else the capable ports as sub-hierarchy scopes.
 */
function atsrs(resolved: ResolvedTopology): DmarAtsr[] {
  const bySegment = new Map<number, PciFunction[]>();
  for (const f of resolved.functions) {
    if (f.kind !== 'pcie-root-port') continue;
    const ports = bySegment.get(f.segment);
    if (ports) ports.push(f);
    else bySegment.set(f.segment, [f]);
  }
  const out: DmarAtsr[] = [];
  for (const [segment, ports] of [...bySegment].sort((a, b) => a[0] - b[0])) {
    const capable = ports.filter((p) => p.node.ats === true);
    if (capable.length === 0) continue;
    const all = capable.length === ports.length;
    out.push({ type: 'ATSR', flags: all ? 1 : 0, segmentNumber: segment, deviceScopes: all ? [] : capable.map(pciScopeFor) });
  }
  return out;
}

function rhsa(u: VtdIommu): DmarRhsa {
  return { type: 'RHSA', registerBaseAddress: parseAddress(u.node.base), proximityDomain: u.node.proximityDomain! };
}

function andds(resolved: ResolvedTopology): DmarAndd[] {
  return (resolved.topology.acpiDevices ?? []).map((d) => ({ type: 'ANDD', acpiDeviceNumber: d.number, acpiObjectName: d.path }));
}

/** SoC-integrated devices with an ATC: ATS-capable root-complex integrated endpoints, per segment. */
function satcs(resolved: ResolvedTopology): DmarSatc[] {
  const bySegment = new Map<number, DmarDeviceScope[]>();
  for (const f of resolved.functions) {
    if (f.kind !== 'rciep' || f.node.ats !== true) continue;
    bySegment.set(f.segment, [...(bySegment.get(f.segment) ?? []), pciScopeFor(f)]);
  }
  const flags = resolved.topology.dmar?.atcRequired ? 1 : 0;
  return [...bySegment]
    .sort((a, b) => a[0] - b[0])
    .map(([segmentNumber, deviceScopes]) => ({ type: 'SATC', flags, segmentNumber, deviceScopes }));
}
