/**
 * The arm-smmuv3 half of `export qemu`: a virt topology whose SMMUv3s are
 * QEMU 10.1's user-created ones (several, or one off virt's machine-wide
 * 0x9050000) becomes one `-device arm-smmuv3,primary-bus=...` per unit, in
 * the topology's order, since that order is where QEMU puts them on the
 * platform bus (smmuv3-devices.ts). What import qemu would not read back is
 * refused with the reason, naming its document path.
 */
import { formatAddress, parseAddress } from '../../model/address.js';
import type { Address, SmmuV3, Topology } from '../../model/topology-schema.js';
import { QEMU_ID } from './devices.js';
import type { ExportArg } from './export-machine.js';
import type { ExportReport } from './export-problems.js';
import { VIRT_LAYOUT } from './machines.js';
import { SMMUV3_NO_ACCEL, SMMUV3_STAGE_FORMATS, smmuv3DeviceLayout } from './smmuv3-devices.js';

const hex = (a: Address | number) => formatAddress(typeof a === 'number' ? BigInt(a) : parseAddress(a));

/**
 * The topology's IOMMUs are arm-smmuv3 devices: all SMMUv3, and more than
 * one, or one not at the machine-wide SMMU's base (-M virt,iommu=smmuv3).
 */
export function wantsSmmuv3Devices(t: Topology): boolean {
  const iommus = t.iommus ?? [];
  if (!iommus.some((u) => u.type === 'smmuv3')) return false;
  const only = iommus.length === 1 ? iommus[0] : undefined;
  return !(only?.type === 'smmuv3' && parseAddress(only.base) === BigInt(VIRT_LAYOUT.smmuv3.base));
}

/** The -device lines, after every PCI device (their primary-bus must exist by then); itsId: the ITS virt sends MSIs to. */
export function planSmmuv3Devices(t: Topology, itsId: string | undefined, report: ExportReport): ExportArg[] {
  const hosts = t.hostBridges ?? [];
  const args: ExportArg[] = [];
  (t.iommus ?? []).forEach((unit, i) => {
    const path = `iommus[${i}]`;
    if (unit.type !== 'smmuv3') {
      report.refuse(path, `a ${unit.type} beside arm-smmuv3 devices: QEMU's virt takes one kind of IOMMU (QEMU: "virt machine already has ... set. Doesn't support incompatible iommus")`);
      return;
    }
    const owned = hosts.flatMap((h, k) => (h.iommu === unit.id ? [k] : []));
    if (owned.length === 0) {
      report.refuse(path, `${unit.id} translates no host bridge: QEMU's arm-smmuv3 needs a primary-bus, a root complex (QEMU: "SMMU is not attached to any PCI bus!")`);
      return;
    }
    owned.slice(1).forEach((k) =>
      report.refuse(`hostBridges[${k}].iommu`, `QEMU's arm-smmuv3 translates one root complex (primary-bus): ${unit.id} already translates ${hosts[owned[0]!]!.id}; give this one an SMMUv3 of its own`),
    );
    const ok = unitChecks(unit, i, itsId, report);
    const k = owned[0]!;
    // import qemu names pcie.0 by QEMU's name and an expander by its id.
    const bus = k === 0 ? 'pcie.0' : hosts[k]!.id;
    const stage = stageOf(unit, path, report);
    const props = ['arm-smmuv3', `primary-bus=${bus}`, ...(QEMU_ID.test(unit.id) ? [`id=${unit.id}`] : []), ...(stage ? [`stage=${stage}`] : [])];
    if (ok) args.push({ name: '-device', value: props.join(','), path });
  });
  return args;
}

