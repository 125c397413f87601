/**
 * resolveTopology: a validated Topology under one bus-numbering policy becomes
 * the resolved topology, the one fact every output projects (DESIGN.md):
 * every PCI function with its BDF, DMAR path, DMA aliases, IOMMU and output
 * IDs and alias group; the IOMMUs with their identities; the platform
 * devices; the translation map; and the model findings.
 */
import { addressSpaceMembers, groupSplitAddressSpace, incompatibleIommus } from './address-space-findings.js';
import { aliasCollisions, groupSplitIommu, linuxRefusals } from './device-findings.js';
import { deviceEntries } from './devices.js';
import { parseAddress } from './address.js';
import { assignAliasGroups } from './alias-groups.js';
import { dmaAliases } from './aliasing.js';
import { assignTranslations, nearestMsiController, TOPOLOGY_SOURCE } from './iommu-assignment.js';
import { iommuPciFunction, itsIdentity, resolveIommus } from './iommu-identity.js';
import { deviceMsiOf, msiRuns } from './device-msi.js';
import { msiTable } from './msi-assignment.js';
import { DEFAULT_LINUX_TARGET, type LinuxTarget } from './linux-profile.js';
import { numberBuses, type BusNumbering } from './numbering.js';
import { DEFAULT_NUMBERING } from './numbering-policies.js';
import { isBridgeType, orderedChildren } from './numbering-tree.js';
import type { PathHop, PciFunction, ResolvedHostBridge, ResolvedIommu, ResolvedPlatformDevice, ResolvedTopology } from './resolved.js';
import { rid } from './rid.js';
import { childrenPath } from './doc-path.js';
import type { PciNode, Topology } from './topology-schema.js';
import type { DeviceEntry, MmioTranslation, TranslationMap } from './translation-map.js';

export interface ResolveOptions {
  /** Bus-numbering policy name (NUMBERING_POLICIES); default `firmware`. */
  numbering?: string;
  /** The kernel series and firmware interface the map predicts for; default the newest profile under ACPI. */
  linux?: LinuxTarget;
}

/** Placeholders until a function's lists are filled in (an endpoint keeps NO_FUNCTIONS): frozen, shared. */
const NO_FUNCTIONS = Object.freeze([]) as unknown as PciFunction[];
const NO_RIDS = Object.freeze([]) as unknown as number[];

/** The (device, function) hop of each devfn, made once and shared by every path through it (frozen). */
const HOPS: readonly PathHop[] = Array.from({ length: 256 }, (_, df) => Object.freeze({ device: df >> 3, fn: df & 7 }));
const hopOf = (devfn: number): PathHop => HOPS[devfn]!;

/** Host bridges and their functions, numbered, depth-first; assignment fields are filled in later. */
function buildTree(topology: Topology, numbering: BusNumbering): { hostBridges: ResolvedHostBridge[]; functions: PciFunction[] } {
  const hostBridges: ResolvedHostBridge[] = [];
  const functions: PciFunction[] = [];

  (topology.hostBridges ?? []).forEach((node, index) => {
    const buses = numbering.hostBridges.get(node.id)!;
    const hostBridge: ResolvedHostBridge = {
      id: node.id,
      node,
      docPath: `hostBridges[${index}]`,
      kind: node.kind ?? 'pcie',
      segment: node.segment ?? 0,
      rootBus: buses.rootBus,
      busLimit: buses.busLimit,
      subordinate: buses.subordinate,
      functions: [],
    };
    hostBridges.push(hostBridge);

    const addBus = (children: readonly PciNode[] | undefined, bus: number, parent: PciFunction | null, docPath: string, path: PathHop[]) =>
      orderedChildren(children).map(({ node: child, index: i, device, fn, devfn }) => {
        const bridge = isBridgeType(child.type);
        const f: PciFunction = {
          id: child.id,
          node: child,
          kind: child.type,
          docPath: childrenPath(docPath, i),
          hostBridge,
          parent,
          segment: hostBridge.segment,
          bus,
          device,
          fn,
          devfn,
          rid: rid(bus, devfn),
          // concat, not [...path, hop]: a spread grows the list as push does, to 17 slots, for a path of 2 or 3 (~130 bytes per function).
          path: path.concat(hopOf(devfn)),
          isBridge: bridge,
          children: NO_FUNCTIONS,
          aliases: NO_RIDS,
          iommu: null,
          outputIds: NO_RIDS,
          group: '',
          msiController: null,
        };
        // Set, not spread into the literal: a spread of one of two shapes made every function's creation slow.
        if (bridge) {
          const buses = numbering.bridges.get(child.id)!;
          f.secondary = buses.secondary;
          f.subordinate = buses.subordinate;
        }
        f.aliases = dmaAliases(f);
        // The nearest setting from the function up: its own, else its parent's (already resolved), without a chain per function.
        f.msiController =
          child.msiController !== undefined ? child.msiController : parent ? parent.msiController : nearestMsiController([node]);
        functions.push(f);
        if (bridge) f.children = addBus(child.children, f.secondary!, f, f.docPath, f.path);
        return f;
      });

    hostBridge.functions = addBus(node.children, buses.rootBus, null, hostBridge.docPath, []);
  });
  return { hostBridges, functions };
}

function resolvePlatformDevices(topology: Topology): ResolvedPlatformDevice[] {
  return (topology.platformDevices ?? []).map((node, index) => ({
    id: node.id,
    node,
    docPath: `platformDevices[${index}]`,
    base: parseAddress(node.base),
    iommu: node.iommu ?? null,
    outputIds: node.iommu === undefined ? [] : [...(node.streamIds ?? [])],
  }));
}

