/**
 * A snapshot's manifest facts and files → HostSnapshot: each PCI function
 * with its config-space facts, its parent (from where sysfs puts its
 * directory), Linux's IOMMU and group; the root buses; the IOMMUs with their
 * register base, PCI function and registers; the firmware tables.
 *
 * What the manifest does not say stays absent, and facts that disagree
 * (a config file shorter than the manifest says, a group listing a device
 * whose own link names another) become warnings: the snapshot is the
 * machine's word, so nothing is repaired.
 */
import { configFacts } from '../host/config-space.js';
import { type HostIommu, type HostPciFunction, type HostRootBus, type HostSnapshot, type HostTable, hostSbdf, parseHostSbdf } from '../host/host-snapshot.js';
import type { ManifestFact } from './manifest.js';
import { snapshotInvalid } from './snapshot-error.js';
import type { SnapshotFiles } from './snapshot-files.js';

/** `pciSSSS:BB`, the directory Linux makes for a root bus under /sys/devices. */
const ROOT_BUS = /^pci([0-9a-f]{4,5}):([0-9a-f]{2})$/i;
/** `smmu3.0x<base>` (arm-smmu-v3) and `smmu.0x<base>` (arm-smmu): Linux names these units after their register base. */
const SMMU_NAME = /^smmu3?\.0x([0-9a-f]+)$/i;
/**
 * A function in a PCI domain of more than 16 bits: Linux numbers the domains
 * behind an Intel VMD (Volume Management Device) from 0x10000 (pci/controller/vmd.c),
 * so that they never clash with firmware segments. No ACPI table names them: the
 * IOMMU sees their requests as the VMD endpoint's own.
 */
const VMD_FUNCTION = /^[0-9a-f]{5,}:[0-9a-f]{2}:[0-9a-f]{2}\.[0-7]$/i;
/** The tables the script copies, and the DT blob. */
const TABLE_NAMES = /^([A-Z0-9]{4}|fdt)$/;

