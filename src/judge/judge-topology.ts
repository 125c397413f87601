/**
 * The judge for one topology: build its ACPI tables under the header Linux's
 * table upgrade accepts over QEMU's, boot Linux on them (DMAR through the
 * upgrade, VIOT through a rebuilt table set and acpi_rsdp=), and compare what
 * Linux did with what ridmap's map of the topology says. The core of
 * `ridmap boot`; the QEMU command line is `export qemu`'s unless the caller
 * gives one (the interop suite boots its own command lines).
 */
import { buildOutputs } from '../build-outputs.js';
import { dtFromTopology } from '../dt/from-topology.js';
import { exportQemu } from '../import/qemu/export-qemu.js';
import { smmuv3DtRefusal } from '../import/qemu/export-smmuv3-devices.js';
import { hasErrors } from '../diagnostic.js';
import { mapToJson } from '../map/map-json.js';
import { resolveTopology } from '../model/resolve.js';
import type { ResolvedTopology } from '../model/resolved.js';
import { formatSbdf } from '../model/rid.js';
import type { Topology } from '../model/topology-schema.js';
import type { JudgeArch, JudgeAssets } from './assets.js';
import { type BootResult, bootJudge, JudgeError } from './boot.js';
import { DEFAULT_LINUX_PROFILE, type FirmwareInterface, type LinuxProfile, type LinuxTarget, profileForRelease } from '../model/linux-profile.js';
import { type Comparison, compareWithLinux } from '../model/linux-verdict.js';
import type { AcpiTableFile } from './initramfs.js';
import type { TableSetImage } from './rebuilt-tables.js';
import { bootOnFirmwareTables, bootOnRebuiltTables } from './rsdp-boot.js';
import { topologyForTableUpgrade } from './upgrade-header.js';

/**
 * The tables the judge injects through Linux's table upgrade (DMAR and IVRS
 * on x86, IORT on arm64 under EDK2): drivers/acpi/tables.c lists their
 * signatures among those an initrd may override.
 */
const UPGRADABLE = new Map([['DMAR.dat', 'DMAR'], ['IVRS.dat', 'IVRS'], ['IORT.dat', 'IORT']]);
/**
 * The ones the upgrade refuses ("Unknown signature"), injected through a
 * rebuilt table set and acpi_rsdp= (rsdp-boot.ts): VIOT on x86; RIMT on
 * RISC-V, where Linux has no table upgrade at all.
 */
const REBUILT = new Map([['VIOT.dat', 'VIOT'], ['RIMT.dat', 'RIMT']]);

/**
 * The bus numbering Linux runs on. Under ACPI, EDK2 and SeaBIOS numbered the
 * buses and Linux keeps them (the map's default, `firmware`); under DT no
 * firmware runs, Linux numbers the buses itself depth-first and ignores the
 * root ports' hot-plug reservations (QEMU's bus-reserve is a hint to
 * firmware): booted, Debian's 6.1 put a bridge behind a reserving port on
 * bus 3 where EDK2 puts it on bus 6, which is `compact`.
 */
export function judgeNumbering(firmware: FirmwareInterface): 'firmware' | 'compact' {
  return firmware === 'dt' ? 'compact' : 'firmware';
}

/**
 * What the map predicts for: the booted kernel's series (its release, as the
 * assets record it) through the booted firmware interface. A kernel no
 * profile describes (a user's --kernel) is predicted with the newest profile.
 */
export function judgeTarget(assets: JudgeAssets, firmware: FirmwareInterface, os?: LinuxProfile): LinuxTarget {
  return { profile: os ?? profileForRelease(assets.kernelVersion) ?? DEFAULT_LINUX_PROFILE, firmware };
}

/** The architecture of a QEMU system emulator, by its name. */
export function qemuArch(binary: string): JudgeArch {
  return /riscv/.test(binary) ? 'riscv64' : /aarch64|arm/.test(binary) ? 'arm64' : 'amd64';
}

