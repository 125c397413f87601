/**
 * The properties of QEMU's IOMMU devices that change what the guest's
 * tables or its IOMMU say, by QEMU release: their defaults (which QEMU
 * changes between releases and keeps for older machine types through its
 * hw_compat_* arrays, hence MachineConfig.defaultsVersion) and what each
 * becomes in the topology (the unit's `capabilities`). Facts checked with
 * `-device X,help`, QEMU's error messages and the units' CAP/ECAP registers
 * (read over qtest) and tables of QEMU 7.2 and 11.1. A property the
 * importer does not know is a warning; one whose effect the topology cannot
 * say (DMA translation switched off) is refused, since the map would be wrong.
 */
import type { Diagnostic } from '../../diagnostic.js';
import type { IommuCapabilities } from '../../model/topology-schema.js';
import type { DeviceRequest } from './devices.js';
import type { MachineConfig } from './machine-config.js';
import { Q35_VTD, type MachineKind } from './machines.js';
import { parseBool, parseUint } from './opts.js';
import { checked, fail, problem } from './problems.js';
import { formatQemuVersion, qemuAtLeast, sameQemu, type QemuVersion } from './qemu-version.js';

/** intel-iommu's aw-bits default became 48 in QEMU 9.2 (39 before, and for pc-q35-9.1 and older: hw_compat_9_1). */
export const VTD_AW_BITS_48_SINCE: QemuVersion = [9, 2];

/**
 * intel-iommu's mode properties were experimental (x-) and renamed since: the
 * names each checked release has (`-device intel-iommu,help`); the importer
 * reads either spelling and warns when the release named has not got it.
 */
const VTD_MODE_NAMES: { version: QemuVersion; names: readonly string[] }[] = [
  { version: [7, 2], names: ['x-scalable-mode', 'x-pasid-mode'] },
  { version: [11, 1], names: ['scalable-mode', 'fsts', 'pasid-bits'] },
];
const VTD_MODE_PROPS = ['scalable-mode', 'x-scalable-mode', 'fsts', 'x-flts', 'pasid-bits', 'x-pasid-mode'];

/** QEMU 7.2's x-pasid-mode reports ECAP.PSS 7: 8-bit PASIDs (later releases widened it, then made it pasid-bits). */
const X_PASID_MODE_QEMU: QemuVersion = [7, 2];
const X_PASID_MODE_BITS = 8;

/** The PCI limit QEMU enforces on pasid-bits ("exceeds Max PASID Width 20 allowed in PCI spec"). */
const MAX_PASID_BITS = 20;

const KIB = 1024;
/**
 * VT-d page sizes QEMU's unit maps: 4 KiB pages and the 2 MiB and 1 GiB
 * super pages (CAP.SLLPS 0b11; in first-stage mode CAP.FS1GP gives 1 GiB,
 * which fs1gp=off takes away).
 */
const VTD_PAGE_SIZES = [4 * KIB, 2 * KIB * KIB, KIB * KIB * KIB];

/** virtio-iommu-pci's defaults changed in QEMU 9.0: granule host (4k before) and aw-bits 39 on q35, 48 on Arm virt (64 before; hw_compat_8_2). */
export const VIRTIO_IOMMU_DEFAULTS_SINCE: QemuVersion = [9, 0];
const VIRTIO_IOMMU_GRANULES: Record<string, number | 'host'> = { '4k': 4 * KIB, '8k': 8 * KIB, '16k': 16 * KIB, '64k': 64 * KIB, host: 'host' };

/** intel-iommu's aw-bits default for the machine. */
export function vtdDefaultAwBits(config: MachineConfig): number {
  return qemuAtLeast(config.defaultsVersion, VTD_AW_BITS_48_SINCE) ? 48 : 39;
}

/** Why the imported VT-d unit has the width it has, when aw-bits was not given: for the YAML header. */
export function vtdAwBitsNote(config: MachineConfig, awBits: number): string {
  const since = formatQemuVersion(VTD_AW_BITS_48_SINCE);
  return `hostAddressWidth ${awBits}: QEMU's aw-bits default for QEMU ${formatQemuVersion(config.defaultsVersion)} ` +
    `(39 before ${since}, 48 from ${since} on; give --qemu-version or --qemu for another release).`;
}

