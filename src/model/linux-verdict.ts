/**
 * Linux's answer beside ridmap's, device by device: the IOMMU each PCI device
 * got, and whether the two group partitions are the same. Group numbers are
 * Linux's enumeration order and ridmap's are its own names, so only the
 * partition (which devices share a group) is compared. Pure: the judge
 * (a booted guest) and import/host (a real machine's snapshot) both use it.
 */
import { formatAddress } from './address.js';
import { formatSbdf, parseBdf } from './rid.js';

export interface LinuxDevice {
  /** `ssss:bb:dd.f`, as sysfs names it. */
  sbdf: string;
  /** The IOMMU's sysfs name (dmar0, ...), or null when Linux gave the device none. */
  iommu: string | null;
  /** The iommu_group number, or null. */
  group: string | null;
  driver: string | null;
}

export interface LinuxIommu {
  name: string;
  /** The register base from /sys/class/iommu/<name>/intel-iommu/address, when the driver shows it. */
  address: bigint | null;
  /** `ssss:bb:dd.f` of the PCI function the IOMMU is (a virtio-iommu's transport), else null. */
  pciFunction: string | null;
}

/** What Linux did with a machine's devices: the part of a judge boot's report (or a host snapshot) the comparison reads. */
export interface LinuxAnswer {
  devices: LinuxDevice[];
  iommus: LinuxIommu[];
}

/** The part of a `map --format json` device the judge compares. */
export interface PredictedDevice {
  id: string;
  segment: number;
  /** `bb:dd.f` */
  bdf: string;
  iommu: string | null;
  group: string | null;
  /** Why Linux is predicted not to see the device at all (a host the boot's firmware does not describe). */
  unseen?: string;
}

export interface DeviceVerdict {
  /** `ssss:bb:dd.f` */
  sbdf: string;
  /** The topology's device id, when ridmap knows the device. */
  id: string | null;
  ridmap: { iommu: string | null; group: string | null; unseen?: string } | null;
  linux: { iommu: string | null; group: string | null } | null;
  /** Both sides know the device and name the same IOMMU, or ridmap predicts that Linux does not see it and Linux does not. */
  iommuAgrees: boolean;
}

export interface Comparison {
  devices: DeviceVerdict[];
  /** Each difference in the partitions, in words (empty when they are equal). */
  groupDifferences: string[];
  agree: boolean;
}

/**
 * ridmap's IOMMU identity (DESIGN.md, map JSON) of a Linux IOMMU. VT-d units
 * show their register base in sysfs (intel-iommu/address); the Arm SMMU
 * drivers put it in the name (drivers/iommu/arm/: "smmu3.%pa" for SMMUv3,
 * "smmu.%pa" for SMMUv1/v2, the physical address as 0x and 16 digits); a
 * virtio-iommu is named after its transport, the PCI function
 * (virtio_bus_name() in drivers/iommu/virtio-iommu.c: `/sys/class/iommu/0000:00:02.0`
 * under Debian's 6.12, on q35 and virt alike), which is ridmap's name for it
 * too. An AMD-Vi IOMMU is `ivhd<n>` and its sysfs shows no register base,
 * but its device is the IOMMU's own PCI function (the IVHD DeviceId):
 * `byFunction` names the topology's IOMMU there. A RISC-V IOMMU is
 * `riscv-iommu@<its device's name>` (riscv_iommu_init() in
 * drivers/iommu/riscv/iommu.c), for one that is a PCI function its
 * `ssss:bb:dd.f`, ridmap's `riscv-iommu-pci@` identity. Others keep Linux's
 * name until their driver's sysfs says more.
 */
export function linuxIommuIdentity(iommu: LinuxIommu | undefined, name: string, byFunction?: ReadonlyMap<string, string>): string {
  if (iommu?.address !== null && iommu?.address !== undefined && name.startsWith('dmar')) return `vtd@${formatAddress(iommu.address)}`;
  const own = iommu?.pciFunction ? byFunction?.get(iommu.pciFunction) : undefined;
  if (own !== undefined && name.startsWith('ivhd')) return own;
  const smmu = /^smmu(3?)\.0x([0-9a-f]+)$/i.exec(name);
  if (smmu) return `${smmu[1] ? 'smmuv3' : 'smmuv2'}@${formatAddress(BigInt(`0x${smmu[2]}`))}`;
  const pci = iommu?.pciFunction === name ? parseBdf(name) : undefined;
  if (pci?.segment !== undefined) return `virtio-iommu-pci@${formatSbdf(pci.segment, pci.rid)}`;
  const riscv = /^riscv-iommu@(.+)$/.exec(name);
  const riscvPci = riscv ? parseBdf(riscv[1]!) : undefined;
  if (riscvPci?.segment !== undefined) return `riscv-iommu-pci@${formatSbdf(riscvPci.segment, riscvPci.rid)}`;
  return `linux:${name}`;
}

