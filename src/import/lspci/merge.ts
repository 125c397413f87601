/**
 * The sections of one lspci text, merged per function into a HostSnapshot.
 *
 * A function may be seen three ways: in the tree (its parent, a bridge's
 * bus range), in a verbose block (class, bus numbers, PCIe type, ACS, ATS,
 * group, driver) and in a hex dump (the bytes themselves). The dump is what
 * the device holds, the text is lspci's reading of it: where both say a
 * fact the dump wins, and a disagreement is a warning (two pastes taken at
 * different times, or text edited by hand). What no section shows stays
 * absent; in particular ACS is only ever "none" (null) when lspci shows
 * that it read the extended configuration space and found no ACS there.
 */
import { bridgesBySecondaryBus, busKey, type HostAcs, type HostPciFunction, type HostRootBus, type HostSnapshot } from '../host/host-snapshot.js';
import { configFacts, type ConfigFacts } from '../host/config-space.js';
import { MAX_REPEATED_DIAGNOSTICS } from '../../limits.js';
import type { LspciBlock } from './block.js';
import type { TreeFunction, TreeRootBus } from './tree.js';

/** Facts the text and the dump may both state, compared when both do. */
const COMPARED = ['vendorId', 'deviceId', 'classCode', 'secondaryBus', 'subordinateBus', 'pcieType', 'acs', 'ats', 'phantomFunctions'] as const;

/** Facts the tree and a verbose block may both state. */
const TREE_FACTS = ['vendorId', 'deviceId', 'secondaryBus', 'subordinateBus'] as const;

/** How many functions a warning about many lists by name before it only counts. */
const NAMED_IN_WARNING = 8;

