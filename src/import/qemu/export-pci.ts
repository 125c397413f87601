/**
 * The PCI half of `export qemu`: one -device per function, parents before
 * children, each with its id, bus= and addr= so that QEMU puts it where the
 * topology does (no auto-placement). The machine's built-in functions are
 * not created (QEMU adds them), so the topology must have them where QEMU
 * puts them. Device models come from the importer's catalog (catalog.ts).
 */
import { childPath } from '../../model/doc-path.js';
import { devfn, formatDevfn, parseDevfn } from '../../model/rid.js';
import type { HostBridge, PciNode, Topology } from '../../model/topology-schema.js';
import { endpointForExport, lookupDevice, type EndpointChoice } from './catalog.js';
import { QEMU_ID } from './devices.js';
import type { ExportArg, MachinePlan } from './export-machine.js';
import type { ExportReport } from './export-problems.js';
import { pcBuiltins, q35Builtins, VIRT_BUILTINS } from './machines.js';
import { appendAll } from '../../append.js';

export interface PciPlan {
  devices: ExportArg[];
  /** -M options the root bus needs (sata=off, smbus=off). */
  machineProps: string[];
  /** Every root port has ATS: intel-iommu device-iotlb=on (QEMU's DMAR then has an ATSR for all of them). */
  deviceIotlb: boolean;
  /** -numa nodes 0..numaNodes-1 the expanders' numa_node= name. */
  numaNodes?: number;
}

/** The QEMU device of each bridge type (the importer's catalog roles, read back). */
const BRIDGE_DRIVERS: Partial<Record<PciNode['type'], string>> = {
  'pcie-root-port': 'pcie-root-port',
  'pcie-switch-upstream-port': 'x3130-upstream',
  'pcie-switch-downstream-port': 'xio3130-downstream',
  'pcie-pci-bridge': 'pcie-pci-bridge',
  'pci-bridge': 'pci-bridge',
};

/** Fields that say what no QEMU device does: each with why. */
const NO_QEMU_DEVICE: [keyof PciNode, string][] = [
  ['dmaAliases', 'a device that also issues DMA as other requester IDs: QEMU has no such device (Linux\'s alias quirks match real vendor/device IDs)'],
  ['phantomFunctions', 'phantom functions: no QEMU device uses them'],
  ['aliasAsPcieBridge', 'a bridge that aliases as a PCIe bridge: QEMU has no such bridge'],
  ['translateRoot', 'translateRoot: QEMU has no such device'],
  ['reservedMemory', 'reserved memory (RMRR): QEMU creates no reserved region for a device'],
  ['iommu', 'an IOMMU per device: QEMU assigns the IOMMU per root bus (bypass_iommu on -M or on a pxb-pcie)'],
  ['bypassIommu', 'bypassing the IOMMU per device: QEMU bypasses per root bus (default_bus_bypass_iommu on -M, bypass_iommu on a pxb-pcie)'],
  ['streamIdBase', 'a StreamID base: QEMU maps every RID to the same output ID'],
];

interface Ctx {
  plan: MachinePlan;
  report: ExportReport;
  devices: ExportArg[];
  chassis: number;
  rootPorts: PciNode[];
}


