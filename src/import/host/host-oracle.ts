/**
 * Linux as the oracle for a real machine: the snapshot's own firmware tables
 * (DMAR, IVRS, IORT, VIOT, RIMT; the FDT on a Device Tree machine) mapped
 * with its PCI-only topology (host-topology.ts), as `ridmap map TABLES
 * --topology T` maps them, give ridmap's IOMMU and group for every device;
 * the snapshot says what Linux did. The two are compared with the judge's
 * comparison (model/linux-verdict.ts), and each difference gets one finding
 * naming the rule that explains it, from facts in the snapshot: the kernel
 * command line, config space read without root, a vendor quirk ridmap
 * applies (linux-quirks.ts) that the kernel lacks, a device no driver has
 * bound on a Device Tree or IORT machine.
 * A difference no rule explains is a warning: ridmap's model or the
 * machine's tables are wrong there.
 */
import { readIvrs } from '../../acpi/ivrs/resolve.js';
import { tableResolver } from '../../acpi/resolvers.js';
import { InputError, type Diagnostic } from '../../diagnostic.js';
import { acpiSubject } from '../../io/acpi-subject.js';
import { decodeSniffed } from '../../io/decode-input.js';
import { tableReadDiagnostics } from '../../io/load-input.js';
import { dtbSubject } from '../../io/dt-subject.js';
import { repeatFinding, tablesLinuxReads } from '../../io/read-tables.js';
import type { TableSubject } from '../../io/subject.js';
import { mapToJson } from '../../map/map-json.js';
import { combineMaps, firstTranslating, MAP_DEVICES_PER_TABLE } from '../../model/combine-maps.js';
import { DEFAULT_LINUX_PROFILE, profileForRelease, type LinuxTarget } from '../../model/linux-profile.js';
import { compareWithLinux, type Comparison, type LinuxAnswer, type PredictedDevice } from '../../model/linux-verdict.js';
import { resolveTopology } from '../../model/resolve.js';
import type { ResolvedTopology } from '../../model/resolved.js';
import { formatSbdf } from '../../model/rid.js';
import type { Topology } from '../../model/topology-schema.js';
import { gapDiagnostics, type TranslationMap } from '../../model/translation-map.js';
import type { HostPciFunction, HostSnapshot } from './host-snapshot.js';
import { hostFunctionId, listed } from './host-topology.js';
import { appendAll } from '../../append.js';

export const LINUX_DIFFERS = 'host-linux-differs';
export const LINUX_EXPLAINED = 'host-linux-explained';
export const HOST_NO_TABLES = 'host-no-iommu-tables';

export interface SnapshotVerdict {
  comparison: Comparison;
  /** One per difference (the rule that explains it, or a warning that none does), then what mapping the tables said. */
  findings: Diagnostic[];
}

/**
 * The snapshot's tables a resolver reads (other ACPI tables say nothing
 * about IOMMUs and are not decoded). One file name for them all, so that a
 * repeated DMAR/IORT/VIOT (sysfs's DMAR2) is found as Linux ignores it
 * (tablesLinuxReads). The FDT only when Linux used it: an arm64 machine that
 * booted through UEFI with ACPI has a stub FDT in sysfs that describes no
 * device, so with ACPI IOMMU tables (and no acpi=off) it is left out.
 */
function iommuTables(snapshot: HostSnapshot, unreadable: Diagnostic[]): TableSubject[] {
  const out: TableSubject[] = [];
  const file = `${snapshot.source}#/sys/firmware/acpi/tables`;
  let fdt: TableSubject | undefined;
  for (const t of snapshot.tables) {
    if (t.name === 'fdt') {
      fdt = dtbSubject(t.bytes, `${snapshot.source}#fdt`);
      continue;
    }
    // sysfs names a table's repeats DMAR, SSDT1, SSDT2: the signature is the name without the number.
    const signature = t.name.replace(/\d+$/, '');
    if (!tableResolver(signature)) continue;
    try {
      appendAll(out, decodeSniffed('acpi-table', t.bytes, file).tables.map((d) => acpiSubject(d, file)));
    } catch (e) {
      // A table too broken to decode is the machine's problem to report, not a reason to compare nothing.
      if (!(e instanceof InputError)) throw e;
      appendAll(unreadable, e.diagnostics.map((d) => ({ ...d, file })));
    }
  }
  if (fdt && (out.length === 0 || /(?:^|\s)acpi=off(?:\s|$)/.test(snapshot.cmdline ?? ''))) return [fdt];
  return out;
}

