/**
 * A real machine's PCI tree (a HostSnapshot) as a ridmap topology: one host
 * bridge per root bus Linux made (`pciSSSS:BB`), the functions nested by the
 * bridge each sits behind, every bridge with the bus numbers its header
 * holds (secondaryBus/subordinateBus), so that the `firmware` numbering gives
 * every function the requester ID it has on the machine. Each node is typed
 * so that ridmap's groups are Linux's: from the PCIe capability's port type,
 * with ACS as config space says it and as Linux's quirks (linux-quirks.ts)
 * and the kernel command line override it.
 *
 * The topology is PCI-only (no `iommus`): which IOMMU translates what is the
 * machine's own tables' to say (`ridmap map TABLES --topology T`), and
 * host-oracle.ts compares that with what Linux did.
 *
 * The snapshot's parent links are the input's: the tree is built from them
 * breadth first without recursion, and a function whose parent chain does
 * not reach a root bus (a loop, a parent missing) is left out with a warning.
 */
import { isBridgeType, orderedChildren } from '../../model/numbering-tree.js';
import { formatDevfn } from '../../model/rid.js';
import type { HostBridge, PciNode, PciNodeType, Topology } from '../../model/topology-schema.js';
import { acsIsolates } from './config-space.js';
import { bridgesBySecondaryBus, busKey, hostSbdf, type HostPciFunction, type HostSnapshot } from './host-snapshot.js';
import { acsQuirk, dmaAliasQuirk, misreadAcsQuirk } from './linux-quirks.js';
import { topologyYaml } from '../yaml-out.js';
import { minOf } from '../../append.js';

export interface HostTopology {
  topology: Topology;
  /** Topology id of each function, by `ssss:bb:dd.f`. */
  ids: Map<string, string>;
  /** What the snapshot could not tell and was inferred or left out, each said once. */
  warnings: string[];
}

export interface HostTopologyOptions {
  /** The topology's name; default `host <source>`. */
  name?: string;
}

/** The id of a function: its sbdf as Linux prints it, made a valid topology Id. */
export const hostFunctionId = (sbdf: string): string => `pci-${sbdf}`;
/** The id of a root bus's host bridge: Linux's name for it (`/sys/devices/pci0000:00`). */
export const hostBridgeId = (segment: number, bus: number): string => `pci${hostSbdf(segment, bus, 0, 0).slice(0, 7)}`;

const PCI_BRIDGE_CLASS = 0x0604;
const DESCRIPTION =
  'PCI tree of a real machine as Linux enumerated it (bus numbers as its firmware programmed them). ' +
  'PCI-only: no iommus; the machine\'s own DMAR/IVRS/IORT/VIOT say which IOMMU translates what ' +
  '(ridmap map TABLES --topology this-file). Each device\'s note says what Linux did.';

/** What a function's class code says it is, for `model` (PCI Code and ID Assignment, base and a few sub-classes). */
const CLASS_NAMES: Readonly<Record<number, string>> = {
  0x0106: 'SATA controller', 0x0108: 'NVMe controller', 0x0200: 'Ethernet controller', 0x0300: 'VGA controller',
  0x0403: 'audio device', 0x0600: 'host bridge', 0x0601: 'ISA bridge', 0x0604: 'PCI bridge', 0x0805: 'SD host controller',
  0x0806: 'IOMMU', 0x0c03: 'USB controller', 0x0c05: 'SMBus controller',
};
const BASE_CLASS_NAMES: readonly string[] = [
  'unclassified device', 'mass storage controller', 'network controller', 'display controller', 'multimedia controller',
  'memory controller', 'bridge', 'communication controller', 'system peripheral', 'input device', 'docking station',
  'processor', 'serial bus controller', 'wireless controller', 'intelligent I/O controller', 'satellite controller',
  'encryption controller', 'signal processing controller', 'processing accelerator', 'non-essential instrumentation',
];

export function classModel(classCode: number | undefined): string | undefined {
  if (classCode === undefined) return undefined;
  const sub = classCode >> 8;
  return CLASS_NAMES[sub] ?? BASE_CLASS_NAMES[classCode >> 16];
}

