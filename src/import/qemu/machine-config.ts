/**
 * The machine-wide settings of a command line: the machine type and its
 * options (merged over every -M/-machine, as QEMU merges them), the
 * accelerator, the default display and NICs, and the NUMA nodes that
 * expanders may name.
 */
import type { Diagnostic } from '../../diagnostic.js';
import type { QemuArg } from './argv.js';
import { NIC_MODEL_ALIASES } from './catalog.js';
import { MACHINES, machineKind, VGA_TYPES, type MachineDef } from './machines.js';
import { parseBool, parseOpts, parsePciAddr, parseUint } from './opts.js';
import { checked, fail, problem, type ArgRef } from './problems.js';
import { formatQemuVersion, qemuAtLeast, type QemuVersion } from './qemu-version.js';

export interface NicRequest {
  driver: string;
  /** The -nic/-net option; none for the default NIC. */
  arg?: ArgRef;
  devfn?: number;
}

export interface MachineConfig {
  def: MachineDef;
  /** The QEMU the line is for (import's --qemu-version; default NEWEST_VERIFIED_QEMU). */
  qemuVersion: QemuVersion;
  /**
   * Whose device defaults apply: a versioned machine type (pc-q35-9.1,
   * virt-8.2) keeps its release's defaults on a newer QEMU (QEMU's hw_compat_*
   * arrays), so this is the older of that release and qemuVersion.
   */
  defaultsVersion: QemuVersion;
  /** The -M/-machine that named the type; none when QEMU's default machine (x86: pc) applies. */
  arg?: ArgRef;
  /** virt: iommu=smmuv3. */
  smmuv3: boolean;
  /** RISC-V virt: iommu-sys=on, a platform RISC-V IOMMU. */
  riscvIommuSys: boolean;
  defaultBusBypassIommu: boolean;
  kvm: boolean;
  kernelIrqchip: 'on' | 'off' | 'split';
  /** virt: the GIC has an ITS (GICv3/v4 with its=on, msi= auto or its). */
  its: boolean;
  /** virt: highmem=off moves ECAM low, where it holds 16 buses. */
  highmem: boolean;
  /** q35 built-ins that options can remove or add. */
  sata: boolean;
  smbus: boolean;
  usb: boolean;
  /** The display QEMU adds by itself, if any. */
  vga?: { driver: string; arg?: ArgRef };
  nics: NicRequest[];
  numaNodes: Set<number>;
}

const MACHINE_KEYS_USED = new Set([
  'type', 'iommu', 'iommu-sys', 'default-bus-bypass-iommu', 'kernel-irqchip', 'gic-version', 'its', 'msi', 'highmem', 'sata', 'smbus', 'usb', 'accel',
]);

