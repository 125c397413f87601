/**
 * The judge for one topology: build its ACPI tables under the header Linux's
 * table upgrade accepts over QEMU's, boot Linux on them, and compare what
 * Linux did with what ridmap's map of the topology says. The core of
 * `ridmap boot`; the QEMU command line is `export qemu`'s unless the caller
 * gives one (the interop suite boots its own command lines).
 */
import { buildOutputs } from '../build-outputs.js';
import { dtFromTopology } from '../dt/from-topology.js';
import { exportQemu } from '../import/qemu/export-qemu.js';
import { hasErrors } from '../diagnostic.js';
import { mapToJson } from '../map/map-json.js';
import { resolveTopology } from '../model/resolve.js';
import type { Topology } from '../model/topology-schema.js';
import type { JudgeArch, JudgeAssets } from './assets.js';
import { type BootResult, bootJudge, JudgeError } from './boot.js';
import { DEFAULT_LINUX_PROFILE, type FirmwareInterface, type LinuxTarget, profileForRelease } from '../model/linux-profile.js';
import { type Comparison, compareWithLinux } from './compare.js';
import type { AcpiTableFile } from './initramfs.js';
import { topologyForTableUpgrade } from './upgrade-header.js';

/** The tables the judge can inject: the ones Linux's table upgrade takes (VIOT it refuses: "Unknown signature"). */
const UPGRADABLE = new Map([['DMAR.dat', 'DMAR'], ['IORT.dat', 'IORT']]);

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
export function judgeTarget(assets: JudgeAssets, firmware: FirmwareInterface): LinuxTarget {
  return { profile: profileForRelease(assets.kernelVersion) ?? DEFAULT_LINUX_PROFILE, firmware };
}

/** The architecture of a QEMU system emulator, by its name. */
export function qemuArch(binary: string): JudgeArch {
  return /aarch64|arm/.test(binary) ? 'arm64' : 'amd64';
}

export interface JudgeRequest {
  topology: Topology;
  assets: JudgeAssets;
  /** The QEMU machine and devices the topology describes; default: export qemu's (which refuses, InputError, what QEMU cannot build). */
  machineArgs?: readonly string[];
  qemu?: string;
  timeoutMs?: number;
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
  const numbering = judgeNumbering(firmware);
  const fromFirmware = req.tablesFrom === 'firmware';
  const tables = firmware === 'acpi' ? acpiTables(req.topology) : [];
  // After the tables: one the judge cannot inject is the first thing to say.
  const missing = missingDriver(req.topology, req.assets);
  if (missing) throw new JudgeError(missing, '');
  const deviceTree = firmware === 'dt' && !fromFirmware ? dtFromTopology(resolveTopology(req.topology, { numbering })) : undefined;
  if (deviceTree && hasErrors(deviceTree.diagnostics)) {
    throw new JudgeError(`ridmap cannot build the topology's Device Tree:\n${deviceTree.diagnostics.map((d) => `  ${d.message}`).join('\n')}`, '');
  }
  const boot = await bootJudge({
    assets: req.assets, machineArgs: req.machineArgs ?? exported!.slice(1), tables: fromFirmware ? [] : tables,
    reportSignatures: tables.map((t) => t.signature), firmware,
    ...(deviceTree ? { deviceTree: deviceTree.tree } : {}),
    ...(qemu ? { qemu } : {}), ...(req.timeoutMs ? { timeoutMs: req.timeoutMs } : {}),
  });
  const linux = judgeTarget(req.assets, firmware);
  const predicted = mapToJson(resolveTopology(req.topology, { numbering, linux }).map).devices ?? [];
  return { arch, firmware, linux: linux.profile.id, tables, boot, comparison: compareWithLinux(predicted, boot.report) };
}

/**
 * Why the kernel cannot answer for the topology's IOMMUs, when its
 * configuration is known and lacks their driver: Debian's 6.1 has no
 * virtio-iommu (6.12 has it as a module), and without the driver Linux gives
 * every device no IOMMU, which would read as a disagreement about the tables.
 */
function missingDriver(topology: Topology, assets: JudgeAssets): string | undefined {
  if (assets.config.size === 0) return undefined;
  if ((topology.iommus ?? []).some((u) => u.type === 'virtio-iommu-pci' || u.type === 'virtio-iommu-mmio') && !assets.config.has('VIRTIO_IOMMU')) {
    return `Linux ${assets.kernelVersion} has no virtio-iommu driver (CONFIG_VIRTIO_IOMMU is not set): give a kernel that has it (Debian 13's: scripts/judge-assets.sh DIR --release trixie --arch ${assets.arch})`;
  }
  return undefined;
}

/** The topology's tables Linux's table upgrade takes, under the header that makes it take them over QEMU's. */
function acpiTables(topology: Topology): AcpiTableFile[] {
  const built = buildOutputs(resolveTopology(topologyForTableUpgrade(topology)));
  if (hasErrors(built.diagnostics)) {
    throw new JudgeError(`ridmap cannot build the topology's tables:\n${built.diagnostics.map((d) => `  ${d.message}`).join('\n')}`, '');
  }
  const tables: AcpiTableFile[] = [];
  for (const out of built.outputs) {
    const signature = UPGRADABLE.get(out.name);
    if (signature !== undefined && out.data instanceof Uint8Array) tables.push({ signature, bytes: out.data });
    else if (out.name === 'VIOT.dat') throw new JudgeError('the judge cannot inject VIOT yet (Linux\'s table upgrade refuses it: "Unknown signature")', '');
  }
  if (tables.length === 0) throw new JudgeError('the topology calls for no table the judge can inject (DMAR, IORT)', '');
  return tables;
}