/** What a VT-d unit of QEMU's can do, from its mode: export compares a topology's capabilities with these. */
export function vtdCapabilities(mode: { awBits: number; firstStage: boolean; pasidBits?: number; fs1gp?: boolean }): IommuCapabilities {
  return {
    // Legacy and scalable second-stage tables share one format; first stage (fsts) walks x86 page tables only (no ECAP.SLTS).
    pageTableFormats: [mode.firstStage ? 'vtd-fl' : 'vtd-sl'],
    pageSizes: mode.firstStage && mode.fs1gp === false ? VTD_PAGE_SIZES.slice(0, 2) : VTD_PAGE_SIZES,
    inputAddressBits: mode.awBits,
    ...(mode.pasidBits !== undefined ? { pasidBits: mode.pasidBits } : {}),
  };
}

/**
 * Properties that change nothing the topology says (no table field, no
 * translation of a device), each with why: accepted without a word.
 */
const VTD_NO_EFFECT: Record<string, string> = {
  'caching-mode': 'CAP.CM: the guest flushes non-present entries too (for vfio); DMAR unchanged',
  'snoop-control': 'ECAP.SC; DMAR unchanged',
  eim: 'ECAP.EIM, x2APIC interrupt remapping; QEMU 11.1 never sets DMAR X2APIC_OPT_OUT for it',
  pt: 'ECAP.PT, pass-through support (QEMU 7.2); DMAR unchanged',
  'dma-drain': 'CAP.DRD/DWD (QEMU 7.2); DMAR unchanged',
  version: 'the VER register',
  'x-buggy-eim': 'a QEMU 2.x migration compat switch',
  fs1gp: 'CAP.FS1GP, read with fsts (pageSizes)',
  'stale-tm': 'a compat switch for the TM bit of first-stage entries',
};

/** Properties QEMU has that change the unit in ways the topology does not model: a warning. */
const VTD_UNMODELLED: Record<string, string> = {
  svm: 'shared virtual memory (PRS and PASID use by devices) is not modelled',
};

export interface VtdProps {
  awBits: number;
  /** aw-bits was left to QEMU's default. */
  awBitsDefault: boolean;
  deviceIotlb: boolean;
  capabilities: IommuCapabilities;
}

/** intel-iommu's -device properties (intremap and id are iommu.ts's). */
export function vtdProps(req: DeviceRequest, config: MachineConfig, warnings: Diagnostic[]): VtdProps {
  const { arg, props } = req;
  const bool = (...names: string[]) => {
    const name = names.find((n) => props.has(n));
    return name !== undefined && checked(arg, name, () => parseBool(props.get(name)!));
  };
  const aw = props.get('aw-bits');
  const awBits = aw === undefined ? vtdDefaultAwBits(config) : checked(arg, 'aw-bits', () => parseUint(aw, 0xff));
  if (!Q35_VTD.awBits.includes(awBits)) fail('qemu-iommu-option', arg, `aw-bits=${aw}: QEMU supports ${Q35_VTD.awBits.join(' and ')}`);
  // Scalable mode: x-scalable-mode in QEMU 7.2, scalable-mode in 11.1; first-stage translation: x-flts (10.x), fsts (11.1).
  const scalable = bool('scalable-mode', 'x-scalable-mode');
  const firstStage = bool('fsts', 'x-flts');
  if (firstStage && !scalable) fail('qemu-iommu-option', arg, 'fsts (first-stage translation) needs scalable-mode=on (QEMU: "fsts is only available in scalable mode")');
  if (firstStage && awBits !== 48) fail('qemu-iommu-option', arg, `aw-bits=${awBits} with fsts=on: QEMU's first stage takes 48 only`);
  const pasidBits = vtdPasidBits(req, config, scalable, warnings);
  if (props.has('dma-translation') && !bool('dma-translation')) {
    fail('qemu-iommu-option', arg, 'dma-translation=off: QEMU\'s unit then reports no address widths (CAP.SAGAW 0) and Linux uses it for interrupt remapping only ' +
      '("No supported address widths. Not attempting DMA translation."), so every device stays untranslated; a ridmap topology cannot say that of a VT-d unit');
  }
  warnModeNames(req, config, warnings);
  const deviceIotlb = bool('device-iotlb');
  if (bool('svm') && !deviceIotlb) fail('qemu-iommu-option', arg, 'svm=on needs device-iotlb=on (QEMU: "Need to set device IOTLB for svm")');
  warnUnknown(req, ['id', 'intremap', 'aw-bits', 'device-iotlb', 'scalable-mode', 'x-scalable-mode', 'fsts', 'x-flts', 'pasid-bits', 'x-pasid-mode', 'dma-translation',
    ...Object.keys(VTD_NO_EFFECT)], VTD_UNMODELLED, warnings);
  const fs1gp = props.has('fs1gp') ? bool('fs1gp') : undefined;
  return {
    awBits,
    awBitsDefault: aw === undefined,
    deviceIotlb,
    capabilities: vtdCapabilities({ awBits, firstStage, ...(pasidBits !== undefined ? { pasidBits } : {}), ...(fs1gp !== undefined ? { fs1gp } : {}) }),
  };
}