export interface JudgeRequest {
  topology: Topology;
  assets: JudgeAssets;
  /** The QEMU machine and devices the topology describes; default: export qemu's (which refuses, InputError, what QEMU cannot build). */
  machineArgs?: readonly string[];
  qemu?: string;
  timeoutMs?: number;
  /** A reference root to run QEMU in (BootRequest.root). */
  root?: string;
  /** The Linux profile to predict for; default the kernel's series (a kernel of unknown release: the newest profile). */
  os?: LinuxProfile;
  /**
   * The firmware interface on arm64: ACPI (IORT, through UEFI; the default)
   * or DT (ridmap's tree, no firmware). x86 is ACPI only.
   */
  firmware?: FirmwareInterface;
  /**
   * Whose tables Linux boots on: ridmap's (injected; the default) or the
   * firmware's own (QEMU's), which says whether ridmap's map of the topology
   * predicts what QEMU's tables make Linux do.
   */
  tablesFrom?: 'ridmap' | 'firmware';
}

export interface JudgeResult {
  arch: JudgeArch;
  firmware: FirmwareInterface;
  /** The Linux profile (`--os`) ridmap's map predicted for: the booted kernel's series. */
  linux: string;
  /** The ACPI tables ridmap built (injected unless the boot used the firmware's); none under DT. */
  tables: AcpiTableFile[];
  boot: BootResult;
  comparison: Comparison;
  /** The rebuilt table set Linux booted on (VIOT), and how long the boot that read the firmware's tables took (0: reused). */
  rebuilt?: { image: TableSetImage; firmwareBootMs: number };
}

export async function judgeTopology(req: JudgeRequest): Promise<JudgeResult> {
  const exported = req.machineArgs ? undefined : exportQemu(req.topology).argv;
  const qemu = req.qemu ?? exported?.[0];
  const arch = exported ? qemuArch(exported[0]!) : req.assets.arch;
  if (arch !== req.assets.arch) {
    throw new JudgeError(`the topology boots on ${exported![0]} (${arch}) but the kernel is ${req.assets.arch}'s: give the ${arch} assets (scripts/judge-assets.sh --arch ${arch})`, '');
  }
  const firmware = req.firmware ?? 'acpi';
  if (firmware === 'dt' && arch !== 'arm64') throw new JudgeError('a Device Tree boot is for arm64 only (x86 has no DT binding for VT-d)', '');
  const fromFirmware = req.tablesFrom === 'firmware';
  const numbering = judgeNumbering(firmware);
  const linux = judgeTarget(req.assets, firmware, req.os);
  const resolved = resolveTopology(req.topology, { numbering, linux });
  const unseen = firmware === 'dt' && fromFirmware ? unseenOnQemuBoard(resolved) : new Map<string, string>();
  const predicted = (mapToJson(resolved.map).devices ?? []).map((d) => (unseen.has(d.id) ? { ...d, unseen: unseen.get(d.id)! } : d));
  const common = {
    assets: req.assets, machineArgs: req.machineArgs ?? exported!.slice(1), firmware,
    ...(qemu ? { qemu } : {}), ...(req.timeoutMs ? { timeoutMs: req.timeoutMs } : {}), ...(req.root ? { root: req.root } : {}),
  };
  const result = (tables: AcpiTableFile[], boot: BootResult): JudgeResult => ({
    arch, firmware, linux: linux.profile.id, tables, boot, comparison: compareWithLinux(predicted, boot.report, amdViFunctions(resolved)),
  });

  if (firmware === 'dt') {
    const missing = missingDriver(req.assets, hasVirtioIommu(req.topology) ? "the Device Tree's virtio,pci-iommu" : undefined);
    if (missing) throw new JudgeError(missing, '');
    const smmuv3Dt = fromFirmware ? undefined : smmuv3DtRefusal(req.topology);
    if (smmuv3Dt) throw new JudgeError(smmuv3Dt, '');
    const deviceTree = fromFirmware ? undefined : dtFromTopology(resolved);
    if (deviceTree && hasErrors(deviceTree.diagnostics)) {
      throw new JudgeError(`ridmap cannot build the topology's Device Tree:\n${deviceTree.diagnostics.map((d) => `  ${d.message}`).join('\n')}`, '');
    }
    return result([], await bootJudge({ ...common, tables: [], ...(deviceTree ? { deviceTree: deviceTree.tree } : {}) }));
  }

  const { upgraded, rebuilt } = acpiTables(req.topology, arch);
  const tables = [...upgraded, ...rebuilt];
  // After the tables: one the judge cannot inject is the first thing to say.
  const viot = rebuilt.some((t) => t.signature === 'VIOT');
  const missing = missingDriver(req.assets, viot ? 'a VIOT' : undefined) ?? missingRimt(req.assets, rebuilt);
  if (missing) throw new JudgeError(missing, '');
  if (rebuilt.length > 0 && fromFirmware) {
    // The very boot a rebuilt set starts from: judging QEMU's tables and ridmap's costs one boot on QEMU's, not two.
    const { boot } = await bootOnFirmwareTables(common);
    checkDriverRan(req.assets, viot, boot);
    return result(tables, boot);
  }
  if (rebuilt.length > 0) {
    const r = await bootOnRebuiltTables({ ...common, tables: rebuilt });
    checkDriverRan(req.assets, viot, r.boot);
    return { ...result(tables, r.boot), rebuilt: { image: r.image, firmwareBootMs: r.firmwareBootMs } };
  }
  const boot = await bootJudge({ ...common, tables: fromFirmware ? [] : upgraded, reportSignatures: tables.map((t) => t.signature) });
  checkDriverRan(req.assets, viot, boot);
  return result(tables, boot);
}