export function planPci(t: Topology, plan: MachinePlan, report: ExportReport): PciPlan {
  const ctx: Ctx = { plan, report, devices: [], chassis: 0, rootPorts: [] };
  const hosts = t.hostBridges ?? [];
  const main = hosts[0];
  const machineProps: string[] = [];
  if (!main) {
    report.refuse('hostBridges', 'no host bridge: QEMU\'s q35 and virt have one (pcie.0)');
    return { devices: [], machineProps, deviceIotlb: false };
  }
  const ROOT_BUS = plan.def.rootBus;
  hostBridgeChecks(main, 'hostBridges[0]', ctx);
  if (main.expander || (main.rootBus ?? 0) !== 0) {
    report.refuse('hostBridges[0]', 'the first host bridge is the machine\'s own (pcie.0, root bus 0); QEMU adds expanders to it');
  }
  // qemu-system-riscv64 11.1: "'pxb-pcie' is not a valid device model name".
  const riscv = plan.def.kind === 'riscv-virt';
  if (riscv) hosts.slice(1).forEach((_, i) => report.refuse(`hostBridges[${i + 1}]`, 'a second host bridge: qemu-system-riscv64 has no pxb-pcie expander, so RISC-V virt has one root bus'));
  const expanders = riscv ? [] : hosts.slice(1);
  expanders.forEach((h, i) => {
    const path = `hostBridges[${i + 1}]`;
    hostBridgeChecks(h, path, ctx);
    if (!h.expander) report.refuse(path, 'a second host bridge that is not an expander: QEMU adds host bridges only as pxb-pcie expanders');
    if (!QEMU_ID.test(h.id)) report.refuse(`${path}.id`, `id "${h.id}" is not a QEMU id (a letter, then letters, digits, '-', '.', '_'); a pxb-pcie's id names its bus`);
    if (h.busLimit !== undefined) report.refuse(`${path}.busLimit`, 'busLimit on an expander: QEMU\'s pxb-pcie takes only its first bus (bus_nr); its last is where the next root bus starts');
  });
  const root = rootBusProps(main, ctx);
  appendAll(machineProps, root.props);
  if (main.bypassIommu && plan.unit) {
    if (plan.def.kind === 'riscv-virt') report.refuse('hostBridges[0].bypassIommu', 'bypassing the IOMMU: RISC-V virt has no default_bus_bypass_iommu (QEMU 11.1: "Property \'virt-machine.default-bus-bypass-iommu\' not found")');
    else machineProps.push('default_bus_bypass_iommu=on');
  }
  if (plan.unit?.type === 'riscv-iommu-pci') riscvIommuPciPlace(plan.unit.device, main, report);

  // The root bus in devfn order; a pxb-pcie function is the next expander's.
  const pxbs = sorted(main.children, 'hostBridges[0].children').filter(({ node }) => node.model === 'pxb-pcie' && node.type === 'rciep');
  pxbs.slice(expanders.length).forEach(({ path }) =>
    report.refuse(path, 'a pxb-pcie function with no expander host bridge for it (each pxb-pcie creates one)'),
  );
  expanders.slice(pxbs.length).forEach((h, i) =>
    report.refuse(`hostBridges[${pxbs.length + i + 1}]`, `expander ${h.id} has no pxb-pcie function on the root bus: QEMU's expander is one ({ type: rciep, model: pxb-pcie })`),
  );
  const pxbFor = new Map(pxbs.slice(0, expanders.length).map(({ node }, i) => [node, expanders[i]!]));

  emitBus(main, 'hostBridges[0]', ROOT_BUS, withAmdViFunction(main, plan, root.builtins, report), ctx, (node, path) => {
    const h = pxbFor.get(node);
    if (!h) return undefined;
    ctx.report.note('qemu-export-builtin', path, `the pxb-pcie function of ${h.id}: QEMU's id= names the expander's bus, so import qemu names this function pxb-pcie@${ROOT_BUS}:${canonicalAddr(node.addr)}`, 'info');
    const bypass: [string, string][] = h.bypassIommu && plan.unit ? [['bypass_iommu', 'on']] : [];
    const numa: [string, string][] = h.proximityDomain !== undefined ? [['numa_node', String(h.proximityDomain)]] : [];
    return { driver: 'pxb-pcie', props: [['id', h.id], ['bus_nr', `0x${(h.rootBus ?? 0).toString(16)}`], ...bypass, ...numa] };
  });
  expanders.forEach((h, i) => emitBus(h, `hostBridges[${i + 1}]`, h.id, new Set(), ctx, () => undefined));

  if (main.proximityDomain !== undefined) report.notCarried('hostBridges[0].proximityDomain', 'proximityDomain: QEMU gives the machine\'s own root bus no _PXM (numa_node is a pxb-pcie property)');
  const numaNodes = numaNodeCount(expanders, report);

  // device-iotlb puts every root port in the ATSR: only when the topology says ATS on all of them.
  const atsPorts = ctx.rootPorts.filter((p) => p.ats);
  const deviceIotlb = plan.unit?.type === 'vtd' && atsPorts.length > 0 && atsPorts.length === ctx.rootPorts.length;
  return { devices: ctx.devices, machineProps, deviceIotlb, ...(numaNodes > 0 ? { numaNodes } : {}) };
}

/** QEMU's MAX_NODES ("Max number of NUMA nodes reached: 128"). */
const QEMU_MAX_NUMA_NODES = 128;

/**
 * How many -numa nodes the expanders' numa_node= need: QEMU takes node IDs
 * from 0 without a gap ("numa: Node ID missing"), so every ID up to the
 * highest proximity domain; 0 when no expander has one.
 */
function numaNodeCount(expanders: readonly HostBridge[], report: ExportReport): number {
  let count = 0;
  expanders.forEach((h, i) => {
    const pd = h.proximityDomain;
    if (pd === undefined) return;
    if (pd >= QEMU_MAX_NUMA_NODES) report.refuse(`hostBridges[${i + 1}].proximityDomain`, `proximityDomain ${pd}: QEMU has NUMA nodes 0-${QEMU_MAX_NUMA_NODES - 1} only`);
    else count = Math.max(count, pd + 1);
  });
  return count;
}

