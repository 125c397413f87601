/**
 * What the board builders share: the resolved topology, the labels handed
 * out so far, the diagnostics, and the helpers that write cells the way the
 * root's `#address-cells = <2>` / `#size-cells = <2>` want them.
 */
import type { Diagnostic } from '../diagnostic.js';
import type { ResolvedTopology } from '../model/resolved.js';
import { labelRef, type DtCell, type DtRef } from './tree.js';

/** The root's #address-cells and #size-cells: 64-bit addresses and sizes. */
export const ROOT_ADDRESS_CELLS = 2;
export const ROOT_SIZE_CELLS = 2;

const LABEL_START = /^[A-Za-z_]/;

export class BoardContext {
  readonly diagnostics: Diagnostic[] = [];
  private readonly labels = new Map<string, string>();
  private readonly used = new Set<string>();
  /** Set by a builder that wrote an `interrupts` property; the board then needs a GIC. */
  interruptsUsed = false;

  constructor(readonly resolved: ResolvedTopology) {}

  /**
   * The label for a topology object, made once per (kind, id): the id with
   * characters a label cannot hold turned into `_`, made unique.
   */
  label(kind: string, id: string): string {
    const key = `${kind}:${id}`;
    const known = this.labels.get(key);
    if (known) return known;
    let base = id.replace(/[^A-Za-z0-9_]/g, '_');
    if (!LABEL_START.test(base)) base = `_${base}`;
    let label = base;
    for (let n = 2; this.used.has(label); n++) label = `${base}_${n}`;
    this.used.add(label);
    this.labels.set(key, label);
    return label;
  }

  ref(kind: string, id: string): DtRef {
    return labelRef(this.label(kind, id));
  }

  /** A fact the topology does not give and the DT needs, made up and said so. */
  synthetic(path: string, message: string): void {
    this.diagnostics.push({ severity: 'info', code: 'dt-synthetic-value', path, message });
  }
}

/** A node name's unit address for an MMIO base: lower-case hex, no 0x, no leading zeros. */
export function unitAddress(base: bigint): string {
  return base.toString(16);
}

/** A 64-bit number as two cells, high first. */
export function cells64(v: bigint): bigint[] {
  return [BigInt.asUintN(32, v >> 32n), BigInt.asUintN(32, v)];
}

/** A root-level `reg` entry: address and size, two cells each. */
export function regCells(base: bigint, size: bigint): DtCell[] {
  return [...cells64(base), ...cells64(size)];
}
