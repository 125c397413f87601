/**
 * `ridmap boot TOPOLOGY [--assets DIR] [--kernel VMLINUZ] [--qemu BINARY] [--tables ridmap|qemu] [--format text|json]`:
 * boots Debian's kernel under QEMU (TCG) on the topology's tables, built by
 * ridmap and injected by Linux's ACPI table upgrade (DMAR) or a rebuilt table
 * set behind acpi_rsdp= (VIOT), and prints Linux's IOMMU
 * and group for every PCI device beside ridmap's map. Exit 0 when they agree,
 * 1 on any difference, 2 when the topology cannot be booted (export qemu
 * refuses it, a table the judge cannot inject yet) or the boot gives no
 * answer (no kernel, QEMU failed, Linux did not use ridmap's tables).
 */
import { join } from 'node:path';
import { Option, type Command } from 'commander';
import { InputError, inFile } from '../../diagnostic.js';
import { exportQemu } from '../../import/qemu/export-qemu.js';
import { formatAddress } from '../../model/address.js';
import { loadTopologyFile } from '../../io/load-topology.js';
import { findJudgeAssets, type JudgeAssets } from '../../judge/assets.js';
import { JudgeError } from '../../judge/boot.js';
import { judgeTopology } from '../../judge/judge-topology.js';
import { formatComparisonText } from '../../judge/render.js';
import { EXIT_FINDINGS } from '../exit-codes.js';
import type { CliContext } from '../context.js';

interface BootOptions {
  assets?: string;
  kernel?: string;
  qemu?: string;
  tables: 'ridmap' | 'qemu';
  format: 'text' | 'json';
  timeout: string;
}

export function registerBoot(program: Command, ctx: CliContext): void {
  program
    .command('boot')
    .description('boot Linux under QEMU on the topology\'s tables and compare its IOMMUs and groups with the map, device by device')
    .argument('<topology>', 'topology file (YAML/JSON)')
    .option('--assets <dir>', 'what scripts/judge-assets.sh fetched (default: $RIDMAP_JUDGE_CACHE, else .judge-cache)')
    .option('--kernel <vmlinuz>', 'boot this x86 kernel instead of the cached one, without the cached modules (DMAR needs VT-d and ACPI_TABLE_UPGRADE; VIOT needs VIRTIO_IOMMU=y and KEXEC, which acpi_rsdp= depends on)')
    .option('--qemu <binary>', 'the QEMU system emulator (default: the one export qemu names)')
    .addOption(new Option('--tables <whose>', 'ridmap: boot on ridmap\'s tables; qemu: on QEMU\'s own').choices(['ridmap', 'qemu']).default('ridmap'))
    .addOption(new Option('-f, --format <format>', 'output format').choices(['text', 'json']).default('text'))
    .option('--timeout <seconds>', 'give up on a boot after this long', '180')
    .addHelpText('after', `
The QEMU command line is export qemu's (a topology it refuses cannot boot). ridmap's DMAR goes in
through Linux's ACPI table upgrade under QEMU's OEM ID and Table ID (BOCHS/BXPC) with a higher OEM
Revision; the boot fails (exit 2) unless dmesg says "Table Upgrade: override" and
/sys/firmware/acpi/tables/DMAR holds ridmap's bytes. The upgrade refuses VIOT: a first boot
reads QEMU's tables, then Linux boots on all of them with ridmap's VIOT instead of QEMU's, behind
a new RSDP loaded at 0x10000000 (acpi_rsdp=); it fails unless dmesg shows that RSDP and
/sys/firmware/acpi/tables/VIOT holds ridmap's bytes. VIOT needs a kernel with virtio-iommu
(Debian 13's 6.12: scripts/judge-assets.sh .judge-cache/trixie --release trixie, then
--assets .judge-cache/trixie). x86 only so far (DMAR, VIOT).
Group numbers differ by nature: the partitions are compared.

Examples:
  scripts/judge-assets.sh && ridmap boot tables/q35-vtd-pci-bridge.yaml
  ridmap boot tables/q35-virtio-iommu-pxb.yaml --assets .judge-cache/trixie
  ridmap boot topo.yaml --tables qemu --format json`)
    .action(async (file: string, opts: BootOptions) => {
      const topology = loadTopologyFile(file);
      try {
        // Refused before anything is fetched or booted: the reasons are the topology's.
        exportQemu(topology);
      } catch (e) {
        if (e instanceof InputError) throw new InputError(inFile(file, e.diagnostics.filter((d) => d.severity === 'error')));
        throw e;
      }
      const assets = bootAssets(opts);
      const timeoutMs = Number(opts.timeout) * 1000;
      if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) throw usage(`--timeout ${opts.timeout}: give a number of seconds`);
      let result;
      try {
        result = await judgeTopology({
          topology, assets, timeoutMs, tablesFrom: opts.tables === 'qemu' ? 'firmware' : 'ridmap', ...(opts.qemu ? { qemu: opts.qemu } : {}),
        });
      } catch (e) {
        if (e instanceof JudgeError) throw new InputError([{ severity: 'error', code: 'boot-failed', file, message: e.message }]);
        throw e;
      }
      const c = result.comparison;
      const whose = opts.tables === 'qemu' ? "QEMU's" : "ridmap's";
      if (opts.format === 'json') {
        ctx.out(JSON.stringify({
          kernel: assets.kernelVersion, tables: opts.tables, elapsedMs: result.boot.elapsedMs,
          ...(result.rebuilt ? { rsdp: formatAddress(result.rebuilt.image.address), firmwareBootMs: result.rebuilt.firmwareBootMs } : {}),
          agree: c.agree, devices: c.devices, groupDifferences: c.groupDifferences,
        }, null, 2));
      } else {
        const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
        const how = result.rebuilt
          ? ` (a rebuilt table set, RSDP at ${formatAddress(result.rebuilt.image.address)})`
          : '';
        const firmwareBoot = result.rebuilt?.firmwareBootMs ? ` after ${seconds(result.rebuilt.firmwareBootMs)} reading QEMU's tables` : '';
        ctx.out(`Linux ${assets.kernelVersion} on ${whose} ${result.tables.map((t) => t.signature).join(', ')}${how}, booted in ${seconds(result.boot.elapsedMs)}${firmwareBoot}\n\n${formatComparisonText(c)}`);
      }
      if (!c.agree) ctx.exitCode = EXIT_FINDINGS;
    });
}

function bootAssets(opts: BootOptions): JudgeAssets {
  const dir = opts.assets ?? process.env['RIDMAP_JUDGE_CACHE'] ?? '.judge-cache';
  const found = findJudgeAssets(dir);
  if (!found) throw usage(`no kernel and busybox in ${join(dir, 'amd64')}: run scripts/judge-assets.sh ${dir} (Debian), or give --assets`);
  if (opts.kernel === undefined) return found;
  // The cached modules are built for the cached kernel only; a given kernel's configuration is unknown.
  return { ...found, modules: [], config: new Map(), vmlinuz: opts.kernel, kernelVersion: `${opts.kernel} (given)` };
}

function usage(message: string): InputError {
  return new InputError([{ severity: 'error', code: 'usage', message }]);
}
