/**
 * Plain DTS (dts-plain.ts) straight to the DTB `dtc -I dts -O dtb` makes of
 * it, without the tree: the structure block is written as the text is read.
 * A tree of a large source is tens of thousands of property, chunk and cell
 * objects that all live to the end, and the garbage collector copies each of
 * them; here a value's chunks die as soon as their bytes are written.
 *
 * It takes the simple shape generated trees have, and gives up (undefined)
 * on anything else, for the general path (parse, layout, encodeDtb) to read
 * and report: one `/ { }` body (no second one, no `&label { }`), properties
 * before the subnodes of their node, labels each on one node, explicit
 * phandles (`phandle`, `linux,phandle`, as dtc prints a DTB) only as one
 * valid cell that no other node has, no path reference (`&{/path}`, a path
 * as a value). What the general path would refuse (a dangling reference, a
 * name defined twice) the reader gives up on already. So wherever this gives a
 * DTB there is no diagnostic, and the bytes are encodeDtb's of the tree:
 * test/dt/dts-plain-dtb.test.ts holds the two to the same bytes.
 *
 * Phandles follow layout.ts's rule, which is dtc's: explicit ones stay, and
 * other referenced nodes take the lowest free numbers from 1 in the order of
 * their first reference in the tree (which here is the text's order). A node learns
 * that it is referenced only once everything is read, so each node's
 * `phandle` property is inserted afterwards, at the end of its properties,
 * in one copy of the block; names are written as indexes and given their
 * strings-block offsets in that same copy, in the order the final block
 * uses them first, as the strings block is built.
 */
import { u32Value } from './cells.js';
import { readPlainDts, notPlain, type PlainBuilder } from './dts-plain.js';
import { fdtBlob, FdtStructWriter, structOffset } from './dtb-write.js';
import { seenBefore } from './dts-assembly.js';
import { FDT_PROP } from './fdt.js';
import { PHANDLE_PROPERTIES } from './layout.js';
import { FdtStringTable } from './string-table.js';
import type { DtChunk, DtRef, DtReservation } from './tree.js';
import { valueLength, writeValue, type RefResolver } from './value-bytes.js';

/** The DTB of plain DTS text, or undefined (see above). */
export function plainDtsToDtb(text: string): Uint8Array | undefined {
  return readPlainDts(text, new DtbBuilder());
}

/** An open node body. */
interface Body {
  /** Serial number of the node, in the order nodes open (the root is 0). */
  readonly node: number;
  /** Whether a subnode has been opened: properties after it are not taken. */
  hadChild: boolean;
  /** The node is /cpus, or its first child (dtc takes boot_cpuid_phys from that one's reg). */
  readonly cpus: boolean;
  readonly firstCpu: boolean;
  /** Names defined in the body, made at the first: a name twice is the general path's to report. */
  properties?: Set<string>;
  children?: Set<string>;
}

/** Every reference reads as phandle 0 while values are written; the cells are set once the numbering is known. */
const PLACEHOLDER = { phandle: 0, path: '' };
const placeholder: RefResolver = () => PLACEHOLDER;
const PROPERTY_HEADER = 12;
const PHANDLE_PROPERTY = PROPERTY_HEADER + 4;

/**
 * Offsets and numbers kept per node, property and reference until the end,
 * in a typed array that doubles when full: off the garbage collector's heap,
 * which would otherwise copy them at every scavenge while the text is read.
 */
class IntList {
  data = new Int32Array(1024);
  length = 0;

  push(value: number): void {
    if (this.length === this.data.length) {
      const bigger = new Int32Array(2 * this.data.length);
      bigger.set(this.data);
      this.data = bigger;
    }
    this.data[this.length++] = value;
  }
}