/** What the map predicts for: the snapshot's kernel series, under ACPI unless the machine booted from a Device Tree. */
function snapshotTarget(snapshot: HostSnapshot, tables: readonly TableSubject[]): LinuxTarget {
  const profile = (snapshot.kernel ? profileForRelease(snapshot.kernel) : undefined) ?? DEFAULT_LINUX_PROFILE;
  const acpi = tables.some((t) => t.format !== 'DT');
  return { profile, firmware: acpi || !tables.some((t) => t.format === 'DT') ? 'acpi' : 'dt' };
}

/** Linux's answer as the comparison reads it: the functions whose IOMMU Linux's sysfs showed. */
function linuxAnswer(snapshot: HostSnapshot): LinuxAnswer {
  return {
    devices: snapshot.functions
      .filter((f) => f.iommu !== undefined)
      .map((f) => ({ sbdf: f.sbdf, iommu: f.iommu ?? null, group: f.group ?? null, driver: f.driver ?? null })),
    iommus: snapshot.iommus.map((u) => ({ name: u.name, address: u.address ?? null, pciFunction: u.pciFunction ?? null })),
  };
}

/** AMD-Vi IOMMUs are PCI functions Linux names ivhd<n>: the IVRS says which function is which `amd-vi@<base>`. */
function amdViFunctions(tables: readonly TableSubject[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const t of tables) {
    if (t.format !== 'IVRS' || !('table' in t.decoded)) continue;
    for (const u of readIvrs(t.model).iommus) out.set(formatSbdf(u.block.pciSegment, u.block.deviceId), u.identity);
  }
  return out;
}

export function compareSnapshotWithLinux(snapshot: HostSnapshot, topology: Topology): SnapshotVerdict {
  const findings: Diagnostic[] = [];
  const subjects = iommuTables(snapshot, findings);
  const { read, repeats } = tablesLinuxReads(subjects);
  // A table kept as bytes (not modelled: too broken, or over the size limit) maps nothing.
  const tables = read.filter((t) => t.resolve && t.modelled);
  const resolved = resolveTopology(topology, { numbering: 'firmware', linux: snapshotTarget(snapshot, tables) });
  let map: TranslationMap;
  if (tables.length === 0) {
    map = resolved.map;
    findings.push({
      severity: 'warning', code: HOST_NO_TABLES, file: snapshot.source,
      message: 'the snapshot has no DMAR, IVRS, IORT, VIOT, RIMT or Device Tree: ridmap cannot say which IOMMU translates what, so every device is predicted untranslated',
    });
  } else {
    const maps = tables.map((t) => ({ map: t.resolve!(resolved), file: t.file }));
    map = combineMaps(maps);
    appendAll(findings, subjects.flatMap(tableReadDiagnostics).filter((d) => d.severity !== 'info'));
    appendAll(findings, repeats.map(repeatFinding));
    appendAll(findings, map.findings.filter((d) => d.code !== MAP_DEVICES_PER_TABLE));
    appendAll(findings, gapDiagnostics(map.gaps));
    if (!map.devices) Object.assign(map, firstTranslating(maps.map((m) => m.map)));
  }
  const answer = linuxAnswer(snapshot);
  const known = new Set(answer.devices.map((d) => d.sbdf));
  const predicted: PredictedDevice[] = (mapToJson(map).devices ?? []).filter((d) => known.has(sbdfOf(resolved, d.id)));
  const comparison = compareWithLinux(predicted, answer, amdViFunctions(tables));
  const unknown = snapshot.functions.length - known.size;
  if (unknown > 0) {
    findings.push({
      severity: 'info', code: LINUX_EXPLAINED, file: snapshot.source,
      message: `${unknown} function(s) have no IOMMU fact in the snapshot (/sys/bus/pci/devices/*/iommu not read); they are left out of the comparison`,
    });
  }
  appendAll(findings, explainDifferences(snapshot, resolved, comparison, tables));
  return { comparison, findings };
}