export function buildHostSnapshot(facts: readonly ManifestFact[], files: SnapshotFiles): HostSnapshot {
  const file = files.manifestName;
  const snapshot: HostSnapshot = { source: files.source, functions: [], iommus: [], tables: [], warnings: [] };
  const functions = new Map<string, HostPciFunction & { configSize?: number | 'unreadable' }>();
  const rootBuses = new Map<string, HostRootBus>();
  const iommus = new Map<string, HostIommu & { device?: string }>();
  /** group → its devices, from /sys/kernel/iommu_groups. */
  const groups = new Map<string, { line: number; devices: string[] }>();
  const warn = (fact: ManifestFact, text: string) => snapshot.warnings.push(`${file}:${fact.line}: ${text}`);
  const fail = (fact: ManifestFact, text: string) => snapshotInvalid(file, text, undefined, undefined, fact.line);

  /** Functions left out (VMD domains), each warned about once. */
  const leftOut = new Set<string>();
  const functionOf = (fact: ManifestFact) => {
    const key = fact.name.toLowerCase();
    let fn = functions.get(key);
    if (!fn) {
      if (VMD_FUNCTION.test(key)) {
        if (!leftOut.has(key)) warn(fact, `${key} is in PCI domain ${key.slice(0, key.indexOf(':'))}, behind an Intel VMD: no firmware table names such functions and the IOMMU sees them as the VMD endpoint, so they are left out`);
        leftOut.add(key);
        return undefined;
      }
      const id = /^[0-9a-f]{4}:[0-9a-f]{2}:[0-9a-f]{2}\.[0-7]$/i.test(fact.name) ? parseHostSbdf(fact.name) : undefined;
      if (!id) throw fail(fact, `"${fact.name}" is not a PCI function name (ssss:bb:dd.f)`);
      // Linux knows every function's IOMMU, group and driver: a link the script did not list is absent.
      fn = { ...id, sbdf: hostSbdf(id.segment, id.bus, id.device, id.fn), iommu: null, group: null, driver: null };
      functions.set(key, fn);
    }
    return fn;
  };

  for (const fact of facts) {
    switch (fact.kind) {
      case 'ridmap-snapshot':
        break;
      case 'snapshot':
        if (fact.key === 'kernel' && fact.value) snapshot.kernel = fact.value;
        else if (fact.key === 'cmdline') snapshot.cmdline = fact.value;
        else if (fact.key === 'privileged') snapshot.privileged = fact.value === 'yes';
        break;
      case 'rootbus': {
        const m = ROOT_BUS.exec(fact.name);
        if (!m) throw fail(fact, `"${fact.name}" is not a root bus directory name (pciSSSS:BB)`);
        const bus = rootBuses.get(fact.name) ?? { segment: parseInt(m[1]!, 16), bus: parseInt(m[2]!, 16) };
        if (fact.key === 'acpi' && fact.value) bus.acpiPath = fact.value;
        rootBuses.set(fact.name, bus);
        break;
      }
      case 'pci': {
        const fn = functionOf(fact);
        if (!fn) break;
        if (fact.key === 'path') placeFunction(fn, fact, rootBuses, warn);
        else if (fact.key === 'iommu') fn.iommu = fact.value || null;
        else if (fact.key === 'group') fn.group = fact.value || null;
        else if (fact.key === 'driver') fn.driver = fact.value || null;
        else if (fact.key === 'vendor') fn.vendorId = hexNumber(fact.value);
        else if (fact.key === 'device') fn.deviceId = hexNumber(fact.value);
        else if (fact.key === 'class') fn.classCode = hexNumber(fact.value);
        else if (fact.key === 'config') fn.configSize = fact.value === 'unreadable' ? 'unreadable' : Number(fact.value);
        break;
      }
      case 'group': {
        const g = groups.get(fact.name) ?? { line: fact.line, devices: [] };
        if (fact.key === 'device') g.devices.push(fact.value);
        groups.set(fact.name, g);
        break;
      }
      case 'iommu': {
        const u = iommus.get(fact.name) ?? { name: fact.name };
        iommus.set(fact.name, u);
        if (fact.key === 'device') u.device = fact.value;
        else if (fact.key === 'intel-iommu/address') u.address = hexBigint(fact.value);
        else if (fact.key.startsWith('intel-iommu/') || fact.key.startsWith('amd-iommu/')) setRegisters(u, fact.key.slice(fact.key.indexOf('/') + 1), fact.value);
        break;
      }
      case 'table': {
        if (!TABLE_NAMES.test(fact.name)) throw fail(fact, `"${fact.name}" is not a table the snapshot copies (a signature, or fdt)`);
        if (fact.key === 'unreadable') {
          warn(fact, `${fact.name} was not readable when the snapshot was taken (run the snapshot as root)`);
          break;
        }
        const bytes = files.file(fact.name === 'fdt' ? 'sys/firmware/fdt' : `sys/firmware/acpi/tables/${fact.name}`);
        if (!bytes) warn(fact, `${fact.name} is listed but its file is missing from the snapshot`);
        else snapshot.tables.push({ name: fact.name, bytes } satisfies HostTable);
        break;
      }
      default:
        // A later script's facts: what this reader does not know, it leaves.
        break;
    }
  }

  for (const fn of functions.values()) readConfig(fn, files, snapshot.warnings);
  for (const [group, { line, devices }] of groups) {
    for (const d of devices) {
      const fn = functions.get(d.toLowerCase());
      if (!fn && leftOut.has(d.toLowerCase())) continue;
      if (!fn) snapshot.warnings.push(`${file}:${line}: iommu group ${group} lists ${d}, which is not under /sys/bus/pci/devices`);
      else if (fn.group === null) fn.group = group;
      else if (fn.group !== group) snapshot.warnings.push(`${file}:${line}: iommu group ${group} lists ${d}, whose iommu_group link names group ${fn.group}`);
    }
  }
  for (const u of iommus.values()) {
    const smmu = SMMU_NAME.exec(u.name);
    if (u.address === undefined && smmu) u.address = BigInt(`0x${smmu[1]}`);
    const pciFunction = iommuFunction(u.device, functions);
    const { device: _device, ...iommu } = u;
    snapshot.iommus.push(pciFunction ? { ...iommu, pciFunction } : iommu);
  }
  snapshot.functions = [...functions.values()].sort((a, b) => (a.sbdf < b.sbdf ? -1 : a.sbdf > b.sbdf ? 1 : 0)).map(({ configSize: _size, ...fn }) => fn);
  if (rootBuses.size > 0) snapshot.rootBuses = [...rootBuses.values()].sort((a, b) => a.segment - b.segment || a.bus - b.bus);
  if (snapshot.privileged === false) {
    snapshot.warnings.push(`${files.source}: taken without root: configuration spaces stop at 64 bytes, so ACS and the PCIe port types are unknown, and the ACPI tables are absent`);
  }
  return snapshot;
}

/**
 * The function's parent from its sysfs directory: the directory above it is
 * the bridge it sits behind (`.../0000:00:1c.0/0000:01:00.0`) or its root bus
 * (`/sys/devices/pci0000:00/0000:00:1f.2`).
 */
