/**
 * `ridmap import qemu -- ARGS...` as a pure function: a QEMU command line
 * (q35, Arm virt, or RISC-V virt when it starts with qemu-system-riscv64) to
 * a ridmap topology and its YAML. QEMU's id= values are
 * kept as ids; a function without one is `<driver>@<bus>:<dd.f>`; an
 * expander's id names its host bridge (as it names its root bus in QEMU).
 * Contradictions throw InputError naming the argument; what is ignored or
 * guessed comes back as warnings and as comments in the YAML.
 */
import type { Diagnostic } from '../../diagnostic.js';
import { formatDevfn } from '../../model/rid.js';
import { Topology } from '../../model/topology-schema.js';
import { splitQemuArgv } from './argv.js';
import { buildTopology } from './build-topology.js';
import { checkImported } from './check-topology.js';
import { addPciDevice, deviceRequests, type DeviceContext } from './devices.js';
import { virtioDriveWarnings } from './drives.js';
import { amdViChoice, claimIommu, vtdChoice, type IommuChoice } from './iommu.js';
import { machineBuses } from './machine-buses.js';
import { checkPlatformBus, smmuv3DeviceChoice } from './smmuv3-devices.js';
import { machineConfig } from './machine-config.js';
import { riscvIommuPciProps, virtioIommuProps, vtdAwBitsNote } from './iommu-props.js';
import { fail, problem } from './problems.js';
import { NEWEST_VERIFIED_QEMU, parseQemuVersion } from './qemu-version.js';
import { topologyYaml } from '../yaml-out.js';
import { appendAll } from '../../append.js';

export interface QemuImportOptions {
  /** Topology name; default `qemu-<machine>`. */
  name?: string;
  /** What the `# yaml-language-server: $schema=` header points at. */
  schemaRef?: string;
  /** `major.minor[.micro]`: the QEMU the command line is for (default NEWEST_VERIFIED_QEMU). */
  qemuVersion?: string;
}

export interface QemuImport {
  topology: Topology;
  yaml: string;
  /** Warnings: options and devices ignored, unknown devices guessed. */
  diagnostics: Diagnostic[];
}

/** The schema's own $id, for callers that do not know where the schema file is. */
export const DEFAULT_SCHEMA_REF: string = Topology.$id!;

/** Options that could change devices but that the importer does not follow. */
const NOT_FOLLOWED: Record<string, string> = {
  '-global': 'global properties are not applied',
  '-set': 'property overrides are not applied',
  '-readconfig': 'config files are not read; their devices are missing from the topology',
};