function sbdfOf(resolved: ResolvedTopology, id: string): string {
  const f = resolved.byId.get(id);
  return f ? formatSbdf(f.segment, f.rid) : id;
}

/** `intel_iommu=off`, `amd_iommu=off`, `iommu=off`: Linux sets no IOMMU up, so no device has one or a group. */
const IOMMU_OFF = /(?:^|\s)((?:intel_iommu|amd_iommu|iommu)=off)(?:\s|$)/;
const ACS_OVERRIDE = /(?:^|\s)(pcie_acs_override=\S+)/;

/**
 * One finding per device where ridmap and Linux differ (its IOMMU, or its
 * group's members), with the first rule that explains it.
 */
function explainDifferences(snapshot: HostSnapshot, resolved: ResolvedTopology, comparison: Comparison, tables: readonly TableSubject[]): Diagnostic[] {
  const bySbdf = new Map(snapshot.functions.map((f) => [f.sbdf, f]));
  const both = comparison.devices.filter((d) => d.ridmap !== null && d.linux !== null);
  // Each side's groups as member lists, made once, and each distinct member list as a number, so that
  // comparing a device's two groups costs the same whatever their size (a machine has thousands of functions).
  const membersOf = (side: 'ridmap' | 'linux') => {
    const m = new Map<string, string[]>();
    for (const d of both) {
      const g = d[side]!.group;
      if (g === null) continue;
      const list = m.get(g);
      if (list) list.push(d.sbdf);
      else m.set(g, [d.sbdf]);
    }
    return m;
  };
  const members = { ridmap: membersOf('ridmap'), linux: membersOf('linux') };
  const interned = new Map<string, number>();
  const signature = { ridmap: new Map<string, number>(), linux: new Map<string, number>() };
  for (const side of ['ridmap', 'linux'] as const) {
    for (const [g, list] of members[side]) {
      const key = list.join(',');
      if (!interned.has(key)) interned.set(key, interned.size);
      signature[side].set(g, interned.get(key)!);
    }
  }
  const mates = (side: 'ridmap' | 'linux', g: string | null | undefined): readonly string[] => (g == null ? [] : members[side].get(g) ?? []);
  // Per pair of groups, the functions Linux's has and ridmap's has not (what a rule must explain).
  const extras = new Map<string, HostPciFunction[]>();
  const extraOf = (r: string | null | undefined, l: string | null | undefined) => {
    const key = `${r}\0${l}`;
    let list = extras.get(key);
    if (!list) {
      const ours = new Set(mates('ridmap', r));
      list = mates('linux', l).filter((m) => !ours.has(m)).flatMap((m) => bySbdf.get(m) ?? []);
      extras.set(key, list);
    }
    return list;
  };
  const out: Diagnostic[] = [];
  for (const d of comparison.devices) {
    const f = bySbdf.get(d.sbdf);
    if (!f) continue;
    const iommuDiffers = !d.iommuAgrees;
    const groupDiffers = d.ridmap !== null && d.linux !== null &&
      (d.ridmap.group === null ? -1 : signature.ridmap.get(d.ridmap.group)) !== (d.linux.group === null ? -1 : signature.linux.get(d.linux.group));
    if (!iommuDiffers && !groupDiffers) continue;
    const what = iommuDiffers
      ? `ridmap says ${d.ridmap?.iommu ?? 'no IOMMU'}, Linux ${d.linux?.iommu ?? 'no IOMMU'}`
      : `ridmap groups it with [${listed(mates('ridmap', d.ridmap!.group), ',') || 'nothing'}], Linux with [${listed(mates('linux', d.linux!.group), ',') || 'nothing'}]`;
    const extra = extraOf(d.ridmap?.group, d.linux?.group);
    const rule = ruleFor(snapshot, resolved, f, bySbdf, tables, iommuDiffers, extra);
    out.push({
      severity: rule ? 'info' : 'warning',
      code: rule ? LINUX_EXPLAINED : LINUX_DIFFERS,
      file: snapshot.source,
      path: d.sbdf,
      message: `${d.sbdf}: ${what}: ${rule ?? "no rule ridmap knows explains it (the machine's tables, or ridmap's model of Linux, are wrong here)"}`,
    });
  }
  return out;
}