export function machineConfig(
  args: readonly QemuArg[],
  hasVgaDevice: boolean,
  warnings: Diagnostic[],
  qemuVersion: QemuVersion,
  binary?: string,
): MachineConfig {
  const machineArgs = args.filter((a) => a.name === '-M' || a.name === '-machine');
  // QEMU merges all -machine options; machine property names take '-' or '_'.
  const props = new Map<string, { value: string; arg: QemuArg }>();
  for (const arg of machineArgs) {
    for (const [key, value] of parseOpts(arg.value!, 'type').props) props.set(key.replace(/_/g, '-'), { value, arg });
  }
  const type = props.get('type');
  // Without -M, qemu-system-x86_64 builds its default machine, pc; the Arm and RISC-V emulators refuse ("No machine specified").
  if (!type && binary !== undefined && !/(x86_64|i386)$/.test(binary)) fail('qemu-unsupported-machine', undefined, `no -M/-machine: ${binary} has no default machine (QEMU: "No machine specified"); give -M virt`);
  const kind = type ? machineKind(type.value, binary) : 'pc';
  if (!kind) fail('qemu-unsupported-machine', type!.arg, `machine type "${type!.value}" is not supported; the importer describes q35, pc (i440FX), Arm virt and RISC-V virt`);
  const def = MACHINES[kind];
  for (const [key, { arg }] of props) {
    if (!MACHINE_KEYS_USED.has(key)) warnings.push(problem('qemu-ignored', arg, `machine option ${key} does not change the PCI topology; ignored`, 'warning'));
  }

  const bool = (key: string, fallback: boolean): boolean => {
    const p = props.get(key);
    return p ? checked(p.arg, key, () => parseBool(p.value)) : fallback;
  };
  const flag = (name: string) => args.some((a) => a.name === name);
  const nodefaults = flag('-nodefaults');

  const iommu = props.get('iommu');
  if (iommu && (kind !== 'virt' || !['none', 'smmuv3'].includes(iommu.value))) {
    fail('qemu-iommu-option', iommu.arg, kind === 'virt' ? `iommu=${iommu.value}: valid values are none and smmuv3` : 'iommu= is an Arm virt option; q35 takes -device intel-iommu or virtio-iommu-pci');
  }
  const bypass = props.get('default-bus-bypass-iommu');
  if (bypass && kind === 'riscv-virt') fail('qemu-iommu-option', bypass.arg, 'RISC-V virt has no default-bus-bypass-iommu (QEMU: "Property \'virt-machine.default-bus-bypass-iommu\' not found")');
  const irqchip = props.get('kernel-irqchip');
  if (irqchip && !['on', 'off', 'split'].includes(irqchip.value)) fail('qemu-bad-value', irqchip.arg, 'kernel-irqchip takes on, off or split');

  const typeVersion = type ? machineTypeVersion(type.value) : undefined;
  return {
    def,
    qemuVersion,
    defaultsVersion: typeVersion && !qemuAtLeast(typeVersion, qemuVersion) ? typeVersion : qemuVersion,
    ...(type ? { arg: type.arg } : {}),
    smmuv3: iommu?.value === 'smmuv3',
    riscvIommuSys: kind === 'riscv-virt' && bool('iommu-sys', false),
    defaultBusBypassIommu: bool('default-bus-bypass-iommu', false),
    kvm: usesKvm(args, props.get('accel')?.value),
    kernelIrqchip: (irqchip?.value as MachineConfig['kernelIrqchip'] | undefined) ?? 'on',
    its: kind === 'virt' && gicHasIts(props.get('gic-version')) && msiUsesIts(props.get('msi'), qemuVersion, bool('its', true)),
    highmem: bool('highmem', true),
    sata: bool('sata', true),
    smbus: bool('smbus', true),
    usb: flag('-usb') || bool('usb', false),
    ...defaultVga(def, args, hasVgaDevice, nodefaults, warnings),
    nics: nicRequests(def, args, nodefaults),
    numaNodes: numaNodes(args),
  };
}

/** The release of a versioned machine type (`pc-q35-9.1`, `virt-8.2`); none for `q35`, `virt`. */
function machineTypeVersion(type: string): QemuVersion | undefined {
  const m = /-(\d+)\.(\d+)$/.exec(type);
  return m ? [Number(m[1]), Number(m[2])] : undefined;
}

/** -enable-kvm, -accel kvm, or -M accel=kvm (its first choice). */
function usesKvm(args: readonly QemuArg[], machineAccel: string | undefined): boolean {
  const accel = args.filter((a) => a.name === '-accel').map((a) => parseOpts(a.value!, 'accel').props.get('accel'));
  const first = accel[0] ?? machineAccel?.split(':')[0];
  return args.some((a) => a.name === '-enable-kvm') || first === 'kvm';
}

/**
 * virt's msi= (auto, its, gicv2m, off) chooses the MSI controller, superseding
 * its= (hw/arm/virt.c virt_set_msi): gicv2m gives a GICv3 a GICv2m frame and
 * no ITS, so nothing in the IORT may route MSIs to an ITS.
 */
export const VIRT_MSI_SINCE: QemuVersion = [11, 0];