/** PCIe ports whose secondary side is a link (one device below). */
const LINK_PORTS: ReadonlySet<PciNodeType> = new Set(['pcie-root-port', 'pcie-switch-downstream-port', 'pci-pcie-bridge']);
const CONVENTIONAL_BUSES: ReadonlySet<PciNodeType> = new Set(['pcie-pci-bridge', 'pci-bridge']);

interface Typed {
  type: PciNodeType;
  /** Why the type is a guess (the snapshot has no PCIe capability to read), or a fact worth a note. */
  guessed?: boolean;
  note?: string;
}

const isBridgeHeader = (f: HostPciFunction) => f.headerType === 1 || f.headerType === 2 || (f.headerType === undefined && f.classCode !== undefined && f.classCode >> 8 === PCI_BRIDGE_CLASS);

/**
 * The node type of a function, from its PCIe port type when config space
 * showed the capability list; else from the header, the class and where it
 * sits (a guess, warned). `parent` is the upstream bridge's type, undefined
 * on a root bus; `pcieRoot` whether that root bus is PCIe.
 */
export function hostNodeType(f: HostPciFunction, parent: PciNodeType | undefined, pcieRoot: boolean): Typed {
  const onLink = parent !== undefined && LINK_PORTS.has(parent);
  switch (f.pcieType) {
    case 'root-port':
      return { type: 'pcie-root-port' };
    case 'switch-upstream':
      return { type: 'pcie-switch-upstream-port' };
    case 'switch-downstream':
      return { type: 'pcie-switch-downstream-port' };
    case 'pcie-to-pci-bridge':
      return { type: 'pcie-pci-bridge' };
    case 'pci-to-pcie-bridge':
      return { type: 'pci-pcie-bridge' };
    case 'rc-event-collector':
      // Linux's pci_acs_enabled: an RC Event Collector never isolates; a conventional function on the root bus behaves so.
      return { type: 'pci-endpoint', note: 'RC Event Collector: Linux never counts it as ACS-isolated' };
    case 'rciep':
    case 'endpoint':
    case 'legacy-endpoint':
      return { type: parent === undefined ? 'rciep' : 'pcie-endpoint' };
  }
  if (f.pcieKnown) {
    // Config space was read far enough and shows no PCIe capability: conventional PCI.
    if (isBridgeHeader(f)) {
      return onLink ? { type: 'pcie-pci-bridge', note: 'a bridge without a PCIe capability below a PCIe port: typed PCIe-to-PCI' } : { type: 'pci-bridge' };
    }
    return onLink
      ? { type: 'pcie-endpoint', note: 'a function without a PCIe capability below a PCIe port; nothing between it and the port aliases its requester ID' }
      : { type: 'pci-endpoint' };
  }
  // No capability list to read: infer from header/class and the parent.
  if (isBridgeHeader(f)) {
    if (parent === undefined) return { type: pcieRoot ? 'pcie-root-port' : 'pci-bridge', guessed: true };
    if (parent === 'pcie-root-port' || parent === 'pcie-switch-downstream-port') return { type: 'pcie-switch-upstream-port', guessed: true };
    if (parent === 'pcie-switch-upstream-port') return { type: 'pcie-switch-downstream-port', guessed: true };
    return { type: 'pci-bridge', guessed: true };
  }
  if (parent === undefined) return { type: pcieRoot ? 'rciep' : 'pci-endpoint', guessed: true };
  if (CONVENTIONAL_BUSES.has(parent)) return { type: 'pci-endpoint', guessed: true };
  return { type: 'pcie-endpoint', guessed: true };
}

/** `pcie_acs_override=` (a patch many distributions' VFIO kernels carry): what it makes Linux count as isolating. */
interface AcsOverride {
  downstream: boolean;
  multifunction: boolean;
  ids: { vendor: number; device: number }[];
}