function hostBridgeChecks(h: HostBridge, path: string, ctx: Ctx): void {
  const { report, plan } = ctx;
  if ((h.segment ?? 0) !== 0) report.refuse(`${path}.segment`, 'a PCI segment other than 0: QEMU\'s q35 and virt (Arm\'s and RISC-V\'s) have segment 0 only');
  const main = path === 'hostBridges[0]';
  if (plan.def.kind === 'pc' && !main) {
    report.refuse(path, 'an expander on pc: QEMU\'s pxb puts a PCI-to-PCI bridge of its own on its root bus, which import qemu does not model yet');
  } else if ((h.kind ?? 'pcie') !== plan.def.rootBusKind) {
    report.refuse(`${path}.kind`, h.kind === 'pci'
      ? 'a conventional PCI root bus beside a PCIe one: only pc (i440FX) has a conventional root bus, and its expanders are not exported'
      : `a PCIe root bus on ${machineName(plan)}, whose root bus is conventional PCI`);
  }
  if (h.streamIdBase !== undefined) report.refuse(`${path}.streamIdBase`, 'a StreamID base: QEMU maps every RID to the same output ID');
  if (h.msiController !== undefined && h.msiController !== plan.its?.id) report.refuse(`${path}.msiController`, 'virt sends every root bus\'s MSIs to its one ITS');
  if (h.iommu !== undefined && plan.unit && h.iommu !== plan.unit.id) report.refuse(`${path}.iommu`, `QEMU's IOMMU is ${plan.unit.id}`);
  for (const key of ['ats', 'acpiPath', 'memoryAddressSizeLimit'] as const) {
    if (h[key] !== undefined) report.notCarried(`${path}.${key}`, `${key}: import qemu does not set it`);
  }
  if (plan.def.kind === 'q35' && h.ecam !== undefined) report.notCarried(`${path}.ecam`, 'ecam: QEMU\'s q35 has its ECAM where its firmware puts it (MCFG)');
}

/**
 * hw/riscv/virt.c records the riscv-iommu-pci's B/D/F when it is plugged,
 * before the firmware numbers the buses: behind a bridge its bus reads 0, so
 * QEMU's RIMT and DT name another function (or, at 00.0, QEMU writes no RIMT).
 * Only on the root bus is the B/D/F QEMU describes the function's own.
 */
function riscvIommuPciPlace(device: string, main: HostBridge, report: ExportReport): void {
  if (!main.children.some((c) => c.id === device)) {
    report.refuse('iommus[0].device', `${device} is not on the root bus: QEMU's RISC-V virt takes the riscv-iommu-pci's B/D/F before the firmware numbers the buses, so its tables are right for a riscv-iommu-pci on bus 0 only`);
  }
}

/** The machine as messages name it (`riscv-virt` is the importer's kind, not a name QEMU or a user writes). */
const machineName = (plan: MachinePlan) => (plan.def.kind === 'riscv-virt' ? 'RISC-V virt' : plan.def.kind);

/** The machine's own functions on pcie.0: the topology must have them (QEMU adds them whatever the command line says). */
function rootBusProps(main: HostBridge, ctx: Ctx): { props: string[]; builtins: Set<string> } {
  const { plan, report } = ctx;
  const at = new Map(main.children.map((c, i) => [canonicalAddr(c.addr), { node: c, path: `hostBridges[0].children[${i}]` }]));
  const props: string[] = [];
  const pcUsb = at.get('01.2')?.node.model === 'piix3-usb-uhci';
  const fixed = plan.def.kind === 'q35' ? q35Builtins({ sata: false, smbus: at.has('1f.3'), usb: false })
    : plan.def.kind === 'pc' ? pcBuiltins({ usb: pcUsb }) : VIRT_BUILTINS;
  // pc's UHCI at 01.2 comes with usb=on (import reads -usb or usb=on).
  if (pcUsb) props.push('usb=on');
  const builtinType = plan.def.rootBusKind === 'pci' ? 'pci-endpoint' : 'rciep';
  if (plan.def.kind === 'q35') {
    // AHCI is a -device of its own (it keeps its id), so the built-in one goes.
    props.push('sata=off');
    if (!at.has('1f.3')) props.push('smbus=off');
  }
  for (const b of fixed) {
    const addr = `${b.slot.toString(16).padStart(2, '0')}.${b.fn}`;
    const here = at.get(addr);
    if (!here) {
      report.refuse('hostBridges[0].children', `QEMU's ${machineName(plan)} always has its ${b.driver} at 00:${addr}; the topology has no function there`);
    } else if (here.node.type !== builtinType || here.node.children?.length) {
      report.refuse(here.path, `QEMU's ${machineName(plan)} has its built-in ${b.driver} at 00:${addr}, ${builtinType === 'rciep' ? 'an integrated endpoint' : 'a conventional PCI function'}`);
    } else {
      report.note('qemu-export-builtin', here.path, `${here.node.id} is QEMU's built-in ${b.driver}: import qemu names it ${b.driver}@${plan.def.rootBus}:${addr}`, 'info');
    }
  }
  return { props, builtins: new Set(fixed.map((b) => `${b.slot.toString(16).padStart(2, '0')}.${b.fn}`)) };
}

