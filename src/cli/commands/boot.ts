/**
 * `ridmap boot TOPOLOGY [--assets DIR] [--kernel VMLINUZ] [--qemu BINARY] [--tables ridmap|qemu] [--firmware acpi|dt] [--format text|json]`:
 * boots Debian's kernel under QEMU (TCG) on the topology's tables, built by
 * ridmap and injected by Linux's ACPI table upgrade (DMAR, IORT) or a rebuilt
 * table set behind acpi_rsdp= (VIOT, x86), or on arm64 under DT ridmap's
 * Device Tree properties on QEMU's board, and prints Linux's IOMMU
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
import { findJudgeAssets, type JudgeArch, type JudgeAssets } from '../../judge/assets.js';
import { JudgeError } from '../../judge/boot.js';
import { judgeTopology, qemuArch } from '../../judge/judge-topology.js';
import { formatComparisonText } from '../../judge/render.js';
import type { FirmwareInterface } from '../../model/linux-profile.js';
import { EXIT_FINDINGS } from '../exit-codes.js';
import { DEFAULT_LINUX_PROFILE, LINUX_PROFILES, linuxProfile, type LinuxProfile, profileForRelease } from '../../model/linux-profile.js';
import { findReferenceRoot, type ReferenceRoot, referenceKernel, referenceRootPath } from '../../judge/reference-root.js';
import { firmwareOption } from '../options.js';
import type { CliContext } from '../context.js';

interface BootOptions {
  assets?: string;
  kernel?: string;
  qemu?: string;
  tables: 'ridmap' | 'qemu';
  firmware: FirmwareInterface;
  format: 'text' | 'json';
  timeout: string;
  /** `true` for `--root` alone: the default root. */
  root?: string | true;
  os?: string;
}

export function registerBoot(program: Command, ctx: CliContext): void {
  program
    .command('boot')
    .description('boot Linux under QEMU on the topology\'s tables and compare its IOMMUs and groups with the map, device by device')
    .argument('<topology>', 'topology file (YAML/JSON)')
    .option('--assets <dir>', 'what scripts/judge-assets.sh fetched (default: $RIDMAP_JUDGE_CACHE, else .judge-cache)')
    .option('--kernel <vmlinuz>', 'boot this kernel instead of the cached one, without the cached modules (DMAR, IVRS, IORT need ACPI_TABLE_UPGRADE and the IOMMU driver built in; VIOT needs VIRTIO_IOMMU=y and KEXEC, which acpi_rsdp= depends on)')
    .option('--qemu <binary>', 'the QEMU system emulator (default: the one export qemu names)')
    .addOption(new Option('--tables <whose>', 'ridmap: boot on ridmap\'s tables; qemu: on QEMU\'s own').choices(['ridmap', 'qemu']).default('ridmap'))
    .addOption(firmwareOption())
    .option('--root [dir]', 'boot in the reference root (scripts/reference-root.sh): its QEMU 11.1, its EDK2 and its Debian kernel of --os (default: $RIDMAP_REFERENCE_ROOT, else /var/cache/ridmap/reference-root)')
    .addOption(new Option('--os <kernel>', 'the Linux series: with --root, the kernel booted (default the newest profile); with --kernel, the profile predicted; else it must be the cached kernel\'s').choices(LINUX_PROFILES.map((p) => p.id)))
    .addOption(new Option('-f, --format <format>', 'output format').choices(['text', 'json']).default('text'))
    .option('--timeout <seconds>', 'give up on a boot after this long', '180')
    .addHelpText('after', `
The QEMU command line is export qemu's (a topology it refuses cannot boot); its emulator says the
architecture, and the kernel is --assets' amd64/ or arm64/. ridmap's DMAR, IVRS or IORT goes in through
Linux's ACPI table upgrade under QEMU's OEM ID and Table ID (BOCHS/BXPC) with a higher OEM Revision;
the boot fails (exit 2) unless dmesg says "Table Upgrade: override" and /sys/firmware/acpi/tables
holds ridmap's bytes. The upgrade refuses VIOT: on x86 a first boot reads QEMU's tables, then
Linux boots on all of them with ridmap's VIOT instead of QEMU's, behind a new RSDP loaded at
0x10000000 (acpi_rsdp=); it fails unless dmesg shows that RSDP and /sys/firmware/acpi/tables/VIOT
holds ridmap's bytes. virtio-iommu needs a kernel that has it (Debian 13's 6.12:
scripts/judge-assets.sh .judge-cache/trixie --release trixie [--arch arm64], then --assets
.judge-cache/trixie). arm64 boots ACPI through EDK2 (qemu-efi-aarch64) by default, as Arm servers
(and their IORT) do. --firmware dt (arm64 only) boots without firmware on QEMU's own Device Tree
carrying ridmap's iommu-map, msi-map (and their masks, iommus, msi-parent) and SMMU/ITS cells, and
fails unless /proc/device-tree holds those bytes; Linux then numbers the buses itself, so the map
is predicted with --numbering compact. On arm64 a virtio-iommu is judged under DT only. The map
is predicted for the booted kernel's series (--os, from its release) and firmware interface.
--tables qemu boots on QEMU's own tables or tree.
Group numbers differ by nature: the partitions are compared.

Examples:
  scripts/judge-assets.sh && ridmap boot tables/q35-vtd-pci-bridge.yaml
  ridmap boot tables/q35-virtio-iommu-pxb.yaml --assets .judge-cache/trixie
  ridmap boot topo.yaml --tables qemu --format json
  scripts/judge-assets.sh --arch arm64 && ridmap boot arm-virt.yaml --firmware dt
  scripts/reference-root.sh && ridmap boot tables/arm-virt-smmuv3.yaml --root --os linux-6.12 --firmware dt`)
    .action(async (file: string, opts: BootOptions) => {
      const topology = loadTopologyFile(file);
      let binary: string;
      try {
        // Refused before anything is fetched or booted: the reasons are the topology's.
        binary = exportQemu(topology).argv[0]!;
      } catch (e) {
        if (e instanceof InputError) throw new InputError(inFile(file, e.diagnostics.filter((d) => d.severity === 'error')));
        throw e;
      }
      const arch = qemuArch(binary);
      if (opts.firmware === 'dt' && arch !== 'arm64') throw usage(`--firmware dt: ${file} boots on ${binary}; a Device Tree boot is for arm64 (Arm virt) only`);
      const { firmware } = opts;
      const { assets, root, os } = bootKernel(opts, arch);
      const timeoutMs = Number(opts.timeout) * 1000;
      if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) throw usage(`--timeout ${opts.timeout}: give a number of seconds`);
      let result;
      try {
        result = await judgeTopology({
          topology, assets, timeoutMs, firmware, tablesFrom: opts.tables === 'qemu' ? 'firmware' : 'ridmap', ...(opts.qemu ? { qemu: opts.qemu } : {}),
          ...(root ? { root: root.path, qemu: opts.qemu ?? binary } : {}), ...(os ? { os } : {}),
        });
      } catch (e) {
        if (e instanceof JudgeError) throw new InputError([{ severity: 'error', code: 'boot-failed', file, message: e.message }]);
        throw e;
      }
      const c = result.comparison;
      const whose = opts.tables === 'qemu' ? "QEMU's" : "ridmap's";
      const what = firmware === 'dt' ? 'Device Tree' : result.tables.map((t) => t.signature).join(', ');
      if (opts.format === 'json') {
        ctx.out(JSON.stringify({
          kernel: assets.kernelVersion, os: result.linux, arch, firmware, tables: opts.tables, elapsedMs: result.boot.elapsedMs,
          ...(root ? { root: { path: root.path, qemu: root.qemuVersion } } : {}),
          ...(result.rebuilt ? { rsdp: formatAddress(result.rebuilt.image.address), firmwareBootMs: result.rebuilt.firmwareBootMs } : {}),
          agree: c.agree, devices: c.devices, groupDifferences: c.groupDifferences,
        }, null, 2));
      } else {
        const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
        const how = result.rebuilt
          ? ` (a rebuilt table set, RSDP at ${formatAddress(result.rebuilt.image.address)})`
          : firmware === 'dt' ? ' (no firmware)' : arch !== 'amd64' ? ' (ACPI through UEFI)' : '';
        const firmwareBoot = result.rebuilt?.firmwareBootMs ? ` after ${seconds(result.rebuilt.firmwareBootMs)} reading QEMU's tables` : '';
        ctx.out(`Linux ${assets.kernelVersion} on ${whose} ${what}${how}, booted in ${seconds(result.boot.elapsedMs)}${firmwareBoot}\n`
          + `ridmap's map for --os ${result.linux} --firmware ${firmware}${root ? `; QEMU ${root.qemuVersion} in the reference root ${root.path}` : ''}\n\n${formatComparisonText(c)}`);
      }
      if (!c.agree) ctx.exitCode = EXIT_FINDINGS;
    });
}

