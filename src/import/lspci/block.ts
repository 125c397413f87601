/**
 * One function's block of `lspci` output: the device line, then (with -v,
 * -vv, -vvv) its indented fields, then (with -x, -xxx, -xxxx) its hex dump.
 *
 * The device line is `[dddd:]bb:dd.f Class name [cccc]: Vendor Device
 * [vvvv:dddd] (rev rr) (prog-if pp [name])` with -nn, or `bb:dd.f cccc:
 * vvvv:dddd (rev rr)` with -n. Of the fields only those that place the
 * function for an IOMMU are read (bus numbers, the PCI Express
 * capability's port type and phantom functions, ACS controls, ATS, the
 * IOMMU group and the driver); lspci adds fields over its releases, so any
 * other line is passed over.
 */
import type { HostAcs, HostPcieType } from '../host/host-snapshot.js';
import { hostSbdf } from '../host/host-snapshot.js';
import { LspciCode, lspciError, readSlot, trailingIds, type Slot } from './lspci-text.js';

export interface LspciBlock extends Slot {
  sbdf: string;
  /** 1-based line of the device line. */
  line: number;
  classCode?: number;
  vendorId?: number;
  deviceId?: number;
  /** `Bus: primary=.., secondary=.., subordinate=..` (bridges). */
  secondaryBus?: number;
  subordinateBus?: number;
  /** The block had indented fields: lspci was run with -v or more. */
  verbose: boolean;
  /** `Capabilities: <access denied>`: lspci could not read past the first 64 bytes (not root). */
  capsDenied: boolean;
  /** `Capabilities: [40] Express ...` seen; `pcieType` undefined then means lspci's `Unknown type`. */
  expressSeen: boolean;
  pcieType?: HostPcieType;
  phantomFunctions?: number;
  /** An extended capability (`Capabilities: [100 v1] ...`) was listed: lspci read past 0x100. */
  extCapsSeen: boolean;
  /** `Access Control Services` listed; `acs` is its `ACSCtl:` line, when -vv printed it. */
  acsSeen: boolean;
  acs?: HostAcs;
  ats: boolean;
  group?: string;
  driver?: string;
  /** The hex dump, as far as it went (each line 16 bytes from offset 0 on). */
  dump: number[];
}

/**
 * lspci's names of the PCIe Device/Port Types (ls-caps.c, cap_express): the
 * older releases called the PCIe-to-PCI bridge `PCI/PCI-X Bridge`, newer
 * ones `PCI-Express to PCI/PCI-X Bridge`. Tested in order, longest first.
 */
const EXPRESS_TYPES: readonly (readonly [string, HostPcieType])[] = [
  ['Root Complex Integrated Endpoint', 'rciep'],
  ['Root Complex Event Collector', 'rc-event-collector'],
  ['Legacy Endpoint', 'legacy-endpoint'],
  ['Endpoint', 'endpoint'],
  ['Root Port', 'root-port'],
  ['Upstream Port', 'switch-upstream'],
  ['Downstream Port', 'switch-downstream'],
  ['PCI/PCI-X to PCI-Express Bridge', 'pci-to-pcie-bridge'],
  ['PCI-Express to PCI/PCI-X Bridge', 'pcie-to-pci-bridge'],
  ['PCI/PCI-X Bridge', 'pcie-to-pci-bridge'],
];

/** Whether `line` is a device line (a slot, a blank, then text). */
export function isDeviceLine(line: string): boolean {
  const s = readSlot(line);
  return !!s && line[s.length] === ' ' && line.length > s.length + 1;
}