export function acsOverride(cmdline: string | undefined): AcsOverride | undefined {
  const m = /(?:^|\s)pcie_acs_override=(\S+)/.exec(cmdline ?? '');
  if (!m) return undefined;
  const out: AcsOverride = { downstream: false, multifunction: false, ids: [] };
  for (const part of m[1]!.split(',')) {
    if (part === 'downstream') out.downstream = true;
    else if (part === 'multifunction') out.multifunction = true;
    const id = /^id:([0-9a-f]{4}):([0-9a-f]{4})$/i.exec(part);
    if (id) out.ids.push({ vendor: parseInt(id[1]!, 16), device: parseInt(id[2]!, 16) });
  }
  return out;
}

function overrideApplies(o: AcsOverride, f: HostPciFunction, type: PciNodeType): boolean {
  if (o.downstream && (type === 'pcie-root-port' || type === 'pcie-switch-downstream-port')) return true;
  if (o.multifunction && f.multifunction && (type === 'pcie-endpoint' || type === 'rciep')) return true;
  return o.ids.some((i) => i.vendor === f.vendorId && i.device === f.deviceId);
}

/** A few sbdfs and how many more, for a warning that must stay one line whatever the snapshot holds. */
export function listed(items: readonly string[], separator = ', '): string {
  const shown = items.slice(0, 3).join(separator);
  return items.length > 3 ? `${shown} and ${items.length - 3} more` : shown;
}

/** Linux's IOMMU and group of a function, as the note says it. */
function linuxNote(f: HostPciFunction): string | undefined {
  if (f.iommu === undefined && f.group === undefined) return undefined;
  const iommu = f.iommu === undefined ? 'IOMMU unknown' : f.iommu === null ? 'no IOMMU' : f.iommu;
  const group = f.group === undefined ? 'group unknown' : f.group === null ? 'no group' : `group ${f.group}`;
  return `Linux: ${iommu}, ${group}`;
}

interface Draft {
  f: HostPciFunction;
  node: PciNode;
  /** Buses of the function and every function below it, for a bridge whose header was not read. */
  maxBus: number;
  children: Draft[];
}