export function mergeLspci(source: string, tree: readonly TreeFunction[], treeRoots: readonly TreeRootBus[], blocks: readonly LspciBlock[]): HostSnapshot {
  const warnings: string[] = [];
  // Disagreements are said one per function and fact, up to MAX_REPEATED_DIAGNOSTICS, then counted.
  let disagreements = 0;
  const disagree = (message: () => string) => {
    if (++disagreements <= MAX_REPEATED_DIAGNOSTICS) warnings.push(message());
  };
  const byTree = new Map<string, TreeFunction>();
  for (const t of tree) if (!byTree.has(t.sbdf)) byTree.set(t.sbdf, t);
  const byBlock = new Map<string, LspciBlock>();
  for (const b of blocks) byBlock.set(b.sbdf, byBlock.has(b.sbdf) ? combine(byBlock.get(b.sbdf)!, b, disagree) : b);

  const denied: string[] = [];
  const noExtCaps: string[] = [];
  const noAcsControls: string[] = [];
  const unknownType: string[] = [];
  const functions: HostPciFunction[] = [];
  const sbdfs = new Set([...byTree.keys(), ...byBlock.keys()]);
  for (const sbdf of sbdfs) {
    const t = byTree.get(sbdf);
    const b = byBlock.get(sbdf);
    const at = (t ?? b)!;
    const f: HostPciFunction = { segment: at.segment, bus: at.bus, device: at.device, fn: at.fn, sbdf };
    if (t) {
      if (t.parent !== undefined) f.parent = t.parent;
      setIf(f, 'vendorId', t.vendorId);
      setIf(f, 'deviceId', t.deviceId);
      setIf(f, 'secondaryBus', t.secondaryBus);
      setIf(f, 'subordinateBus', t.subordinateBus);
    }
    let bytes: Uint8Array | undefined;
    if (b) {
      const text = blockFacts(b);
      for (const key of TREE_FACTS) {
        if (t?.[key] !== undefined && text[key] !== undefined && t[key] !== text[key]) {
          disagree(() => `${sbdf}: the tree (line ${t.line}) says ${key} ${show(t[key])}, its block (line ${b.line}) ${show(text[key])}; the block is taken`);
        }
      }
      Object.assign(f, text);
      setIf(f, 'group', b.group);
      setIf(f, 'driver', b.driver);
      if (b.dump.length) bytes = Uint8Array.from(b.dump);
    }
    if (bytes) {
      const facts = configFacts(bytes);
      for (const key of COMPARED) {
        if (facts[key] === undefined || f[key] === undefined || same(facts[key], f[key])) continue;
        disagree(() => `${sbdf}: the hex dump's ${key} is ${show(facts[key])}, the text says ${show(f[key])}; the dump is taken`);
      }
      Object.assign(f, defined(facts));
      f.config = bytes;
    }
    // What only the text could have said, and did not: the dump (when whole) already settled these.
    if (b && f.acs === undefined) {
      if (b.capsDenied) denied.push(sbdf);
      else if (b.acsSeen) noAcsControls.push(sbdf);
      else if (b.expressSeen && !b.extCapsSeen) noExtCaps.push(sbdf);
    }
    if (b?.expressSeen && f.pcieType === undefined && !(bytes && bytes.length >= 0x100)) unknownType.push(sbdf);
    functions.push(f);
  }
  functions.sort((x, y) => x.segment - y.segment || x.bus - y.bus || x.device - y.device || x.fn - y.fn);
  const unplaced = deriveParents(functions, new Set(tree.filter((t) => t.parent === undefined).map((t) => t.sbdf)));
  if (unplaced.length) warnings.push(`${listed(unplaced)} start a filtered tree (\`lspci -t -s\`) and no bridge in the text leads to their bus: their parent is unknown`);
  // The tree is lspci's reading of the bus numbers; a tree pasted from another moment (a hotplug, a rescan) may not match them.
  const bySbdf = new Map(functions.map((f) => [f.sbdf, f]));
  for (const f of functions) {
    const p = f.parent ? bySbdf.get(f.parent) : undefined;
    if (p?.secondaryBus === undefined || p.subordinateBus === undefined) continue;
    if (f.bus < p.secondaryBus || f.bus > p.subordinateBus) {
      disagree(() => `${f.sbdf}: the tree puts it under ${p.sbdf}, whose buses are ${show(p.secondaryBus)}-${show(p.subordinateBus)}; the tree is kept`);
    }
  }

  if (disagreements > MAX_REPEATED_DIAGNOSTICS) warnings.push(`${disagreements - MAX_REPEATED_DIAGNOSTICS} more disagreements between sections are not listed`);
  if (denied.length) {
    warnings.push(`${listed(denied)} show \`Capabilities: <access denied>\` (lspci run without root reads only the first 64 bytes): their PCIe port type, ACS and ATS are unknown, so whether they are isolated cannot be told; run \`sudo lspci -vvvnn\``);
  }
  if (noAcsControls.length) {
    warnings.push(`${listed(noAcsControls)} list Access Control Services but not its \`ACSCtl:\` line (lspci -v prints the capability, -vv and more its controls): their ACS is unknown; use \`lspci -vvvnn\``);
  }
  if (noExtCaps.length) {
    warnings.push(`${listed(noExtCaps)} are PCI Express but list no extended capability: lspci shows none both when there are none and when it could read only 256 bytes, so their ACS is unknown; \`lspci -xxxx\` (as root) settles it`);
  }
  if (unknownType.length) warnings.push(`${listed(unknownType)} have a PCI Express capability of a port type lspci calls unknown`);
  if (functions.length && ![...byBlock.values()].some((b) => b.verbose || b.dump.length >= 0x100)) {
    warnings.push('no `lspci -vvvnn` or `lspci -xxxx` output: PCIe port types, ACS and ATS are unknown, only the tree\'s places and bus ranges are known');
  }

  const snapshot: HostSnapshot = { source, functions, iommus: [], tables: [], warnings };
  if (treeRoots.length) snapshot.rootBuses = uniqueRoots(treeRoots);
  const privileged = privilege([...byBlock.values()]);
  if (privileged !== undefined) snapshot.privileged = privileged;
  return snapshot;
}

/** The facts a verbose block states, each only where lspci showed it. */
function blockFacts(b: LspciBlock): Partial<HostPciFunction> {
  const out: Partial<HostPciFunction> = {};
  setIf(out, 'vendorId', b.vendorId);
  setIf(out, 'deviceId', b.deviceId);
  setIf(out, 'classCode', b.classCode);
  setIf(out, 'secondaryBus', b.secondaryBus);
  setIf(out, 'subordinateBus', b.subordinateBus);
  // A verbose block whose capability list lspci could read shows the Express capability if there is one.
  if (b.verbose && !b.capsDenied) out.pcieKnown = true;
  setIf(out, 'pcieType', b.pcieType);
  setIf(out, 'phantomFunctions', b.phantomFunctions);
  if (b.expressSeen && !b.capsDenied) {
    if (b.acs) out.acs = b.acs;
    else if (b.extCapsSeen && !b.acsSeen) out.acs = null;
    if (b.ats) out.ats = true;
    else if (b.extCapsSeen) out.ats = false;
  }
  return out;
}

