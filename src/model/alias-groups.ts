/**
 * Alias groups: the functions an IOMMU cannot isolate from each other, as
 * Linux's pci_device_group (drivers/iommu/iommu.c) forms IOMMU groups.
 *
 * Linux assigns groups one device at a time, parents first, reusing the
 * first existing group it meets. The same partition is computed here as the
 * union of these relations (order-independent):
 *  1. functions sharing any alias RID (an IOMMU sees them as one requester);
 *  2. a function and each bridge that contributes one of its DMA aliases
 *     (Linux's get_pci_alias_or_group reuses that bridge's group), so all of
 *     a PCIe-to-PCI bridge's secondary side joins the bridge;
 *  3. the top-most aliasing device (the function itself when no bridge
 *     aliases it) and its upstream bridge, unless that bridge has an ACS path
 *     to the root (pci_acs_path_enabled with SV|RR|CR|UF): traffic below a
 *     non-isolating port can reach its peers without the IOMMU seeing it;
 *  4. functions of one multi-function slot that both lack ACS
 *     (get_pci_function_alias_group).
 * Groups are numbered g0, g1, ... in depth-first order of their first member.
 *
 * `acsActive` false models a kernel that never enabled the ACS controls the
 * ports have (Device Tree boots, linux-profile.ts dtAcsLate): only the
 * capability's presence is in the topology, enabling it is Linux's doing.
 */
import { dmaAliasSteps } from './aliasing.js';
import type { AliasGroup, PciFunction } from './resolved.js';
import { sbdfKey } from './rid.js';

/** Functions on the same bus as `f` (its parent's children, or its host bridge's root bus). */
function busMates(f: PciFunction): PciFunction[] {
  return f.parent ? f.parent.children : f.hostBridge.functions;
}

/** The functions of each slot of a bus, by device number, made once per bus (a conventional bus has up to 256). */
const slotsOfBus = new WeakMap<readonly PciFunction[], Map<number, PciFunction[]>>();

/** The functions sharing f's slot (device number on its bus), f included. */
function slotMates(f: PciFunction): readonly PciFunction[] {
  const bus = busMates(f);
  let slots = slotsOfBus.get(bus);
  if (!slots) {
    slots = new Map();
    for (const g of bus) {
      const slot = slots.get(g.device);
      if (slot) slot.push(g);
      else slots.set(g.device, [g]);
    }
    slotsOfBus.set(bus, slots);
  }
  return slots.get(f.device) ?? [f];
}

function isMultifunction(f: PciFunction): boolean {
  return slotMates(f).length > 1;
}

/**
 * Linux's pci_acs_enabled(dev, SV|RR|CR|UF) with `acs: true` meaning the
 * capability has those controls enabled:
 *  - conventional PCI and PCI-X devices (and PCI/PCI-X-to-PCIe bridges)
 *    never isolate: their shared bus lets any device reach any other;
 *  - PCIe-to-PCI bridges: Linux assumes ACS does not apply and treats them
 *    as non-isolating;
 *  - root and downstream ports isolate only with ACS;
 *  - other PCIe functions (endpoints, upstream ports, and root-complex
 *    integrated endpoints, PCI_EXP_TYPE_RC_END) need ACS only when part of a
 *    multi-function device; single-function ones cannot reach a peer. A
 *    root-bus function without a PCIe capability (q35's LPC and SMBus) has
 *    no `acs`, so a multi-function slot of them is one group either way;
 *    an Intel RCiEP has `acs: true` from Linux's pci_quirk_rciep_acs when a
 *    real machine is imported (import/host/linux-quirks.ts).
 * `active` false: Linux did not enable the controls, whatever the capability.
 */
export function acsEnabled(f: PciFunction, active = true): boolean {
  switch (f.kind) {
    case 'pci-endpoint':
    case 'pci-bridge':
    case 'pci-pcie-bridge':
    case 'pcie-pci-bridge':
      return false;
    case 'pcie-root-port':
    case 'pcie-switch-downstream-port':
      return active && f.node.acs === true;
    case 'pcie-endpoint':
    case 'pcie-switch-upstream-port':
    case 'rciep':
      return isMultifunction(f) ? active && f.node.acs === true : true;
  }
}