function unitChecks(unit: SmmuV3, i: number, itsId: string | undefined, report: ExportReport): boolean {
  const path = `iommus[${i}]`;
  const want = smmuv3DeviceLayout(i);
  let ok = true;
  const nth = `the arm-smmuv3 created ${['first', 'second', 'third'][i] ?? `${i + 1}th`}`;
  if (parseAddress(unit.base) !== BigInt(want.base)) {
    report.refuse(`${path}.base`, `base ${hex(unit.base)}: QEMU puts ${nth} on virt's platform bus at ${hex(want.base)} (QEMU's own SMMUv3 at ${hex(VIRT_LAYOUT.smmuv3.base)} is the only one of its machine)`);
    ok = false;
  }
  const irq = unit.interrupts;
  const keys = ['event', 'pri', 'sync', 'gerror'] as const;
  if (irq && keys.some((k) => irq[k] !== undefined && irq[k] !== want.interrupts[k])) {
    const w = want.interrupts;
    report.refuse(`${path}.interrupts`, `QEMU wires ${nth} to GSIV event ${w.event}, pri ${w.pri}, sync ${w.sync}, gerror ${w.gerror}`);
    ok = false;
  }
  // iommus[0] is virtPlan's (export-machine.ts) to check, as for the machine-wide SMMU.
  if (i > 0 && itsId !== undefined && unit.msiController !== undefined && unit.msiController !== itsId) {
    report.refuse(`${path}.msiController`, `virt's SMMUv3s send their MSIs to the ITS ${itsId}`);
    ok = false;
  }
  for (const key of ['model', 'httu', 'vatos', 'deviceId', 'proximityDomain'] as const) {
    if (unit[key] !== undefined) report.notCarried(`${path}.${key}`, `${key}: QEMU's IORT does not carry it`);
  }
  if (unit.coherent === false) report.notCarried(`${path}.coherent`, 'coherent false: QEMU\'s SMMUv3 is coherent');
  const caps = unit.capabilities ?? {};
  for (const key of Object.keys(SMMUV3_NO_ACCEL) as (keyof typeof SMMUV3_NO_ACCEL)[]) {
    if (caps[key] !== undefined && caps[key] !== SMMUV3_NO_ACCEL[key]) {
      report.notCarried(`${path}.capabilities.${key}`, `${key}: QEMU's arm-smmuv3 without accel has ${String(SMMUV3_NO_ACCEL[key])} (accel=on needs the host's SMMU and KVM)`);
    }
  }
  return ok;
}

/** `stage=` for the unit's page-table formats (SMMUV3_STAGE_FORMATS, as import reads it back); undefined: stage 1, the default. */
function stageOf(unit: SmmuV3, path: string, report: ExportReport): string | undefined {
  const formats = unit.capabilities?.pageTableFormats;
  if (formats === undefined) return undefined;
  const key = [...formats].sort().join(',');
  const hit = Object.entries(SMMUV3_STAGE_FORMATS).find(([, f]) => f.join(',') === key);
  if (!hit) report.notCarried(`${path}.capabilities.pageTableFormats`, `pageTableFormats ${formats.join(', ')}: QEMU's arm-smmuv3 walks arm-lpae-s1 (stage=1), arm-lpae-s2 (stage=2) or both (stage=nested)`);
  // Stage 1 is QEMU's default: the line leaves it out.
  return hit && hit[0] !== '1' ? hit[0] : undefined;
}

/**
 * Why a Device Tree cannot carry the topology's SMMUv3 of an expander:
 * QEMU 11.1 describes a user-created SMMUv3 in its DT only for pcie.0 ("SMMUv3
 * device only supported with pcie.0 for DT"), and its DT has no expander
 * buses at all. Undefined when every SMMUv3 translates pcie.0 only, and for
 * virt's machine-wide SMMUv3 (iommu=smmuv3), whose DT limits are others'.
 */
export function smmuv3DtRefusal(t: Topology): string | undefined {
  if (!wantsSmmuv3Devices(t)) return undefined;
  const smmus = new Set((t.iommus ?? []).filter((u) => u.type === 'smmuv3').map((u) => u.id));
  const h = (t.hostBridges ?? []).find((b) => b.expander && b.iommu !== undefined && smmus.has(b.iommu));
  if (!h) return undefined;
  return `SMMUv3 ${h.iommu} translates expander ${h.id}: under a Device Tree QEMU supports a user-created SMMUv3 on pcie.0 only (QEMU 11.1: "SMMUv3 device only supported with pcie.0 for DT"), and describes expander buses in ACPI only; boot it with --firmware acpi`;
}