/**
 * The MSI side of the topology's own map, where it has MSI controllers:
 * each RID's ITS by the msiController settings (msi-assignment.ts), DeviceID
 * the RID, as the IORT and DT ridmap builds say; each device's MSIs by the
 * requester ID Linux sends them with.
 */
function topologyMsi(topology: Topology, hostBridges: ResolvedHostBridge[], functions: PciFunction[], byId: ReadonlyMap<string, PciFunction>): Partial<TranslationMap> {
  if ((topology.msiControllers ?? []).length === 0) return {};
  const identityOf = itsIdentities(topology);
  const { msi, msiEntries } = msiRuns(msiTable({ hostBridges, functions }), TOPOLOGY_SOURCE);
  for (const m of msi) m.its = identityOf.get(m.its) ?? m.its;
  return { msi, msiEntries, deviceMsi: deviceMsiOf(byId, msi) };
}

function mmioTranslations(devices: readonly ResolvedPlatformDevice[], iommus: readonly ResolvedIommu[], topology: Topology): MmioTranslation[] {
  const identityOf = new Map(iommus.map((u) => [u.id, u.identity]));
  const its = itsIdentities(topology);
  return devices
    .filter((d) => d.iommu !== null && identityOf.has(d.iommu))
    .map((d) => {
      // Its MSIs: the msiController's ITS, DeviceID its deviceId or else its first stream ID (as the IORT and DT builds say).
      const group = d.node.msiController === undefined ? undefined : its.get(d.node.msiController);
      const deviceId = d.node.deviceId ?? d.node.streamIds?.[0];
      const msi = group !== undefined && deviceId !== undefined ? { msi: { its: group, deviceId } } : {};
      return { id: d.id, base: d.base, iommu: identityOf.get(d.iommu!)!, outputIds: [...d.outputIds], source: TOPOLOGY_SOURCE, ...msi };
    });
}

/** Each MSI controller's identity by its id: its base where given, else its first ITS ID. */
function itsIdentities(topology: Topology): Map<string, string> {
  return new Map((topology.msiControllers ?? []).map((g) => [g.id, itsIdentity({ ...(g.base === undefined ? {} : { base: parseAddress(g.base) }), translationId: g.itsIds[0]! })]));
}

/**
 * Whether Linux enables the ACS controls the ports have: the IOMMU's
 * firmware code asks for it (pci_request_acs()) before PCI enumeration.
 * DMAR's, IORT's and VIOT's code do; of_iommu's asks too late on the
 * kernels with dtAcsLate. Linux's RIMT code (drivers/acpi/riscv/rimt.c,
 * 6.17 to 7.x) never asks, so under ACPI a machine whose IOMMUs are all
 * RISC-V ones has no port isolating: each root port shares a group with
 * everything below it (booted: Debian's riscv64 7.2.12 on QEMU 11.1).
 */
function acsEnabled(topology: Topology, linux: LinuxTarget): boolean {
  if (linux.firmware === 'dt') return !linux.profile.dtAcsLate;
  const iommus = topology.iommus ?? [];
  return !(iommus.length > 0 && iommus.every((u) => u.type === 'riscv-iommu' || u.type === 'riscv-iommu-pci'));
}

export function resolveTopology(topology: Topology, opts: ResolveOptions = {}): ResolvedTopology {
  return resolveNumbered(topology, numberBuses(topology, opts.numbering ?? DEFAULT_NUMBERING), opts.linux);
}

/** resolveTopology with the buses already numbered (renumber.ts numbers them first to see whether anything moved). */
export function resolveNumbered(topology: Topology, numbering: BusNumbering, linuxTarget?: LinuxTarget): ResolvedTopology {
  const { hostBridges, functions } = buildTree(topology, numbering);
  const byId = new Map(functions.map((f) => [f.id, f]));
  const iommus = resolveIommus(topology, (id) => byId.get(id));
  const assigned = assignTranslations(hostBridges, functions, iommus);
  const linux = linuxTarget ?? DEFAULT_LINUX_TARGET;
  const groups = assignAliasGroups(functions, acsEnabled(topology, linux));

  const devices = deviceEntries(functions, assigned.translations, linux.profile);
  const idOfIdentity = new Map(iommus.map((u) => [u.identity, u.id]));
  devices.forEach((entry, i) => {
    const f = functions[i]!;
    f.iommu = entry.iommu === null ? null : idOfIdentity.get(entry.iommu)!;
    f.outputIds = entry.outputIds;
    if (entry.refused) f.refused = entry.refused;
  });

  const platformDevices = resolvePlatformDevices(topology);
  const mmio = mmioTranslations(platformDevices, iommus, topology);
  const addressSpaces = topology.addressSpaces ?? [];
  // Only the address spaces' own devices are looked up: with none, no entry per device.
  const members = addressSpaces.length === 0 ? new Map() : addressSpaceMembers(devices, mmio, (id) => byId.get(id)?.node.ats === true);
  const pathOf = (id: string) => byId.get(id)?.docPath;
  const iommuFunctions = new Set(
    iommus.flatMap((u) => iommuPciFunction(u.node) ?? []),
  );

  const findings = [
    ...assigned.findings,
    ...groupSplitIommu(devices, { iommuFunctions, pathOf }),
    ...aliasCollisions(devices, { pathOf }),
    ...linuxRefusals(devices, { pathOf }),
    ...groupSplitAddressSpace(addressSpaces, members),
    ...incompatibleIommus(addressSpaces, members, iommus),
  ];

  return {
    topology,
    numbering: numbering.policy,
    linux,
    hostBridges,
    functions,
    byId,
    platformDevices,
    iommus,
    groups,
    map: { translations: assigned.translations, entries: assigned.entries, devices, mmio, findings: [], ...topologyMsi(topology, hostBridges, functions, byId) },
    findings,
  };
}