export function importQemu(argv: readonly string[], opts: QemuImportOptions = {}): QemuImport {
  const { args, warnings, binary } = splitQemuArgv(argv);
  if (args.length === 0) fail('qemu-usage', undefined, 'no QEMU options to import (give them after --)');
  for (const arg of args) {
    const why = NOT_FOLLOWED[arg.name];
    if (why) warnings.push(problem('qemu-ignored', arg, why, 'warning'));
  }
  const qemuVersion = opts.qemuVersion === undefined ? NEWEST_VERIFIED_QEMU : parseQemuVersion(opts.qemuVersion);
  const requests = deviceRequests(args);
  const config = machineConfig(args, requests.some((r) => r.lookup.model.vga), warnings, qemuVersion, binary);
  appendAll(warnings, virtioDriveWarnings(args, config.def.kind));
  const ctx: DeviceContext = { buses: machineBuses(config), config, warnings, portSlots: new Map() };
  // Machine-wide IOMMUs come from -M (so config.arg is there); -device arm-smmuv3 adds one per root complex.
  const iommus: IommuChoice[] = config.smmuv3
    ? [{ kind: 'smmuv3', arg: config.arg! }]
    : config.riscvIommuSys ? [{ kind: 'riscv-iommu-sys', arg: config.arg! }] : [];
  checkPlatformBus(requests);
  const ignored: string[] = [];
  const notesForHeader: string[] = [];

  for (const req of requests) {
    const { model } = req.lookup;
    if (model.role === 'not-pci') {
      ignored.push(req.driver);
      warnings.push(problem('qemu-ignored', req.arg, `${req.driver} is not a PCI function; ignored`, 'warning'));
    } else if (model.role === 'expander' && config.def.kind === 'riscv-virt') {
      fail('qemu-unsupported-device', req.arg, `${req.driver} does not exist in qemu-system-riscv64 (QEMU: "'${req.driver}' is not a valid device model name"): RISC-V virt has one root bus`);
    } else if (model.role === 'unsupported') {
      fail('qemu-unsupported-device', req.arg, model.unsupported!);
    } else if (model.role === 'vtd') {
      claimIommu(iommus, req.arg);
      iommus.push(vtdChoice(req, config, warnings));
    } else if (model.role === 'amd-vi') {
      claimIommu(iommus, req.arg);
      iommus.push(amdViChoice(req, config, ctx));
    } else if (model.role === 'virtio-iommu') {
      claimIommu(iommus, req.arg);
      const fn = addPciDevice(ctx, req);
      if (fn) {
        const { capabilities, notes } = virtioIommuProps(req, config, warnings);
        iommus.push({ kind: 'virtio-iommu', fn, arg: req.arg, capabilities });
        appendAll(notesForHeader, notes);
      }
    } else if (model.role === 'riscv-iommu') {
      if (config.def.kind !== 'riscv-virt') fail('qemu-unsupported-device', req.arg, 'riscv-iommu-pci exists on the RISC-V virt machine only (qemu-system-riscv64 -M virt)');
      claimIommu(iommus, req.arg);
      const fn = addPciDevice(ctx, req);
      // hw/riscv/virt.c records its B/D/F at plug time, when a bus behind a bridge still reads 0: its RIMT and DT would name another function.
      if (fn && fn.bus !== ctx.buses.main.bus) {
        fail('qemu-unsupported-device', req.arg, `riscv-iommu-pci behind a bridge: QEMU's RISC-V virt takes its B/D/F before the firmware numbers the buses, so its RIMT and DT name 00:${formatDevfn(fn.devfn)}, not this function (and for 00:00.0 it writes no RIMT); plug it into pcie.0`);
      }
      if (fn) iommus.push({ kind: 'riscv-iommu-pci', fn, arg: req.arg, capabilities: riscvIommuPciProps(req, warnings) });
    } else if (model.role === 'smmuv3') {
      iommus.push(smmuv3DeviceChoice(req, ctx, iommus));
    } else if (!addPciDevice(ctx, req)) {
      ignored.push(req.driver);
    }
  }

  const built = buildTopology({ name: opts.name ?? `qemu-${config.def.kind}`, config, hostBridges: ctx.buses.hostBridges, iommus });
  checkImported(built);
  const iommu = iommus[0];
  const header = [
    ...(ignored.length > 0 ? [`Ignored (not PCI functions): ${ignored.join(', ')}.`] : []),
    ...(iommu?.kind === 'vtd' && iommu.awBitsDefault ? [vtdAwBitsNote(config, iommu.awBits)] : []),
    ...(iommu?.kind === 'amd-vi'
      ? [iommu.efr
        ? 'amd-vi: the IVHD fields are QEMU 11.1\'s (a 10h and an 11h with the EFR image); QEMU 7.2 writes the 10h alone (give --qemu-version 7.2).'
        : 'amd-vi: QEMU 7.2 writes the IVHD 10h alone and IVinfo without EFRSup, so the unit has no efr.']
      : []),
    ...notesForHeader,
    'Bus numbers: the firmware numbering policy reproduces what SeaBIOS and EDK2 assign.',
  ];
  const yaml = topologyYaml(built.topology, {
    schemaRef: opts.schemaRef ?? DEFAULT_SCHEMA_REF,
    importedBy: 'ridmap import qemu',
    from: argv,
    header,
    comments: built.comments,
  });
  return { topology: built.topology, yaml, diagnostics: warnings };
}