/** Reads a device line into a new block; the caller checked isDeviceLine. */
export function readDeviceLine(line: string, n: number, source: string): LspciBlock {
  const s = readSlot(line)!;
  const { segment, bus, device, fn } = s.slot;
  const block: LspciBlock = {
    segment, bus, device, fn, sbdf: hostSbdf(segment, bus, device, fn), line: n,
    verbose: false, capsDenied: false, expressSeen: false, extCapsSeen: false, acsSeen: false, ats: false, dump: [],
  };
  const rest = line.slice(s.length + 1);
  // -n: `cccc: vvvv:dddd (rev rr) (prog-if pp)`.
  const numeric = /^([0-9a-fA-F]{4}): ([0-9a-fA-F]{4}):([0-9a-fA-F]{4})\b(.*)$/.exec(rest);
  const colon = rest.indexOf(': ');
  if (!numeric && colon < 0) {
    lspciError(source, n, LspciCode.badLine, 'a device line names its class and then the device after `: ` (`00:1f.2 SATA controller [0106]: Intel ...`)');
  }
  let classCode: number | undefined;
  let tail: string;
  if (numeric) {
    classCode = parseInt(numeric[1]!, 16);
    block.vendorId = parseInt(numeric[2]!, 16);
    block.deviceId = parseInt(numeric[3]!, 16);
    tail = numeric[4]!;
  } else {
    const cls = /\[([0-9a-fA-F]{4})\]$/.exec(rest.slice(0, colon));
    if (cls) classCode = parseInt(cls[1]!, 16);
    tail = rest.slice(colon + 2);
  }
  // lspci prints the programming interface only when it is not zero (or, for a bridge, always).
  const progIf = / \(prog-if ([0-9a-fA-F]{2})(?: \[[^\]]*\])?\)\s*$/.exec(tail);
  if (progIf) tail = tail.slice(0, progIf.index);
  tail = tail.replace(/ \(rev [0-9a-fA-F]{2}\)\s*$/, '');
  if (classCode !== undefined) block.classCode = (classCode << 8) | (progIf ? parseInt(progIf[1]!, 16) : 0);
  if (!numeric) {
    const ids = trailingIds(tail);
    if (ids) Object.assign(block, ids);
  }
  return block;
}

/** Reads one indented field line of a block (leading blanks or tabs already there; copy-paste may turn tabs to blanks). */
export function readField(block: LspciBlock, line: string): void {
  const f = line.trim();
  block.verbose = true;
  let m: RegExpExecArray | null;
  if ((m = /^Bus: primary=[0-9a-fA-F]{2}, secondary=([0-9a-fA-F]{2}), subordinate=([0-9a-fA-F]{2})/.exec(f))) {
    block.secondaryBus = parseInt(m[1]!, 16);
    block.subordinateBus = parseInt(m[2]!, 16);
  } else if (f.startsWith('Capabilities: <access denied>')) {
    block.capsDenied = true;
  } else if ((m = /^Capabilities: \[[0-9a-fA-F]{2}\] Express (?:\(v\d+\) )?(.*)$/.exec(f))) {
    block.expressSeen = true;
    const type = EXPRESS_TYPES.find(([name]) => m![1]!.startsWith(name));
    if (type) block.pcieType = type[1];
  } else if ((m = /^Capabilities: \[[0-9a-fA-F]{3}(?: v\d+)?\] (.*)$/.exec(f))) {
    block.extCapsSeen = true;
    if (m[1]!.startsWith('Access Control Services')) block.acsSeen = true;
    if (m[1]!.startsWith('Address Translation Service')) block.ats = true;
  } else if ((m = /^DevCap:.*\bPhantFunc (\d)/.exec(f))) {
    block.phantomFunctions = Number(m[1]);
  } else if (f.startsWith('ACSCtl:') && block.acsSeen) {
    block.acs = acsControls(f);
  } else if ((m = /^IOMMU group: (\S+)/.exec(f))) {
    block.group = m[1]!;
  } else if ((m = /^Kernel driver in use: (\S+)/.exec(f))) {
    block.driver = m[1]!;
  }
}

/** `ACSCtl: SrcValid+ TransBlk- ReqRedir+ CmpltRedir+ UpstreamFwd+ EgressCtrl- DirectTrans-` (ls-ecaps.c). */
function acsControls(field: string): HostAcs {
  const on = (name: string) => new RegExp(`\\b${name}\\+`).test(field);
  return {
    sourceValidation: on('SrcValid'),
    requestRedirect: on('ReqRedir'),
    completionRedirect: on('CmpltRedir'),
    upstreamForwarding: on('UpstreamFwd'),
    egressControl: on('EgressCtrl'),
    directTranslated: on('DirectTrans'),
  };
}