/** Whether a GIC that can have an ITS gets one: msi= when given, else its= (`itsOption`). */
function msiUsesIts(msi: { value: string; arg: ArgRef } | undefined, qemuVersion: QemuVersion, itsOption: boolean): boolean {
  if (!msi) return itsOption;
  if (!qemuAtLeast(qemuVersion, VIRT_MSI_SINCE)) {
    return fail('qemu-bad-value', msi.arg, `msi=${msi.value}: virt has msi= from QEMU ${formatQemuVersion(VIRT_MSI_SINCE)} on (QEMU ${formatQemuVersion(qemuVersion)}: "Property 'virt-machine.msi' not found"); use its=`);
  }
  if (msi.value === 'auto') return itsOption;
  if (msi.value === 'its') return true;
  if (msi.value === 'gicv2m' || msi.value === 'off') return false;
  return fail('qemu-bad-value', msi.arg, `msi=${msi.value}: valid values are auto, its, gicv2m and off`);
}

/** GICv2 (virt's default) has no ITS; 3, 4 and max (3 or 4 under TCG) do; host is whatever KVM has, taken as 3. */
function gicHasIts(version: { value: string; arg: ArgRef } | undefined): boolean {
  if (!version || version.value === '2') return false;
  if (['3', '4', 'max', 'host'].includes(version.value)) return true;
  return fail('qemu-bad-value', version.arg, `gic-version=${version.value}: valid values are 2, 3, 4, host and max`);
}

function defaultVga(def: MachineDef, args: readonly QemuArg[], hasVgaDevice: boolean, nodefaults: boolean, warnings: Diagnostic[]): Pick<MachineConfig, 'vga'> {
  const vgaArg = args.filter((a) => a.name === '-vga').at(-1);
  if (vgaArg) {
    if (!def.defaultVga) {
      warnings.push(problem('qemu-ignored', vgaArg, 'virt does not use -vga (QEMU creates no display for it)', 'warning'));
      return {};
    }
    const driver = VGA_TYPES[vgaArg.value!];
    if (driver === undefined) fail('qemu-bad-value', vgaArg, `-vga ${vgaArg.value}: the importer knows ${Object.keys(VGA_TYPES).join(', ')}`);
    return driver === null ? {} : { vga: { driver, arg: vgaArg } };
  }
  return def.defaultVga && !hasVgaDevice && !nodefaults ? { vga: { driver: 'VGA' } } : {};
}

/**
 * NICs the machine creates itself (before any -device): one per -nic (not
 * none) and per `-net nic`; with no network option at all, the default NIC.
 */
function nicRequests(def: MachineDef, args: readonly QemuArg[], nodefaults: boolean): NicRequest[] {
  const nics: NicRequest[] = [];
  let networkOption = false;
  for (const arg of args) {
    if (arg.name !== '-nic' && arg.name !== '-net' && arg.name !== '-netdev') continue;
    networkOption = true;
    const props = parseOpts(arg.value!, 'type').props;
    const type = props.get('type');
    if (arg.name === '-netdev' || type === 'none' || (arg.name === '-net' && type !== 'nic')) continue;
    const model = props.get('model');
    const addr = props.get('addr');
    const driver = model ? NIC_MODEL_ALIASES[model] ?? model : def.defaultNic;
    if (driver === undefined) continue;
    nics.push({
      driver,
      arg,
      ...(addr !== undefined ? { devfn: checked(arg, 'addr', () => parsePciAddr(addr)) } : {}),
    });
  }
  if (!networkOption && !nodefaults && def.defaultNic !== undefined) {
    return [{ driver: def.defaultNic }];
  }
  return nics;
}

/** -numa node[,nodeid=N]: nodes without nodeid take the next free number. */
function numaNodes(args: readonly QemuArg[]): Set<number> {
  const nodes = new Set<number>();
  for (const arg of args.filter((a) => a.name === '-numa')) {
    const props = parseOpts(arg.value!, 'type').props;
    if (props.get('type') !== 'node') continue;
    const id = props.get('nodeid');
    let n = 0;
    if (id !== undefined) n = checked(arg, 'nodeid', () => parseUint(id, 0xffff));
    else while (nodes.has(n)) n++;
    nodes.add(n);
  }
  return nodes;
}