/** One function in two sections (a -vvv paste and a -xxxx paste): what either showed. */
function combine(a: LspciBlock, b: LspciBlock, disagree: (message: () => string) => void): LspciBlock {
  const out: LspciBlock = { ...a };
  for (const [k, v] of Object.entries(b) as [keyof LspciBlock, unknown][]) {
    if (v === undefined || k === 'dump' || k === 'line') continue;
    if (typeof v === 'boolean') (out as unknown as Record<string, unknown>)[k] = (a[k] as boolean) || v;
    else (out as unknown as Record<string, unknown>)[k] = v;
  }
  const [short, long] = a.dump.length <= b.dump.length ? [a.dump, b.dump] : [b.dump, a.dump];
  if (short.some((x, i) => long[i] !== x)) disagree(() => `${a.sbdf}: two hex dumps (lines ${a.line} and ${b.line}) differ; the longer is taken`);
  out.dump = long;
  return out;
}

/**
 * A function the tree did not place (not in it, or the top of a filtered
 * tree) gets the bridge whose secondary bus it is on as its parent, as lspci -t itself places functions (ls-tree.c);
 * on a bus no bridge leads to, it is on a root bus (null), unless it
 * heads a filtered tree (then the rest of the machine was left out).
 */
function deriveParents(functions: HostPciFunction[], filteredTops: ReadonlySet<string>): string[] {
  const bridgeTo = bridgesBySecondaryBus(functions);
  const unplaced: string[] = [];
  for (const f of functions) {
    if (f.parent !== undefined) continue;
    const bridge = bridgeTo.get(busKey(f.segment, f.bus));
    // The top of a filtered tree may sit behind a bridge the paste does not show: unknown, not a root bus.
    if (bridge === undefined && filteredTops.has(f.sbdf)) unplaced.push(f.sbdf);
    else f.parent = bridge ?? null;
  }
  return unplaced;
}

function privilege(blocks: readonly LspciBlock[]): boolean | undefined {
  if (blocks.some((b) => b.capsDenied)) return false;
  if (blocks.some((b) => b.extCapsSeen || b.dump.length >= 0x1000)) return true;
  return undefined;
}

function uniqueRoots(roots: readonly TreeRootBus[]): HostRootBus[] {
  const seen = new Map<string, HostRootBus>();
  for (const r of roots) seen.set(`${r.segment}:${r.bus}`, { segment: r.segment, bus: r.bus });
  return [...seen.values()].sort((a, b) => a.segment - b.segment || a.bus - b.bus);
}

function setIf<T extends object, K extends keyof T>(o: T, k: K, v: T[K] | undefined): void {
  if (v !== undefined) o[k] = v;
}

function defined(facts: ConfigFacts): ConfigFacts {
  return Object.fromEntries(Object.entries(facts).filter(([, v]) => v !== undefined)) as ConfigFacts;
}

function same(a: unknown, b: unknown): boolean {
  if (a && b && typeof a === 'object' && typeof b === 'object') {
    const x = a as HostAcs;
    const y = b as HostAcs;
    return x.sourceValidation === y.sourceValidation && x.requestRedirect === y.requestRedirect &&
      x.completionRedirect === y.completionRedirect && x.upstreamForwarding === y.upstreamForwarding;
  }
  return a === b;
}

function show(v: unknown): string {
  if (typeof v === 'number') return `0x${v.toString(16)}`;
  if (v && typeof v === 'object') {
    const a = v as HostAcs;
    return `ACS ${[['SV', a.sourceValidation], ['RR', a.requestRedirect], ['CR', a.completionRedirect], ['UF', a.upstreamForwarding]].map(([n, on]) => `${n}${on ? '+' : '-'}`).join(' ')}`;
  }
  return String(v);
}

function listed(sbdfs: readonly string[]): string {
  const names = sbdfs.slice(0, NAMED_IN_WARNING).join(', ');
  return sbdfs.length > NAMED_IN_WARNING ? `${sbdfs.length} functions (${names}, ...)` : sbdfs.length === 1 ? `${names}` : `${sbdfs.length} functions (${names})`;
}