/** The AMD-Vi units by their own PCI function (Linux names them ivhd<n>, after the IVHD it read). */
function amdViFunctions(resolved: ResolvedTopology): Map<string, string> {
  const out = new Map<string, string>();
  for (const u of resolved.iommus) {
    if (u.node.type !== 'amd-vi') continue;
    const f = resolved.byId.get(u.node.device);
    if (f) out.set(formatSbdf(f.segment, f.rid), u.identity);
  }
  return out;
}

/**
 * The devices Linux cannot see on QEMU's own virt Device Tree: it has one PCI
 * host, whose scan starts at bus 0, so an expander's root bus and everything
 * below it are described in ACPI only (import qemu's qemu-acpi-only).
 */
function unseenOnQemuBoard(resolved: ResolvedTopology): Map<string, string> {
  const out = new Map<string, string>();
  for (const f of resolved.functions) {
    const host = f.hostBridge;
    if (host.node.expander) out.set(f.id, `below expander ${host.id}, which QEMU's Device Tree does not describe (qemu-acpi-only)`);
  }
  return out;
}

/** The topology's ACPI tables the judge can inject, each by the way it goes in, under the header that makes Linux take them over QEMU's. */
function acpiTables(topology: Topology, arch: JudgeArch): { upgraded: AcpiTableFile[]; rebuilt: AcpiTableFile[] } {
  const built = buildOutputs(resolveTopology(topologyForTableUpgrade(topology)));
  if (hasErrors(built.diagnostics)) {
    throw new JudgeError(`ridmap cannot build the topology's tables:\n${built.diagnostics.map((d) => `  ${d.message}`).join('\n')}`, '');
  }
  const upgraded: AcpiTableFile[] = [];
  const rebuilt: AcpiTableFile[] = [];
  for (const out of built.outputs) {
    if (!(out.data instanceof Uint8Array)) continue;
    const upgrade = UPGRADABLE.get(out.name);
    const rebuild = REBUILT.get(out.name);
    if (upgrade !== undefined) upgraded.push({ signature: upgrade, bytes: out.data });
    else if (rebuild !== undefined) rebuilt.push({ signature: rebuild, bytes: out.data });
  }
  if (rebuilt.length > 0 && arch === 'arm64') {
    // rsdp-boot.ts lays the rebuilt set out for q35 under SeaBIOS (memmap= in the E820 map) and in RISC-V virt's flash, not yet for Arm virt.
    throw new JudgeError('the judge injects VIOT on x86 only (its rebuilt table set is laid out for q35 under SeaBIOS): on arm64 boot the topology with --firmware dt', '');
  }
  if (upgraded.length + rebuilt.length === 0) throw new JudgeError('the topology calls for no table the judge can inject (DMAR, IVRS, IORT, VIOT, RIMT)', '');
  if (upgraded.length > 0 && rebuilt.length > 0) throw new JudgeError('the judge cannot inject DMAR and VIOT in one boot yet', '');
  return { upgraded, rebuilt };
}