/** A mode property the release named has not got under that name (QEMU: "Property 'intel-iommu.X' not found"). */
function warnModeNames(req: DeviceRequest, config: MachineConfig, warnings: Diagnostic[]): void {
  const release = VTD_MODE_NAMES.find((r) => sameQemu(r.version, config.qemuVersion));
  if (!release) return;
  for (const key of VTD_MODE_PROPS) {
    if (req.props.has(key) && !release.names.includes(key)) {
      warnings.push(problem('qemu-ignored', req.arg, `QEMU ${formatQemuVersion(release.version)}'s intel-iommu has no ${key} (its mode properties: ${release.names.join(', ')}); ` +
        'read as the same setting, but that QEMU refuses the line', 'warning'));
    }
  }
}

/** PASID width: pasid-bits (QEMU 11.1), x-pasid-mode (QEMU 7.2: 8 bits; its width in other releases is not known here), else none. */
function vtdPasidBits(req: DeviceRequest, config: MachineConfig, scalable: boolean, warnings: Diagnostic[]): number | undefined {
  const { arg, props } = req;
  const bits = props.get('pasid-bits');
  const mode = props.get('x-pasid-mode');
  const on = mode !== undefined && checked(arg, 'x-pasid-mode', () => parseBool(mode));
  const width = bits !== undefined ? checked(arg, 'pasid-bits', () => parseUint(bits, 0xff)) : on ? undefined : 0;
  if (width !== undefined && width > MAX_PASID_BITS) fail('qemu-iommu-option', arg, `pasid-bits=${width}: QEMU allows at most ${MAX_PASID_BITS} (the PCI limit)`);
  if ((on || (width ?? 0) > 0) && !scalable) fail('qemu-iommu-option', arg, 'PASIDs need scalable-mode=on (QEMU: "Need to set scalable mode for PASID")');
  if (!on) return width;
  const known = sameQemu(config.qemuVersion, X_PASID_MODE_QEMU);
  if (known) return X_PASID_MODE_BITS;
  warnings.push(problem('qemu-ignored', arg, `x-pasid-mode: its PASID width is known for QEMU ${formatQemuVersion(X_PASID_MODE_QEMU)} only (${X_PASID_MODE_BITS} bits); ` +
    `capabilities.pasidBits is left out for QEMU ${formatQemuVersion(config.qemuVersion)}`, 'warning'));
  return undefined;
}

/**
 * QEMU 7.2's IVRS has the IVHD 10h alone and IVinfo without EFRSup (its
 * captures in test/fixtures/qemu-ivrs); 11.1's adds the 11h with the EFR
 * image. The release in between that added it is not pinned here: a version
 * after 7.2 gets 11.1's tables.
 */
export const AMDVI_10H_ONLY_QEMU: QemuVersion = [7, 2];

/** Whether the release's amd-iommu writes an IVHD 11h with its EFR image. */
export function amdViWritesEfr(config: MachineConfig): boolean {
  // Every release the importer takes is 7.2 or later, so any other than 7.2 is after it.
  return !sameQemu(config.qemuVersion, AMDVI_10H_ONLY_QEMU);
}