export function hostTopology(snapshot: HostSnapshot, opts: HostTopologyOptions = {}): HostTopology {
  const warnings: string[] = [];
  const warnOnce = new Set<string>();
  const warn = (key: string, text: string) => {
    if (warnOnce.has(key)) return;
    warnOnce.add(key);
    warnings.push(text);
  };
  const bySbdf = new Map(snapshot.functions.map((f) => [f.sbdf, f]));
  const override = acsOverride(snapshot.cmdline);

  // Root buses: as Linux made them, else every bus a parentless function sits on.
  const roots = new Map<string, { segment: number; bus: number; acpiPath?: string; functions: HostPciFunction[] }>();
  const rootKey = busKey;
  for (const r of snapshot.rootBuses ?? []) roots.set(rootKey(r.segment, r.bus), { segment: r.segment, bus: r.bus, ...(r.acpiPath ? { acpiPath: r.acpiPath } : {}), functions: [] });
  const childrenOf = new Map<string, HostPciFunction[]>();
  // A function whose parent the source did not show (a filtered lspci -t): the bridge whose secondary bus it sits on, if one says so.
  const bridgeOfBus = bridgesBySecondaryBus(snapshot.functions);
  const orphans = new Map<string, string>();
  for (const f of snapshot.functions) {
    const parent = f.parent === undefined ? bridgeOfBus.get(rootKey(f.segment, f.bus)) ?? null : f.parent;
    if (parent === null || parent === f.sbdf) {
      const key = rootKey(f.segment, f.bus);
      if (!roots.has(key)) roots.set(key, { segment: f.segment, bus: f.bus, functions: [] });
      roots.get(key)!.functions.push(f);
    } else if (!bySbdf.has(parent)) {
      orphans.set(f.sbdf, `${f.sbdf} (below ${parent})`);
    } else {
      const list = childrenOf.get(parent) ?? [];
      list.push(f);
      childrenOf.set(parent, list);
    }
  }

  const ids = new Map<string, string>();
  const hostBridges: HostBridge[] = [];
  const drafts: Draft[] = [];
  const sortedRoots = [...roots.values()].sort((a, b) => a.segment - b.segment || a.bus - b.bus);
  let guessed = 0;
  let acsUnknown = 0;
  const belowEndpoint = new Set<string>();
  for (const root of sortedRoots) {
    const conventionalOnly = root.functions.length > 0 && root.functions.every((f) => f.pcieKnown && f.pcieType === undefined);
    const pcieRoot = !conventionalOnly;
    const hb: HostBridge = {
      id: hostBridgeId(root.segment, root.bus),
      ...(pcieRoot ? {} : { kind: 'pci' as const }),
      ...(root.segment !== 0 ? { segment: root.segment } : {}),
      rootBus: root.bus,
      ...(root.acpiPath ? { acpiPath: root.acpiPath } : {}),
      children: [],
    };
    hostBridges.push(hb);
    // Breadth first from the root bus: each function once (a parent loop never reaches here).
    const queue: { f: HostPciFunction; parentType: PciNodeType | undefined; into: PciNode[]; parentDraft?: Draft }[] =
      root.functions.map((f) => ({ f, parentType: undefined, into: hb.children }));
    for (let i = 0; i < queue.length; i++) {
      const { f, parentType, into, parentDraft } = queue[i]!;
      if (ids.has(f.sbdf)) continue;
      const typed = hostNodeType(f, parentType, pcieRoot);
      if (typed.guessed) guessed++;
      const node = functionNode(f, typed, override, snapshot);
      if (node.acs && node.type === 'pci-endpoint' && parentType === undefined && pcieRoot) {
        // Linux asks the quirks before it asks whether the function is PCIe at all; ridmap counts acs only on PCIe types.
        node.type = 'rciep';
        node.note = `${node.note}; typed rciep (it has no PCIe capability) so that the quirk's ACS counts, as Linux asks quirks first`;
      }
      if (node.acs === undefined && f.acs === undefined && needsAcs(f, typed.type)) acsUnknown++;
      into.push(node);
      ids.set(f.sbdf, node.id);
      const draft: Draft = { f, node, maxBus: f.bus, children: [] };
      drafts.push(draft);
      parentDraft?.children.push(draft);
      const below = childrenOf.get(f.sbdf) ?? [];
      if (below.length > 0 && !isBridgeType(typed.type)) {
        for (const c of below) belowEndpoint.add(c.sbdf);
        continue;
      }
      if (isBridgeType(typed.type)) node.children = [];
      for (const c of below) queue.push({ f: c, parentType: typed.type, into: node.children!, parentDraft: draft });
    }
  }
  if (orphans.size > 0) warn('orphans', `${listed([...orphans.values()])}: the upstream bridge is not in the snapshot; left out`);
  const unreached = snapshot.functions.filter((f) => !ids.has(f.sbdf) && !orphans.has(f.sbdf) && !belowEndpoint.has(f.sbdf));
  if (unreached.length > 0) warn('loop', `${listed(unreached.map((f) => f.sbdf))}: the chain of upstream bridges never reaches a root bus; left out`);
  if (belowEndpoint.size > 0) warn('below-endpoint', `${listed([...belowEndpoint])}: below a function that is not a bridge; left out`);
  busNumbers(drafts, warn);
  hostBridges.forEach((hb, i) => {
    // The bus below the next root bus of the segment is the last this host bridge decodes (numbering.ts hostBridgeBusLimit).
    const next = hostBridges.slice(i + 1).find((h) => (h.segment ?? 0) === (hb.segment ?? 0));
    placeUnnumbered(hb, next ? next.rootBus! - 1 : 0xff, warn);
  });
  // The YAML reads best with a bridge's bus numbers before what is behind it, and no empty children list.
  for (const { node } of drafts) {
    const children = node.children;
    delete node.children;
    if (children?.length) node.children = children;
  }
  if (guessed > 0) {
    warn('guessed', `${guessed} function(s) typed from header, class and place: the snapshot has no PCIe capability to read (config space shorter than 256 bytes, or lspci without -xxx)`);
  }
  if (acsUnknown > 0) {
    warn('acs-unknown', `ACS unknown for ${acsUnknown} port(s) or multi-function device(s): config space past 0x100 was not read${snapshot.privileged === false ? ' (the snapshot was not taken as root)' : ''}; ridmap assumes no ACS there, so its groups may be larger than Linux's`);
  }

  const topology: Topology = {
    name: opts.name ?? `host ${snapshot.source}`,
    description: DESCRIPTION,
    hostBridges,
  };
  return { topology, ids, warnings };
}