/** pci_acs_path_enabled(bridge, NULL, ...): ACS on the bridge and every bridge above it. */
export function acsPathEnabled(bridge: PciFunction, active = true): boolean {
  for (let b: PciFunction | null = bridge; b; b = b.parent) if (!acsEnabled(b, active)) return false;
  return true;
}

/**
 * Disjoint sets of 0..n-1 (n grows by add()), with path compression and union by size: near-constant time
 * per operation at any size. The groups of a resolve are formed over the functions' positions in it, with
 * no map entry per union and lookup (two Maps keyed by function were most of a resolve's time).
 */
export class IndexSets {
  private readonly parent: number[] = [];
  private readonly size: number[] = [];
  constructor(n = 0) {
    for (let i = 0; i < n; i++) this.add();
  }
  /** A new set of its own; returns its number. */
  add(): number {
    const i = this.parent.length;
    this.parent.push(i);
    this.size.push(1);
    return i;
  }
  find(x: number): number {
    let root = x;
    while (this.parent[root] !== root) root = this.parent[root]!;
    // Every node on the way now points at the root, so the next find from any of them is one step.
    while (x !== root) {
      const next = this.parent[x]!;
      this.parent[x] = root;
      x = next;
    }
    return root;
  }
  union(a: number, b: number): void {
    let ra = this.find(a);
    let rb = this.find(b);
    if (ra === rb) return;
    if (this.size[ra]! < this.size[rb]!) [ra, rb] = [rb, ra];
    this.parent[rb] = ra;
    this.size[ra]! += this.size[rb]!;
  }
}

/** IndexSets over any values, each numbered when first seen; find gives a set's first-root value. */
export class UnionFind<T> {
  private readonly sets = new IndexSets();
  private readonly indexOf = new Map<T, number>();
  private readonly items: T[] = [];
  find(x: T): T {
    return this.items[this.sets.find(this.at(x))]!;
  }
  union(a: T, b: T): void {
    this.sets.union(this.at(a), this.at(b));
  }
  private at(x: T): number {
    let i = this.indexOf.get(x);
    if (i === undefined) {
      i = this.sets.add();
      this.indexOf.set(x, i);
      this.items.push(x);
    }
    return i;
  }
}

/** Forms the groups, writes each function's `group`, and returns the groups in order. `functions` is every function of the tree. */
export function assignAliasGroups(functions: readonly PciFunction[], acsActive = true): AliasGroup[] {
  const indexOf = new Map<PciFunction, number>();
  functions.forEach((f, i) => indexOf.set(f, i));
  const at = (f: PciFunction): number => indexOf.get(f)!;
  const sets = new IndexSets(functions.length);
  const byAlias = new Map<number, number>();

  functions.forEach((f, i) => {
    const steps = dmaAliasSteps(f);
    for (const step of steps) {
      const key = sbdfKey(f.segment, step.rid);
      const other = byAlias.get(key);
      if (other !== undefined) sets.union(other, i);
      else byAlias.set(key, i);
      if (step.device !== f) sets.union(i, at(step.device));
    }
    const top = steps[steps.length - 1]!.device;
    if (top.parent && !acsPathEnabled(top.parent, acsActive)) sets.union(i, at(top.parent));
    if (!acsEnabled(f, acsActive)) {
      // One mate is enough: every non-isolating function of the slot joins the same one, so they all end up
      // together (a union per pair was 56 per eight-function slot).
      for (const mate of slotMates(f)) {
        if (mate !== f && !acsEnabled(mate, acsActive)) {
          sets.union(i, at(mate));
          break;
        }
      }
    }
  });

  const groups: AliasGroup[] = [];
  const groupOfSet = new Int32Array(functions.length).fill(-1);
  functions.forEach((f, i) => {
    const root = sets.find(i);
    if (groupOfSet[root] === -1) {
      groupOfSet[root] = groups.length;
      groups.push({ id: `g${groups.length}`, members: [] });
    }
    const group = groups[groupOfSet[root]!]!;
    group.members.push(f.id);
    f.group = group.id;
  });
  return groups;
}
