/**
 * The judge for one topology: build its ACPI tables under the header Linux's
 * table upgrade accepts over QEMU's, boot Linux on them, and compare what
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
import { topologyForTableUpgrade } from './upgrade-header.js';

/** The tables the x86 judge can inject: the ones Linux's table upgrade takes (VIOT it refuses: "Unknown signature"). */
const UPGRADABLE = new Map([['DMAR.dat', 'DMAR']]);

export interface JudgeRequest {
  topology: Topology;
  assets: JudgeAssets;
  /** The QEMU machine and devices the topology describes; default: export qemu's (which refuses, InputError, what QEMU cannot build). */
  machineArgs?: readonly string[];
  qemu?: string;
  timeoutMs?: number;
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
}

export async function judgeTopology(req: JudgeRequest): Promise<JudgeResult> {
  const built = buildOutputs(resolveTopology(topologyForTableUpgrade(req.topology)));
  if (hasErrors(built.diagnostics)) {
    throw new JudgeError(`ridmap cannot build the topology's tables:\n${built.diagnostics.map((d) => `  ${d.message}`).join('\n')}`, '');
  }
  const tables: AcpiTableFile[] = [];
  for (const out of built.outputs) {
    const signature = UPGRADABLE.get(out.name);
    if (signature !== undefined && out.data instanceof Uint8Array) tables.push({ signature, bytes: out.data });
    else if (out.name === 'VIOT.dat' || out.name === 'IORT.dat') {
      throw new JudgeError(`the judge cannot inject ${out.name.replace('.dat', '')} yet (x86 table upgrade: DMAR only)`, '');
    }
  }
  if (tables.length === 0) throw new JudgeError('the topology calls for no table the judge can inject (DMAR)', '');
  const firmware = req.tablesFrom === 'firmware';
  const exported = req.machineArgs ? undefined : exportQemu(req.topology).argv;
  const qemu = req.qemu ?? exported?.[0];
  const boot = await bootJudge({
    assets: req.assets, machineArgs: req.machineArgs ?? exported!.slice(1), tables: firmware ? [] : tables,
    reportSignatures: tables.map((t) => t.signature),
    ...(qemu ? { qemu } : {}), ...(req.timeoutMs ? { timeoutMs: req.timeoutMs } : {}),
  });
  const predicted = mapToJson(resolveTopology(req.topology).map).devices ?? [];
  return { tables, boot, comparison: compareWithLinux(predicted, boot.report) };
}
