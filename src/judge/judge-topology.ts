/**
 * The judge for one topology: build its ACPI tables under the header Linux's
 * table upgrade accepts over QEMU's, boot Linux on them (DMAR through the
 * upgrade, VIOT through a rebuilt table set and acpi_rsdp=), and compare what
 * Linux did with what ridmap's map of the topology says. The core of
 * `ridmap boot`; the QEMU command line is `export qemu`'s unless the caller
 * gives one (the interop suite boots its own command lines).
 */
import { buildOutputs } from '../build-outputs.js';
import { exportQemu } from '../import/qemu/export-qemu.js';
import { hasErrors } from '../diagnostic.js';
import { mapToJson } from '../map/map-json.js';
import { resolveTopology } from '../model/resolve.js';
import type { Topology } from '../model/topology-schema.js';
import type { JudgeAssets } from './assets.js';
import { type BootResult, bootJudge, JudgeError } from './boot.js';
import { type Comparison, compareWithLinux } from './compare.js';
import type { AcpiTableFile } from './initramfs.js';
import type { TableSetImage } from './rebuilt-tables.js';
import { bootOnRebuiltTables } from './rsdp-boot.js';
import { topologyForTableUpgrade } from './upgrade-header.js';

/** The tables the x86 judge injects through Linux's table upgrade. */
const UPGRADABLE = new Map([['DMAR.dat', 'DMAR']]);
/** The ones the upgrade refuses ("Unknown signature"), injected through a rebuilt table set and acpi_rsdp= (rsdp-boot.ts). */
const REBUILT = new Map([['VIOT.dat', 'VIOT']]);

export interface JudgeRequest {
  topology: Topology;
  assets: JudgeAssets;
  /** The QEMU machine and devices the topology describes; default: export qemu's (which refuses, InputError, what QEMU cannot build). */
  machineArgs?: readonly string[];
  qemu?: string;
  timeoutMs?: number;
  /** A reference root to run QEMU in (BootRequest.root). */
  root?: string;
  /**
   * Whose tables Linux boots on: ridmap's (injected; the default) or the
   * firmware's own (QEMU's), which says whether ridmap's map of the topology
   * predicts what QEMU's tables make Linux do.
   */
  tablesFrom?: 'ridmap' | 'firmware';
}

export interface JudgeResult {
  /** The tables ridmap built (injected unless the boot used the firmware's). */
  tables: AcpiTableFile[];
  boot: BootResult;
  comparison: Comparison;
  /** The rebuilt table set Linux booted on (VIOT), and how long the boot that read the firmware's tables took (0: reused). */
  rebuilt?: { image: TableSetImage; firmwareBootMs: number };
}

export async function judgeTopology(req: JudgeRequest): Promise<JudgeResult> {
  const built = buildOutputs(resolveTopology(topologyForTableUpgrade(req.topology)));
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
    else if (out.name === 'IORT.dat') throw new JudgeError('the judge cannot inject IORT yet (x86: DMAR and VIOT)', '');
  }
  const tables = [...upgraded, ...rebuilt];
  if (tables.length === 0) throw new JudgeError('the topology calls for no table the judge can inject (DMAR, VIOT)', '');
  if (upgraded.length > 0 && rebuilt.length > 0) throw new JudgeError('the judge cannot inject DMAR and VIOT in one boot yet', '');
  const missing = missingDriver(req.assets, rebuilt);
  if (missing) throw new JudgeError(missing, '');
  const firmware = req.tablesFrom === 'firmware';
  const exported = req.machineArgs ? undefined : exportQemu(req.topology).argv;
  const qemu = req.qemu ?? exported?.[0];
  const common = {
    assets: req.assets, machineArgs: req.machineArgs ?? exported!.slice(1),
    ...(qemu ? { qemu } : {}), ...(req.timeoutMs ? { timeoutMs: req.timeoutMs } : {}), ...(req.root ? { root: req.root } : {}),
  };
  const predicted = mapToJson(resolveTopology(req.topology).map).devices ?? [];
  if (rebuilt.length > 0 && !firmware) {
    const r = await bootOnRebuiltTables({ ...common, tables: rebuilt });
    checkDriverRan(req.assets, rebuilt, r.boot);
    return { tables, boot: r.boot, comparison: compareWithLinux(predicted, r.boot.report), rebuilt: { image: r.image, firmwareBootMs: r.firmwareBootMs } };
  }
  const boot = await bootJudge({ ...common, tables: firmware ? [] : upgraded, reportSignatures: tables.map((t) => t.signature) });
  checkDriverRan(req.assets, rebuilt, boot);
  return { tables, boot, comparison: compareWithLinux(predicted, boot.report) };
}

/**
 * A VIOT boot where no virtio-iommu registered gives no answer about the
 * table: the driver probes the virtio device whatever the VIOT says, so its
 * absence means the kernel lacks it (a --kernel whose configuration is
 * unknown, booted without the cached modules), not that ridmap's VIOT is wrong.
 * Any IOMMU that is a PCI function counts: should a kernel name it otherwise,
 * the comparison shows Linux's name rather than this refusal hiding it.
 */
function checkDriverRan(assets: JudgeAssets, rebuilt: readonly AcpiTableFile[], boot: BootResult): void {
  if (!rebuilt.some((t) => t.signature === 'VIOT') || boot.report.iommus.some((u) => u.pciFunction !== null)) return;
  const seen = boot.report.iommus.map((u) => u.name).join(', ') || 'nothing';
  throw new JudgeError(`Linux ${assets.kernelVersion} registered no virtio-iommu (/sys/class/iommu holds ${seen}), so it cannot judge a VIOT: `
    + 'its kernel has no virtio-iommu driver, or has it as a module the judge did not load (--kernel boots without the cached modules); '
    + 'boot the cached Debian 13 kernel (--assets .judge-cache/trixie) or a kernel with CONFIG_VIRTIO_IOMMU=y', boot.console);
}

/**
 * Why the kernel cannot judge a VIOT, when its configuration is known (the
 * cached kernel's; a user's --kernel is not): Debian 12's 6.1 has no
 * virtio-iommu driver at all, so Linux would give every device no IOMMU and
 * the comparison would blame ridmap's table for the kernel.
 */
function missingDriver(assets: JudgeAssets, rebuilt: readonly AcpiTableFile[]): string | undefined {
  if (!rebuilt.some((t) => t.signature === 'VIOT') || assets.config.size === 0 || assets.config.has('VIRTIO_IOMMU')) return undefined;
  return `Linux ${assets.kernelVersion} has no virtio-iommu driver (CONFIG_VIRTIO_IOMMU is not set; Debian 12's 6.1 has none), so it cannot judge a VIOT: `
    + 'fetch Debian 13\'s 6.12 with scripts/judge-assets.sh .judge-cache/trixie --release trixie and boot with --assets .judge-cache/trixie';
}