class DtbBuilder implements PlainBuilder<Body, Uint8Array> {
  private readonly w = new FdtStructWriter(0);
  private readonly reservations: DtReservation[] = [];
  private nodes = 0;
  /** Per node (by serial): where in the block its properties end, which is where a `phandle` property goes. */
  private readonly propertiesEnd = new IntList();
  /** Each label, defined or referenced, by number (one string each); the node of each defined one (by label number; -1: none). */
  private readonly labelIndex = new Map<string, number>();
  private readonly nodeOfLabel = new IntList();
  /** Per node: its explicit phandle (0: none); and the node of each explicit phandle. */
  private readonly explicit = new IntList();
  private readonly nodeOfPhandle = new Map<number, number>();
  /** Where each phandle cell is in the block, and the label it names (by number), in tree order. */
  private readonly refAt = new IntList();
  private readonly refLabel = new IntList();
  /** Where each property's tag is; its name offset holds an index into `names` until the block is copied. */
  private readonly propertyAt = new IntList();
  private readonly names: string[] = [];
  private readonly nameIndex = new Map<string, number>();
  private bootCpuidPhys = 0;

  memreserve(address: bigint, size: bigint, labels: string[]): void {
    this.reservations.push({ address, size, labels });
  }

  topLevel(ref: DtRef | undefined, labels: string[]): Body {
    if (ref !== undefined || this.nodes > 0) notPlain();
    return this.open('', labels, false, false);
  }

  child(parent: Body, full: string, labels: string[]): Body {
    if (seenBefore((parent.children ??= new Set()), full)) notPlain();
    if (!parent.hadChild) {
      parent.hadChild = true;
      this.propertiesEnd.data[parent.node] = this.w.position;
    }
    return this.open(full, labels, parent.node === 0 && full === 'cpus', parent.cpus && parent.children.size === 1);
  }

  private open(full: string, labels: string[], cpus: boolean, firstCpu: boolean): Body {
    const node = this.nodes++;
    this.propertiesEnd.push(-1);
    this.explicit.push(0);
    for (let i = 0; i < labels.length; i++) {
      const label = this.label(labels[i]!);
      if (this.nodeOfLabel.data[label] !== -1) notPlain();
      this.nodeOfLabel.data[label] = node;
    }
    this.w.beginNode(full);
    return { node, hadChild: false, cpus, firstCpu };
  }

  /** The label's number, given at its first sight (a reference may come before the node it names). */
  private label(name: string): number {
    let label = this.labelIndex.get(name);
    if (label === undefined) {
      label = this.labelIndex.size;
      this.labelIndex.set(name, label);
      this.nodeOfLabel.push(-1);
    }
    return label;
  }

  /** References are found in each value as it is written (property), with where their cells are. */
  reference(): void {}

  property(body: Body, name: string, _labels: string[], value: DtChunk[]): void {
    if (body.hadChild) notPlain();
    if (seenBefore((body.properties ??= new Set()), name)) notPlain();
    let index = this.nameIndex.get(name);
    if (index === undefined) {
      index = this.names.length;
      this.names.push(name);
      this.nameIndex.set(name, index);
    }
    this.propertyAt.push(this.w.position);
    const start = this.w.property(index, valueLength(value, placeholder));
    const end = writeValue(this.w.bytes, start, value, placeholder);
    const references = this.references(value, start);
    if (name === PHANDLE_PROPERTIES[0] || name === PHANDLE_PROPERTIES[1]) this.explicitPhandle(body.node, references ? undefined : u32Value(this.w.bytes.subarray(start, end)));
    if (body.firstCpu && name === 'reg') {
      // guessBootCpuid's reading of the first CPU's reg, which no reference may be in (it would read as unresolved).
      if (references) notPlain();
      this.bootCpuidPhys = u32Value(this.w.bytes.subarray(start, end)) ?? 0;
    }
  }