/** amd-iommu properties with no effect on the IVRS QEMU 11.1 writes (captured with and without each) or on which device is translated. */
const AMDVI_NO_EFFECT: Record<string, string> = {
  'device-iotlb': 'ATS support of the IOMMU; IVRS unchanged',
  'dma-remap': 'DMA remapping for passed-through devices under KVM (QEMU 10.1); IVRS unchanged',
  'pci-id': 'the IOMMU function\'s PCI id for vfio',
  pt: 'pass-through support (QEMU 7.2)',
};

/** amd-iommu's -device properties besides intremap, xtsup and id: refused when they stop DMA translation, else warned about when unknown. */
export function amdViProps(req: DeviceRequest, config: MachineConfig, warnings: Diagnostic[]): void {
  if (req.props.has('xtsup') && !amdViWritesEfr(config)) {
    warnings.push(problem('qemu-ignored', req.arg, `xtsup: QEMU ${formatQemuVersion(config.qemuVersion)}'s amd-iommu has no such property (it refuses the line); read as 11.1's`, 'warning'));
  }
  const dma = req.props.get('dma-translation');
  if (dma !== undefined && !checked(req.arg, 'dma-translation', () => parseBool(dma))) {
    fail('qemu-iommu-option', req.arg, 'dma-translation=off: QEMU then sets HATDis in its IVHD 11h attributes and EFR.HATS 11b, and Linux uses the IOMMU for interrupt remapping only, ' +
      'so every device stays untranslated; a ridmap topology cannot say that of an AMD-Vi unit');
  }
  warnUnknown(req, ['id', 'intremap', 'xtsup', 'dma-translation', ...Object.keys(AMDVI_NO_EFFECT)], {}, warnings);
}

export interface VirtioIommuProps {
  capabilities: IommuCapabilities;
  /** For the YAML header: what the defaults were and what the topology cannot say. */
  notes: string[];
}

/**
 * virtio-iommu-pci's granule (the smallest page it maps: page_size_mask
 * holds every power of two from it up), aw-bits (input_range) and
 * boot-bypass, with their defaults per release and machine.
 */
export function virtioIommuProps(req: DeviceRequest, config: MachineConfig, warnings: Diagnostic[]): VirtioIommuProps {
  const { arg, props } = req;
  const defaults = virtioIommuDefaults(config.defaultsVersion, config.def.kind);
  const since = formatQemuVersion(VIRTIO_IOMMU_DEFAULTS_SINCE);
  const notes: string[] = [];
  const granuleText = props.get('granule') ?? defaults.granule;
  const granule = VIRTIO_IOMMU_GRANULES[granuleText];
  if (granule === undefined) fail('qemu-bad-value', arg, `granule=${granuleText}: QEMU takes ${Object.keys(VIRTIO_IOMMU_GRANULES).join(', ')}`);
  for (const key of ['granule', 'aw-bits']) {
    // Both came with the 9.0 defaults: QEMU 7.2 has neither.
    if (props.has(key) && !qemuAtLeast(config.qemuVersion, VIRTIO_IOMMU_DEFAULTS_SINCE)) {
      warnings.push(problem('qemu-ignored', arg, `${key} is a property of QEMU ${since} and later; QEMU ${formatQemuVersion(config.qemuVersion)} refuses it`, 'warning'));
    }
  }
  if (granule === 'host') {
    notes.push(`virtio-iommu granule host (QEMU's default from ${since}): the page size of the machine QEMU runs on (4 KiB on x86-64; 4, 16 or 64 KiB on Arm), so capabilities.pageSizes is left out.`);
  }
  const aw = props.get('aw-bits');
  const awBits = aw === undefined ? defaults.awBits : checked(arg, 'aw-bits', () => parseUint(aw, 64));
  if (awBits < 32) fail('qemu-iommu-option', arg, `aw-bits=${awBits}: QEMU's virtio-iommu takes 32 to 64`);
  const bypass = props.get('boot-bypass');
  if (bypass === undefined || checked(arg, 'boot-bypass', () => parseBool(bypass))) {
    // virtio-iommu spec VIRTIO_IOMMU_F_BYPASS_CONFIG: until the driver attaches an endpoint, its DMA passes untranslated.
    notes.push('virtio-iommu boot-bypass on (QEMU\'s default): until Linux\'s virtio-iommu driver attaches a device, its DMA goes untranslated (firmware and early boot DMA is not confined); the map shows the translation after attach.');
  } else {
    notes.push('virtio-iommu boot-bypass off: devices can do no DMA at all until Linux\'s virtio-iommu driver attaches them (the firmware\'s own DMA through them faults).');
  }
  if (props.has('reserved-regions') || props.has('len-reserved-regions')) {
    warnings.push(problem('qemu-ignored', arg, 'reserved-regions: reported to the driver by the device (PROBE), not in any table; not in the topology', 'warning'));
  }
  return { capabilities: virtioIommuCapabilities(granule, awBits), notes };
}