/**
 * amd-iommu creates its own PCI function on the root bus (no -device of its
 * own): left out of the devices like a built-in one. Elsewhere QEMU cannot
 * put it.
 */
function withAmdViFunction(main: HostBridge, plan: MachinePlan, builtins: ReadonlySet<string>, report: ExportReport): ReadonlySet<string> {
  const unit = plan.unit;
  if (unit?.type !== 'amd-vi') return builtins;
  const at = main.children.findIndex((c) => c.id === unit.device);
  if (at < 0) {
    report.refuse('iommus[0].device', `QEMU puts amd-iommu's own function on the root bus ${plan.def.rootBus}, where the topology has no "${unit.device}"`);
    return builtins;
  }
  return new Set([...builtins, canonicalAddr(main.children[at]!.addr)]);
}

/** `dd.f` as QEMU's addr= and import qemu's names write it (the topology may write `2.0` or `1F.2`). */
function canonicalAddr(addr: string): string {
  const d = parseDevfn(addr);
  return d ? formatDevfn(devfn(d.device, d.fn)) : addr;
}

function sorted(children: readonly PciNode[] | undefined, base: string): { node: PciNode; path: string; addr: string }[] {
  return (children ?? []).map((node, i) => ({ node, path: childPath(base, i), addr: canonicalAddr(node.addr) })).sort((a, b) => a.addr.localeCompare(b.addr));
}

type Special = (node: PciNode, path: string) => EndpointChoice | undefined;

/** A host bridge's tree, parents first, each bus in devfn order (an explicit stack: the depth is the input's). */
function emitBus(h: HostBridge, hostPath: string, busName: string, skip: ReadonlySet<string>, ctx: Ctx, special: Special): void {
  type Item = { node: PciNode; path: string; addr: string; bus: string; conventional: boolean; slotShared: boolean };
  const stack: Item[] = [];
  const pushBus = (children: readonly PciNode[] | undefined, base: string, bus: string, conventional: boolean, top: boolean) => {
    const all = sorted(children, base);
    const slot = (addr: string) => addr.split('.')[0];
    const items = all.filter(({ addr }) => !(top && skip.has(addr)));
    for (const { node, path, addr } of items.reverse()) {
      // Function 0 of a slot with other functions must say multifunction=on.
      const slotShared = addr.endsWith('.0') && all.some((o) => o.addr !== addr && slot(o.addr) === slot(addr));
      stack.push({ node, path, addr, bus, conventional, slotShared });
    }
  };
  pushBus(h.children, childPath(hostPath, 'children'), busName, false, true);
  while (stack.length > 0) {
    const item = stack.pop()!;
    const { node, path, addr } = item;
    const props = nodeDevice(item.node, path, item.conventional, ctx, special);
    if (!props) continue;
    const model = lookupDevice(props.driver).model;
    for (const key of ['vendorId', 'deviceId'] as const) {
      if (node[key] !== undefined && node[key] !== model[key]) ctx.report.notCarried(`${path}.${key}`, `${key}: QEMU's ${props.driver} has its own`);
    }
    // A function import qemu named itself (<driver>@<bus>:<dd.f>) gets that name back without id=.
    const ownName = node.id === `${props.driver}@${item.bus}:${addr}`;
    const id = props.props.some(([k]) => k === 'id') || ownName ? [] : [`id=${node.id}`];
    const value = [props.driver, ...id, ...props.props.map(([k, v]) => `${k}=${v}`), `bus=${item.bus}`, `addr=${addr}`];
    if (item.slotShared) value.push('multifunction=on');
    ctx.devices.push({ name: '-device', value: value.join(','), path });
    if (node.children?.length) {
      const conventional = node.type === 'pcie-pci-bridge' || node.type === 'pci-bridge';
      pushBus(node.children, childPath(path, 'children'), node.id, conventional, false);
    }
  }
}