  /**
   * A node's explicit phandle, as layout.ts takes it, where that is plain: one cell, neither 0 nor
   * 0xffffffff, no other node's, and the same in both properties of a node that has both. Anything
   * else is the general path's (a reference in it, or an error to report).
   */
  private explicitPhandle(node: number, value: number | undefined): void {
    if (value === undefined || value === 0 || value === 0xffffffff) notPlain();
    const had = this.explicit.data[node]!;
    if (had === (value | 0)) return;
    if (had !== 0 || this.nodeOfPhandle.has(value)) notPlain();
    this.explicit.data[node] = value;
    this.nodeOfPhandle.set(value, node);
  }

  /** Records where the value's phandle cells are; whether it has any. Path references are not taken. */
  private references(value: readonly DtChunk[], start: number): boolean {
    let at = start;
    let any = false;
    for (let c = 0; c < value.length; c++) {
      const chunk = value[c]!;
      if (chunk.kind === 'path') notPlain();
      if (chunk.kind !== 'cells') {
        at += valueLength([chunk], placeholder);
        continue;
      }
      const size = chunk.bits / 8;
      for (let i = 0; i < chunk.cells.length; i++, at += size) {
        const cell = chunk.cells[i]!;
        if (typeof cell !== 'object') continue;
        if (cell.kind !== 'label') return notPlain();
        this.refAt.push(at);
        this.refLabel.push(this.label(cell.label));
        any = true;
      }
    }
    return any;
  }

  close(body: Body): void {
    if (!body.hadChild) this.propertiesEnd.data[body.node] = this.w.position;
    this.w.endNode();
  }

  finish(): Uint8Array {
    if (this.nodes === 0) notPlain();
    const w = this.w;
    w.end();
    const src = w.bytes;
    const srcView = new DataView(src.buffer);
    // dtc's numbering (layout.ts): each referenced node without a phandle, in the order of its first reference,
    // takes the lowest number no node has; `added` marks those that get a `phandle` property.
    const phandleOf = new Uint32Array(this.explicit.data.buffer, 0, this.nodes);
    const added = new Uint8Array(this.nodes);
    let count = 0;
    let next = 1;
    for (let r = 0; r < this.refAt.length; r++) {
      const node = this.nodeOfLabel.data[this.refLabel.data[r]!]!;
      if (node === -1) notPlain();
      if (phandleOf[node] === 0) {
        while (this.nodeOfPhandle.has(next)) next++;
        phandleOf[node] = next++;
        added[node] = 1;
        count++;
      }
      srcView.setUint32(this.refAt.data[r]!, phandleOf[node]!);
    }

    // The block again, with each referenced node's phandle after its properties, and every name's offset.
    const strings = new FdtStringTable();
    const offDtStruct = structOffset(this.reservations.length);
    const dst = new Uint8Array(offDtStruct + w.position + count * PHANDLE_PROPERTY);
    const dstView = new DataView(dst.buffer);
    let from = 0;
    let to = offDtStruct;
    let p = 0;
    /** Copies the block up to `until`, naming the properties in it. */
    const copyTo = (until: number) => {
      dst.set(src.subarray(from, until), to);
      for (; p < this.propertyAt.length && this.propertyAt.data[p]! < until; p++) {
        const at = this.propertyAt.data[p]! + 8;
        dstView.setUint32(to + at - from, strings.offsetOf(this.names[srcView.getUint32(at)]!));
      }
      to += until - from;
      from = until;
    };
    for (let node = 0; node < this.nodes; node++) {
      if (added[node] === 0) continue;
      copyTo(this.propertiesEnd.data[node]!);
      dstView.setUint32(to, FDT_PROP);
      dstView.setUint32(to + 4, 4);
      dstView.setUint32(to + 8, strings.offsetOf(PHANDLE_PROPERTIES[0]));
      dstView.setUint32(to + 12, phandleOf[node]!);
      to += PHANDLE_PROPERTY;
    }
    copyTo(w.position);
    return fdtBlob(dst, to, strings, this.reservations, this.bootCpuidPhys);
  }
}