function ruleFor(
  snapshot: HostSnapshot,
  resolved: ResolvedTopology,
  f: HostPciFunction,
  bySbdf: ReadonlyMap<string, HostPciFunction>,
  tables: readonly TableSubject[],
  iommuDiffers: boolean,
  /** Devices Linux groups with `f` and ridmap does not. */
  extra: readonly HostPciFunction[],
): string | undefined {
  const off = IOMMU_OFF.exec(snapshot.cmdline ?? '');
  if (off) return `the kernel command line has ${off[1]}: Linux set no IOMMU up, so it formed no groups; ridmap's answer is what the tables say`;
  if (iommuDiffers && f.iommu === null && !f.driver && tables.some((t) => t.format === 'IORT' || t.format === 'DT')) {
    return 'no driver is bound to it: on IORT and Device Tree machines Linux attaches a device to its IOMMU when a driver binds, so it has no IOMMU or group yet';
  }
  if (iommuDiffers) return undefined;
  const path = upstreamPath(f, bySbdf);
  const unknownAcs = path.find((p) => p.acs === undefined && (p.pcieType === 'root-port' || p.pcieType === 'switch-downstream' || (p === f && p.multifunction)));
  if (unknownAcs) {
    return `ACS of ${unknownAcs.sbdf} is unknown (config space past 0x100 not read${snapshot.privileged === false ? ': the snapshot was not taken as root' : ''}), so ridmap assumed none; take the snapshot as root`;
  }
  const override = ACS_OVERRIDE.exec(snapshot.cmdline ?? '');
  if (override) return `the kernel command line has ${override[1]} (an out-of-tree patch); ridmap models downstream, multifunction and id: as ACS on the functions they name`;
  for (const p of path) {
    const note = resolved.byId.get(hostFunctionId(p.sbdf))?.node.note?.split('; ') ?? [];
    const misread = note.find((n) => n.startsWith('Linux reads its ACS controls through'));
    if (misread) return `${p.sbdf}: ${misread}`;
    const quirk = note.find((n) => n.startsWith("ACS by Linux's quirk") || n.startsWith("DMA alias by Linux's"));
    // The quirk explains only peers it separates: functions on its own bus (its slot, its port's siblings) or below it.
    const near = (m: HostPciFunction) => (m.segment === p.segment && m.bus === p.bus) || upstreamPath(m, bySbdf).includes(p);
    if (quirk && extra.every(near)) {
      return `ridmap applies ${quirk.replace(/^(ACS|DMA alias) by /, '')} to ${p.sbdf} (${quirk.startsWith('ACS') ? 'ACS' : 'a DMA alias'}), and this kernel${snapshot.kernel ? ` (${snapshot.kernel})` : ''} did not: a kernel older than the quirk, or built without CONFIG_PCI_QUIRKS`;
    }
  }
  return undefined;
}

/** The function and its upstream bridges to the root bus (bounded: each function once). */
function upstreamPath(f: HostPciFunction, bySbdf: ReadonlyMap<string, HostPciFunction>): HostPciFunction[] {
  const out: HostPciFunction[] = [];
  const seen = new Set<string>();
  for (let p: HostPciFunction | undefined = f; p && !seen.has(p.sbdf); p = p.parent ? bySbdf.get(p.parent) : undefined) {
    seen.add(p.sbdf);
    out.push(p);
  }
  return out;
}