function hasVirtioIommu(topology: Topology): boolean {
  return (topology.iommus ?? []).some((u) => u.type === 'virtio-iommu-pci' || u.type === 'virtio-iommu-mmio');
}

/**
 * A virtio-iommu boot where no virtio-iommu registered gives no answer about
 * the tables: the driver probes the virtio device whatever the VIOT says, so
 * its absence means the kernel lacks it (a --kernel whose configuration is
 * unknown, booted without the cached modules), not that ridmap's VIOT is wrong.
 * Any IOMMU that is a PCI function counts: should a kernel name it otherwise,
 * the comparison shows Linux's name rather than this refusal hiding it.
 */
function checkDriverRan(assets: JudgeAssets, viot: boolean, boot: BootResult): void {
  if (!viot || boot.report.iommus.some((u) => u.pciFunction !== null)) return;
  const seen = boot.report.iommus.map((u) => u.name).join(', ') || 'nothing';
  throw new JudgeError(`Linux ${assets.kernelVersion} registered no virtio-iommu (/sys/class/iommu holds ${seen}), so it cannot judge a VIOT: `
    + 'its kernel has no virtio-iommu driver, or has it as a module the judge did not load (--kernel boots without the cached modules); '
    + 'boot the cached Debian 13 kernel (--assets .judge-cache/trixie) or a kernel with CONFIG_VIRTIO_IOMMU=y', boot.console);
}

/**
 * Why the kernel cannot judge a RIMT, when its configuration is known: one
 * without CONFIG_ACPI_RIMT (Debian's riscv64 6.12, which has no RISC-V IOMMU
 * driver either; Linux parses RIMT from 6.17) translates nothing whatever the
 * table says, so the comparison would blame ridmap's RIMT for the kernel.
 */
export function missingRimt(assets: JudgeAssets, tables: readonly AcpiTableFile[]): string | undefined {
  if (!tables.some((t) => t.signature === 'RIMT') || assets.config.size === 0) return undefined;
  const lacking = ['ACPI_RIMT', 'RISCV_IOMMU'].filter((key) => !assets.config.has(key));
  if (lacking.length === 0) return undefined;
  return `Linux ${assets.kernelVersion} cannot judge a RIMT: ${lacking.map((k) => `CONFIG_${k}`).join(' and ')} ${lacking.length > 1 ? 'are' : 'is'} not set `
    + '(Linux parses RIMT from 6.17; Debian\'s riscv64 6.12 has neither): boot a kernel that has them, as the reference root\'s newest riscv64 one';
}

/**
 * Why the kernel cannot judge a virtio-iommu (a VIOT, or a DT's
 * virtio,pci-iommu), when its configuration is known (the cached kernel's; a
 * user's --kernel is not): Debian 12's 6.1 has no virtio-iommu driver at all,
 * so Linux would give every device no IOMMU and the comparison would blame
 * ridmap's tables for the kernel.
 */
function missingDriver(assets: JudgeAssets, virtioIommu: string | undefined): string | undefined {
  if (virtioIommu === undefined || assets.config.size === 0 || assets.config.has('VIRTIO_IOMMU')) return undefined;
  const release = assets.arch === 'amd64' ? '--release trixie' : `--release trixie --arch ${assets.arch}`;
  return `Linux ${assets.kernelVersion} has no virtio-iommu driver (CONFIG_VIRTIO_IOMMU is not set; Debian 12's 6.1 has none), so it cannot judge ${virtioIommu}: `
    + `fetch Debian 13's 6.12 with scripts/judge-assets.sh .judge-cache/trixie ${release} and boot with --assets .judge-cache/trixie`;
}