/** virtio-iommu-pci's granule and aw-bits when not given: QEMU 9.0 gives q35 39 bits (intel-iommu's old default) and Arm virt 48; before, 4k and 64. */
export function virtioIommuDefaults(version: QemuVersion, machine: MachineKind): { granule: string; awBits: number } {
  if (!qemuAtLeast(version, VIRTIO_IOMMU_DEFAULTS_SINCE)) return { granule: '4k', awBits: 64 };
  return { granule: 'host', awBits: machine === 'virt' ? 48 : machine === 'q35' ? 39 : 64 };
}

/**
 * A virtio-iommu's capabilities: its page size mask holds every power of
 * two from the granule up; the topology lists the granule, which is what
 * sets it apart from another unit (each larger size is the granule's
 * multiple). A host granule is unknown here.
 */
export function virtioIommuCapabilities(granule: number | 'host', awBits: number): IommuCapabilities {
  return { pageTableFormats: ['virtio'], ...(granule !== 'host' ? { pageSizes: [granule] } : {}), inputAddressBits: awBits };
}

/** The granule in bytes of a granule= value, or 'host'. */
export function virtioIommuGranule(text: string): number | 'host' | undefined {
  return VIRTIO_IOMMU_GRANULES[text];
}

/**
 * riscv-iommu-pci's properties of QEMU 11.1: none changes its RIMT (captured
 * with ats=off, pas-bits=20, s-stage=off: the same bytes); pas-bits is the
 * unit's PASID (process context) width. The stages it translates with are
 * said as a warning when one is switched off: what Linux's driver then does
 * is not modelled.
 */
export function riscvIommuPciProps(req: DeviceRequest, warnings: Diagnostic[]): IommuCapabilities {
  const { arg, props } = req;
  const bits = props.get('pas-bits');
  const pasidBits = bits === undefined ? 0 : checked(arg, 'pas-bits', () => parseUint(bits, 0xff));
  if (pasidBits > MAX_PASID_BITS) fail('qemu-iommu-option', arg, `pas-bits=${pasidBits}: a PASID has at most ${MAX_PASID_BITS} bits (PCI)`);
  for (const stage of ['s-stage', 'g-stage']) {
    const v = props.get(stage);
    if (v !== undefined && !checked(arg, stage, () => parseBool(v))) {
      warnings.push(problem('qemu-ignored', arg, `${stage}=off: the unit loses its ${stage === 's-stage' ? 'first' : 'second'}-stage page tables; how Linux's riscv-iommu driver translates then is not modelled`, 'warning'));
    }
  }
  return { pasidBits };
}

/** A warning per property the importer does not know (`known`), or knows to be unmodelled (`unmodelled`, with why). */
function warnUnknown(req: DeviceRequest, known: readonly string[], unmodelled: Record<string, string>, warnings: Diagnostic[]): void {
  for (const key of req.props.keys()) {
    if (key === 'driver' || known.includes(key)) continue;
    const why = unmodelled[key] ?? `not a property ridmap knows for ${req.driver}`;
    warnings.push(problem('qemu-ignored', req.arg, `${key}: ${why}; ignored`, 'warning'));
  }
}