/**
 * The kernel to boot and the profile to predict for: the reference root's
 * kernel of --os (--root), the cached one (whose series --os, if given, must
 * be), or a given --kernel (predicted for --os, else the newest profile).
 */
function bootKernel(opts: BootOptions, arch: JudgeArch): { assets: JudgeAssets; root?: ReferenceRoot; os?: LinuxProfile } {
  const os = opts.os === undefined ? undefined : linuxProfile(opts.os);
  if (opts.root !== undefined) {
    if (opts.kernel !== undefined || opts.assets !== undefined) throw usage('--root boots the root\'s own kernels: give --os to choose one, not --kernel or --assets');
    const lookup = findReferenceRoot(opts.root === true ? referenceRootPath() : opts.root);
    if (!lookup.root) throw usage(`--root: ${lookup.missing} (build it with scripts/reference-root.sh, as root)`);
    const profile = os ?? DEFAULT_LINUX_PROFILE;
    const series = profile.id.replace(/^linux-/, '');
    const kernel = referenceKernel(lookup.root, series, arch);
    if (!kernel) throw usage(`--root: ${lookup.root.path} has no ${arch} kernel of series ${series}`);
    return { assets: kernel.assets, root: lookup.root, os: profile };
  }
  const assets = bootAssets(opts, arch);
  if (os && opts.kernel === undefined) {
    const own = profileForRelease(assets.kernelVersion);
    if (own && own.id !== os.id) throw usage(`--os ${os.id}: the cached kernel is ${assets.kernelVersion} (${own.id}); boot that series with --root --os ${os.id}, or fetch it`);
  }
  return { assets, ...(os ? { os } : {}) };
}

function bootAssets(opts: BootOptions, arch: JudgeArch): JudgeAssets {
  const dir = opts.assets ?? process.env['RIDMAP_JUDGE_CACHE'] ?? '.judge-cache';
  const found = findJudgeAssets(dir, arch);
  if (!found) throw usage(`no kernel and busybox in ${join(dir, arch)}: run scripts/judge-assets.sh ${dir}${arch === 'amd64' ? '' : ` --arch ${arch}`} (Debian), or give --assets`);
  if (opts.kernel === undefined) return found;
  // The cached modules are built for the cached kernel only; a given kernel's configuration is unknown.
  return { ...found, modules: [], config: new Map(), vmlinuz: opts.kernel, kernelVersion: `${opts.kernel} (given)` };
}

function usage(message: string): InputError {
  return new InputError([{ severity: 'error', code: 'usage', message }]);
}