function placeFunction(fn: HostPciFunction, fact: ManifestFact, rootBuses: Map<string, HostRootBus>, warn: (f: ManifestFact, t: string) => void): void {
  const parts = fact.value.split('/').filter((p) => p !== '');
  const last = parts[parts.length - 1];
  const above = parts[parts.length - 2];
  if (last?.toLowerCase() !== fn.sbdf || above === undefined) {
    warn(fact, `${fn.sbdf}'s device path ${fact.value} does not end in its name: parent unknown`);
    return;
  }
  const root = ROOT_BUS.exec(above);
  if (root) {
    fn.parent = null;
    if (!rootBuses.has(above)) rootBuses.set(above, { segment: parseInt(root[1]!, 16), bus: parseInt(root[2]!, 16) });
  } else if (parseHostSbdf(above) && /^[0-9a-f]{4}:/i.test(above)) {
    fn.parent = above.toLowerCase();
  } else {
    // A bus Linux made below something that is not a PCI function (a VMD domain, a platform host bridge's child): not known here.
    warn(fact, `${fn.sbdf} sits below ${above}, neither a PCI bridge nor a root bus: parent unknown`);
  }
}

/** Config-space facts from the copied `config` file; vendor/device/class files stand in when it is missing. */
function readConfig(fn: HostPciFunction & { configSize?: number | 'unreadable' }, files: SnapshotFiles, warnings: string[]): void {
  if (fn.configSize === undefined) return;
  if (fn.configSize === 'unreadable') {
    warnings.push(`${fn.sbdf}: its config space was not readable when the snapshot was taken`);
    return;
  }
  const bytes = files.file(`sys/bus/pci/devices/${fn.sbdf}/config`);
  if (!bytes) {
    warnings.push(`${fn.sbdf}: the manifest lists a config space of ${fn.configSize} bytes, the snapshot has no file for it`);
    return;
  }
  if (bytes.length !== fn.configSize) warnings.push(`${fn.sbdf}: its config file holds ${bytes.length} bytes, the manifest says ${fn.configSize}`);
  fn.config = bytes;
  const facts = configFacts(bytes);
  for (const key of ['vendorId', 'deviceId', 'classCode'] as const) {
    if (fn[key] !== undefined && facts[key] !== undefined && fn[key] !== facts[key]) {
      warnings.push(`${fn.sbdf}: sysfs says ${key} 0x${fn[key].toString(16)}, its config space 0x${facts[key].toString(16)}; the config space is taken`);
    }
  }
  Object.assign(fn, facts);
}

/**
 * The PCI function an IOMMU is (AMD-Vi: its device link leads to the
 * function) or whose virtio device it is (virtio-iommu: the link leads to
 * `.../0000:00:03.0/virtio0`). VT-d units have no device link; SMMUs lead
 * to a platform device.
 */
function iommuFunction(device: string | undefined, functions: ReadonlyMap<string, HostPciFunction>): string | undefined {
  if (!device) return undefined;
  const parts = device.split('/').filter((p) => p !== '');
  for (const candidate of [parts[parts.length - 1], /^virtio\d+$/.test(parts[parts.length - 1] ?? '') ? parts[parts.length - 2] : undefined]) {
    const fn = candidate ? functions.get(candidate.toLowerCase()) : undefined;
    if (fn) return fn.sbdf;
  }
  return undefined;
}

/**
 * The registers sysfs shows, as hex: VT-d `cap` and `ecap` (`%llx`); AMD-Vi
 * `cap` (`%x`) and `features`, which newer kernels print as EFR:EFR2
 * (`%llx:%llx`, amd_iommu_show_features; older ones EFR alone). `version`
 * (`major:minor`) is not a register and is left.
 */
function setRegisters(u: HostIommu, key: string, value: string): void {
  const registers: Record<string, bigint> = { ...(u.registers ?? {}) };
  const parts = value.split(':');
  if (key === 'features' && parts.length === 2) {
    const [efr, efr2] = parts.map(hexBigint);
    if (efr2 !== undefined) registers['features2'] = efr2;
    if (efr !== undefined) registers['features'] = efr;
  } else if (key !== 'version') {
    const v = hexBigint(value);
    if (v !== undefined) registers[key] = v;
  }
  u.registers = registers;
}

function hexBigint(text: string): bigint | undefined {
  const t = text.trim().replace(/^0x/i, '');
  return /^[0-9a-f]{1,16}$/i.test(t) ? BigInt(`0x${t}`) : undefined;
}

function hexNumber(text: string): number | undefined {
  const v = hexBigint(text);
  return v !== undefined && v <= 0xffffffffn ? Number(v) : undefined;
}