/**
 * `iommuFunctions`: the topology's IOMMUs that are PCI functions Linux names
 * otherwise (AMD-Vi's ivhd<n>), by the function's `ssss:bb:dd.f`.
 */
export function compareWithLinux(predicted: readonly PredictedDevice[], report: LinuxAnswer, iommuFunctions?: ReadonlyMap<string, string>): Comparison {
  const iommus = new Map(report.iommus.map((u) => [u.name, u]));
  const linux = new Map(report.devices.map((d) => [d.sbdf, {
    iommu: d.iommu === null ? null : linuxIommuIdentity(iommus.get(d.iommu), d.iommu, iommuFunctions),
    group: d.group,
  }]));
  const ours = new Map(predicted.map((d) => [sbdf(d), d]));
  const keys = [...new Set([...ours.keys(), ...linux.keys()])].sort();
  const devices: DeviceVerdict[] = keys.map((key) => {
    const r = ours.get(key);
    const l = linux.get(key) ?? null;
    return {
      sbdf: key,
      id: r?.id ?? null,
      ridmap: r ? { iommu: r.iommu, group: linuxGroupOf(r), ...(r.unseen ? { unseen: r.unseen } : {}) } : null,
      linux: l,
      iommuAgrees: r !== undefined && (r.unseen ? l === null : l !== null && r.iommu === l.iommu),
    };
  });
  const groupDifferences = partitionDifferences(devices);
  return { devices, groupDifferences, agree: groupDifferences.length === 0 && devices.every((d) => d.iommuAgrees) };
}

/**
 * Where the partitions differ, over the devices both sides know: every ridmap
 * group must be exactly one Linux group and the reverse. A device without a
 * group on one side must have none on the other.
 */
function partitionDifferences(devices: readonly DeviceVerdict[]): string[] {
  const both = devices.filter((d) => d.ridmap !== null && d.linux !== null);
  const out: string[] = [];
  const label = (d: DeviceVerdict) => (d.id ? `${d.id} (${d.sbdf})` : d.sbdf);
  for (const d of both) {
    if ((d.ridmap!.group === null) !== (d.linux!.group === null)) {
      out.push(`${label(d)}: ridmap says ${d.ridmap!.group === null ? 'no group' : `group ${d.ridmap!.group}`}, Linux ${d.linux!.group === null ? 'no group' : `group ${d.linux!.group}`}`);
    }
  }
  const grouped = both.filter((d) => d.ridmap!.group !== null && d.linux!.group !== null);
  // One side's group -> the other side's groups its members are in; a partition is equal when each maps to exactly one.
  const across = (from: 'ridmap' | 'linux', to: 'ridmap' | 'linux') => {
    const m = new Map<string, DeviceVerdict[]>();
    for (const d of grouped) {
      const g = d[from]!.group!;
      const list = m.get(g) ?? [];
      list.push(d);
      m.set(g, list);
    }
    for (const [g, members] of m) {
      const targets = new Set(members.map((d) => d[to]!.group));
      if (targets.size > 1) {
        out.push(`${from === 'ridmap' ? "ridmap's" : "Linux's"} group ${g} (${members.map(label).join(', ')}) is split by ${to === 'linux' ? 'Linux' : 'ridmap'} into groups ${[...targets].join(', ')}`);
      }
    }
  };
  across('ridmap', 'linux');
  across('linux', 'ridmap');
  return out;
}

/**
 * The group Linux will show for a device ridmap predicts: the map's `group`
 * is the alias partition, which exists whatever translates the device, but
 * Linux makes IOMMU groups only for devices an IOMMU driver probed, so a
 * device the map leaves untranslated is predicted to have no group.
 */
function linuxGroupOf(d: PredictedDevice): string | null {
  return d.iommu === null ? null : d.group;
}

function sbdf(d: PredictedDevice): string {
  const bdf = parseBdf(d.bdf);
  // The map's bdf is always `bb:dd.f`; keep the text should a caller give another form.
  return bdf === undefined ? `${d.segment}:${d.bdf}` : formatSbdf(d.segment, bdf.rid);
}