/** Functions whose isolation depends on an ACS capability (alias-groups.ts acsEnabled): ports, and multi-function PCIe endpoints. */
function needsAcs(f: HostPciFunction, type: PciNodeType): boolean {
  if (type === 'pcie-root-port' || type === 'pcie-switch-downstream-port') return true;
  return f.multifunction === true && (type === 'pcie-endpoint' || type === 'rciep' || type === 'pcie-switch-upstream-port');
}

function functionNode(f: HostPciFunction, typed: Typed, override: AcsOverride | undefined, snapshot: HostSnapshot): PciNode {
  const notes: string[] = [];
  const linux = linuxNote(f);
  if (linux) notes.push(linux);
  if (typed.note) notes.push(typed.note);
  const misread = misreadAcsQuirk(f);
  if (misread) notes.push(`Linux reads its ACS controls through ${misread}; the standard reading may be wrong`);
  let acs = acsIsolates(f.acs);
  const quirk = acsQuirk(f, { hasIvrs: snapshot.tables.some((t) => /^IVRS\d*$/.test(t.name)) });
  if (!acs && quirk) {
    acs = true;
    notes.push(`ACS by Linux's quirk ${quirk}`);
  }
  if (!acs && override && overrideApplies(override, f, typed.type)) {
    acs = true;
    notes.push(`ACS by the kernel command line's pcie_acs_override= (${snapshot.cmdline?.match(/pcie_acs_override=(\S+)/)?.[1] ?? ''})`);
  }
  const alias = dmaAliasQuirk(f);
  if (alias) notes.push(`DMA alias by Linux's ${alias.quirk}`);
  const model = classModel(f.classCode);
  return {
    id: hostFunctionId(f.sbdf),
    type: typed.type,
    addr: formatDevfn((f.device << 3) | f.fn),
    ...(acs ? { acs: true } : {}),
    ...(f.ats ? { ats: true } : {}),
    ...(alias ? { dmaAliases: [formatDevfn((f.device << 3) | alias.fn)] } : {}),
    ...(f.phantomFunctions ? { phantomFunctions: f.phantomFunctions } : {}),
    ...(f.vendorId !== undefined ? { vendorId: f.vendorId } : {}),
    ...(f.deviceId !== undefined ? { deviceId: f.deviceId } : {}),
    ...(model ? { model } : {}),
    ...(notes.length ? { note: notes.join('; ') } : {}),
  };
}

/**
 * Each bridge's secondary and subordinate bus: its header's, else (not read)
 * the bus its children sit on and the highest bus below it. A header that
 * contradicts where Linux found the children is a warning, and the
 * children's bus wins: the RIDs must be the machine's.
 */
function busNumbers(drafts: readonly Draft[], warn: (key: string, text: string) => void): void {
  // Drafts are breadth first: children after parents, so a reverse pass sees every subtree whole.
  for (let i = drafts.length - 1; i >= 0; i--) {
    const d = drafts[i]!;
    for (const c of d.children) d.maxBus = Math.max(d.maxBus, c.maxBus);
    if (!isBridgeType(d.node.type)) continue;
    const childBus = d.children.length ? minOf(d.children.map((c) => c.f.bus)) : undefined;
    let secondary = d.f.secondaryBus;
    let subordinate = d.f.subordinateBus;
    if (secondary !== undefined && (secondary <= d.f.bus || (childBus !== undefined && childBus !== secondary))) {
      warn(`buses:${d.f.sbdf}`, `${d.f.sbdf}: its header says secondary bus ${secondary}, but ${childBus === undefined ? 'that is not below its own bus' : `its functions sit on bus ${childBus}`}; ${childBus === undefined ? 'left unnumbered' : 'their bus is kept'}`);
      secondary = childBus;
      subordinate = undefined;
    }
    if (secondary === undefined) secondary = childBus;
    if (secondary === undefined) continue;
    subordinate = Math.max(subordinate ?? secondary, d.maxBus, secondary);
    d.maxBus = Math.max(d.maxBus, subordinate);
    d.node.secondaryBus = secondary;
    d.node.subordinateBus = subordinate;
  }
}