/** `<driver>@<bus>:<dd.f>`: how import qemu names a function without id=; a bridge so named has no bus name QEMU knows. */
const isOwnName = (id: string) => /^[A-Za-z][\w.-]*@[\w.@:-]+:[0-9a-f]{2}\.[0-7]$/.test(id);

/** The -device for one node: driver and properties (without bus/addr), or undefined when refused. */
function nodeDevice(node: PciNode, path: string, conventionalBus: boolean, ctx: Ctx, special: Special): EndpointChoice | undefined {
  const { report, plan } = ctx;
  let ok = true;
  if (!QEMU_ID.test(node.id) && (!isOwnName(node.id) || node.children?.length)) {
    report.refuse(`${path}.id`, `id "${node.id}" is not a QEMU id (a letter, then letters, digits, '-', '.', '_')`);
    ok = false;
  }
  for (const [key, why] of NO_QEMU_DEVICE) {
    if (node[key] !== undefined) {
      report.refuse(`${path}.${key}`, why);
      ok = false;
    }
  }
  if (node.msiController !== undefined && node.msiController !== plan.its?.id) {
    report.refuse(`${path}.msiController`, 'virt sends every device\'s MSIs to its one ITS');
    ok = false;
  }
  const bridge = BRIDGE_DRIVERS[node.type];
  if (node.type === 'pci-pcie-bridge') {
    report.refuse(path, 'a PCI-to-PCIe bridge: QEMU has no such bridge model');
    return undefined;
  }
  if (node.reserveBuses !== undefined && node.type !== 'pcie-root-port') {
    report.refuse(`${path}.reserveBuses`, 'reserveBuses: QEMU\'s bus-reserve is a pcie-root-port property');
    ok = false;
  }
  if (node.acs && node.type !== 'pcie-root-port') {
    report.refuse(`${path}.acs`, `ACS on a ${node.type}: ridmap's QEMU catalog gives ACS to pcie-root-port only (disable-acs), so import qemu would not give it back`);
    ok = false;
  }
  if (node.ats && node.type !== 'pcie-root-port') report.notCarried(`${path}.ats`, 'ATS on a device: import qemu reads device-iotlb as ATS on the root ports only');
  if (!ok) return undefined;
  if (bridge) return bridgeDevice(node, bridge, path, ctx);
  if (node.children?.length) {
    report.refuse(path, `a ${node.type} with children`);
    return undefined;
  }
  const pxb = special(node, path);
  if (pxb) return pxb;
  if (plan.unit?.type === 'virtio-iommu-pci' && plan.unit.device === node.id) return { driver: 'virtio-iommu-pci', props: [] };
  if (plan.unit?.type === 'riscv-iommu-pci' && plan.unit.device === node.id) return { driver: 'riscv-iommu-pci', props: [] };
  const choice = endpointForExport(node.model, node.id, conventionalBus);
  if (choice.replaced) report.note('qemu-export-model', path, `${choice.replaced}; exported as ${choice.driver} (the map is the same)`, 'warning');
  return choice;
}

function bridgeDevice(node: PciNode, driver: string, path: string, ctx: Ctx): EndpointChoice {
  const props: [string, string][] = [];
  // QEMU refuses two PCIe ports with one chassis/slot pair, and a pci-bridge without chassis_nr (1-255).
  const chassis = () => {
    ctx.chassis++;
    return [String(((ctx.chassis - 1) % 255) + 1), String(Math.floor((ctx.chassis - 1) / 255))] as const;
  };
  if (node.type === 'pcie-root-port' || node.type === 'pcie-switch-downstream-port') {
    const [c, s] = chassis();
    props.push(['chassis', c], ['slot', s]);
  }
  if (node.type === 'pci-bridge') {
    if (ctx.chassis >= 255) ctx.report.refuse(path, 'more than 255 bridges and ports: QEMU\'s pci-bridge chassis_nr runs out');
    props.push(['chassis_nr', chassis()[0]]);
  }
  if (node.type === 'pcie-root-port') {
    ctx.rootPorts.push(node);
    if (node.reserveBuses !== undefined) props.push(['bus-reserve', String(node.reserveBuses)]);
    if (!node.acs && ctx.plan.rootPortsAlwaysAcs) {
      ctx.report.refuse(path, 'a root port without ACS: QEMU 11.1\'s pcie-root-port always has ACS (its disable-acs property is gone)');
    } else if (!node.acs) props.push(['disable-acs', 'on']);
  }
  return { driver, props };
}