export interface HostYamlOptions {
  /** What the `# yaml-language-server: $schema=` header points at. */
  schemaRef: string;
  /** The command that imported it, for the header: `ridmap import sysfs`. */
  importedBy: string;
}

/** The topology as YAML (yaml-out.ts's house style), its header saying the kernel, its command line and what was inferred. */
export function hostTopologyYaml(snapshot: HostSnapshot, built: HostTopology, opts: HostYamlOptions): string {
  const header = [
    ...(snapshot.kernel ? [`Linux ${snapshot.kernel}${snapshot.cmdline ? `, command line: ${snapshot.cmdline}` : ''}`] : []),
    'PCI-only: the machine\'s DMAR/IVRS/IORT/VIOT say which IOMMU translates what; map them with --topology this file.',
    'Bus numbers: the bridges state the machine\'s own (secondaryBus/subordinateBus); keep the firmware numbering.',
    ...built.warnings,
  ];
  return topologyYaml(built.topology, { schemaRef: opts.schemaRef, importedBy: opts.importedBy, from: [snapshot.source], header, comments: new Map() });
}

/**
 * A bridge the snapshot gives no numbers for (header not read) and nothing
 * behind: its numbers change no RID, but the firmware numbering would give
 * it the next free bus, which a later bridge's stated bus may already hold.
 * It gets a free bus where the depth-first walk reaches it, below the next
 * stated one; when there is none, it is left as is and said.
 */
function placeUnnumbered(hb: HostBridge, limit: number, warn: (key: string, text: string) => void): void {
  // Depth first, devfn order, without recursion: enter and exit events.
  const events: { node: PciNode; exit: boolean }[] = [];
  const stack: { node: PciNode; exit: boolean }[] = orderedChildren(hb.children).reverse().map((e) => ({ node: e.node, exit: false }));
  while (stack.length > 0) {
    const ev = stack.pop()!;
    events.push(ev);
    if (ev.exit || !isBridgeType(ev.node.type)) continue;
    stack.push({ node: ev.node, exit: true });
    for (const c of orderedChildren(ev.node.children).reverse()) stack.push({ node: c.node, exit: false });
  }
  // The first stated secondary bus after each bridge in that order (a reverse pass, not a search per bridge).
  const enters = events.filter((e) => !e.exit && isBridgeType(e.node.type)).map((e) => e.node);
  const laterStated = new Map<PciNode, number>();
  let stated = limit + 1;
  for (let i = enters.length - 1; i >= 0; i--) {
    laterStated.set(enters[i]!, stated);
    if (enters[i]!.secondaryBus !== undefined) stated = enters[i]!.secondaryBus!;
  }
  let nextFree = (hb.rootBus ?? 0) + 1;
  for (const { node, exit } of events) {
    if (!isBridgeType(node.type)) continue;
    if (exit) {
      if (node.subordinateBus !== undefined) nextFree = Math.max(nextFree, node.subordinateBus + 1);
      continue;
    }
    if (node.secondaryBus !== undefined) {
      nextFree = Math.max(nextFree, node.secondaryBus + 1);
      continue;
    }
    const later = laterStated.get(node)!;
    if (nextFree < later) {
      node.secondaryBus = nextFree;
      node.subordinateBus = nextFree;
      nextFree++;
    } else {
      warn(`unnumbered:${node.id}`, `${node.id}: no bus numbers in the snapshot and no free bus before the next bridge's; the firmware numbering may refuse the topology`);
    }
  }
}
