/**
 * Compiles iasl's data-table source (`ridmap encode board.dsl`) to the bytes
 * iasl compiles it to. The field lines (parse.ts) are consumed in the order
 * the table's declaration prints them, each label checked against the
 * member's (as iasl's DtCompileTable checks them against its info table);
 * the values build a Model, and the declaration's encoder computes what iasl
 * computes: lengths, counts, offsets and the checksum. Nothing here knows a
 * table: the walk is the printer's (codec/print.ts) read backwards.
 *
 * How a source says things, as iasl reads it (ACPICA source/compiler):
 * - integers are hex with or without `0x`, and may be expressions;
 * - a flags field whose bits are printed beneath it (`Size (decoded
 *   below)`) takes its value from those bit lines; its own value is
 *   ignored (dtcompile.c, DT_FIELD_TYPE_FLAGS_INTEGER);
 * - text fields are quoted, padded with NULs to their width;
 * - byte buffers are two-digit hex separated by blanks or commas
 *   (`PCI Path : 00,01`);
 * - derived fields (lengths, counts, offsets, the checksum) are read but
 *   their values are not used, except where iasl's own table compiler
 *   keeps or places an offset otherwise (iasl-rules.ts, the one place for
 *   table-specific facts);
 * - labels are current iasl's (the declarations'), a table revision's, or
 *   iasl 20200925's (codec/iasl-form.ts FORM_2020), so older sources compile.
 *
 * Where ridmap differs from iasl: the items of a list or an array run as long
 * as the next label starts one (iasl's DMAR compiler counts device scopes
 * from the Length values instead), so that a user who adds a device scope
 * need not fix Length by hand; the Asl Compiler ID and Revision are the
 * source's (iasl writes its own, "INTL" and its version, unless run with
 * -z); non-zero reserved fields are kept (iasl zeroes them with an error);
 * a bit line left out is 0; ridmap's text of several tables (a whole dump)
 * compiles to each of them.
 */
import {
  encode,
  FORM_2020,
  isPlaced,
  isReference,
  measure,
  placedParts,
  LAYOUT_KEY,
  resolveByField,
  TRAILING_KEY,
  sizeOfType,
  type ArrayMember,
  type FieldMember,
  type FixedType,
  type FlagBit,
  type ListMember,
  type Model,
  type PlacedLayout,
  type StructSpec,
  type UnionSpec,
} from '../../codec/index.js';
import type { Diagnostic } from '../../diagnostic.js';
import { tableDef, modelledSignatures, type TableDef } from '../registry.js';
import { tablePathName } from '../table.js';
import { OFFSET_AS_WRITTEN, OFFSET_IN_PLACE, OFFSET_PADS } from './iasl-rules.js';
import { parseDslFields, type DslField } from './parse.js';
import { bitValue, bufferValue, bytesOf, fixedValue, idBytes, integerValue, spread, type Parsed } from './values.js';
import { appendAll, maxOf } from '../../append.js';

export const DslCompileCode = {
  /** A field's label is not the one the declaration has at that place (error). */
  invalidLabel: 'dsl-invalid-label',
  /** A field the declaration needs is not there (error). */
  missingField: 'dsl-missing-field',
  /** A value that is no value of its field (error). */
  badValue: 'dsl-bad-value',
  /** A subtable type the table's declaration has no structure for (error). */
  unknownSubtable: 'dsl-unknown-subtable',
  /** Fields after the end of the table (error). */
  extraField: 'dsl-extra-field',
  /** A Reserved field that is not zero: kept, where iasl zeroes it with an error (warning). */
  reservedNonZero: 'dsl-reserved-nonzero',
  /** No Signature, or one ridmap does not compile (error). */
  unsupportedTable: 'dsl-unsupported-table',
} as const;

/** Stops the walk at the first structural error: what follows would only repeat it. */
class Stop extends Error {}

export interface CompiledTable {
  signature: string;
  def: TableDef;
  model: Model;
  bytes: Uint8Array;
}

export interface CompiledDsl {
  /** The (first) table; absent when anything is wrong. */
  table?: CompiledTable;
  /** Every table of the source, in order: one for iasl's sources, several for `ridmap decode` of a whole dump; none when anything is wrong. */
  tables: CompiledTable[];
  diagnostics: Diagnostic[];
}

/** Zero bytes an offset field may ask for before its part (bounded: the value is the source's). */
const MAX_FILL = 0x10000;

/** Labels a bytes member is printed with (codec/print.ts bytesLines and rawBytesLines). */
const PADDING_LABEL = 'Padding';
const TRAILING_LABEL = 'Trailing Bytes';

/** Compiles the text of a data-table source. */
export function compileDslSource(text: string): CompiledDsl {
  const parsed = parseDslFields(text);
  const diagnostics = [...parsed.diagnostics];
  if (diagnostics.some((d) => d.severity === 'error')) return { tables: [], diagnostics };
  const c = new Compiler(parsed.fields, diagnostics);
  const tables: CompiledTable[] = [];
  try {
    // Each table starts at its Signature (iasl's sources hold one; ridmap's text of a dump holds them all).
    do {
      const t = c.table();
      if (t) tables.push(t);
    } while (!c.done());
  } catch (e) {
    if (!(e instanceof Stop)) throw e;
  }
  if (!tables.length || diagnostics.some((d) => d.severity === 'error')) return { tables: [], diagnostics };
  return { table: tables[0]!, tables, diagnostics };
}

/**
 * How many members from `k` on one older `Reserved` value stands for: they
 * are plain integer fields up to and including a reserved one, together
 * as wide as the value's hex digits say (0: none).
 */
function reservedRun(spec: StructSpec, k: number, value: string): number {
  if (!/^[0-9a-fA-F]+$/.test(value)) return 0;
  let size = 0;
  for (let n = k; n < spec.members.length; n++) {
    const x = spec.members[n]!;
    if (x.kind !== 'field' || x.role !== undefined || x.optional || !['uint', 'flags', 'enum', 'reserved'].includes(x.type.kind)) return 0;
    size += sizeOfType(x.type);
    if (x.type.kind === 'reserved') return n > k && value.length === 2 * size ? n - k + 1 : 0;
  }
  return 0;
}

class Compiler {
  private i = 0;
  /** Labels that could also have come where the walk is (another list item), for messages. */
  private also: string[] = [];
  /** The table's model as it is built (what a label or a bit line that depends on the table's revision looks at). */
  private root: Model | undefined;
  /** Offset fields' values as written, by structure (offsets are computed, but an empty part's is kept). */
  private readonly offsets = new WeakMap<Model, Map<string, number>>();
  /** The unions whose items the walk is inside, outermost first. */
  private readonly enclosing: UnionSpec[] = [];
  /** The line where each structure starts, by its path, for what encode says of it. */
  private readonly starts = new Map<string, number>();

  constructor(
    private readonly fields: readonly DslField[],
    private readonly diagnostics: Diagnostic[],
  ) {}

  /** Every field has been read. */
  done(): boolean {
    return this.i >= this.fields.length;
  }

  /** One table, from its Signature on. */
  table(): CompiledTable | undefined {
    this.root = undefined;
    this.also = [];
    this.starts.clear();
    const first = this.fields[this.i];
    if (!first) this.stop(DslCompileCode.unsupportedTable, undefined, 'no field lines: not an iasl data-table source');
    if (first.label !== 'Signature') this.stop(DslCompileCode.invalidLabel, first, `found "${first.label}" expected "Signature"`);
    const signature = first.value;
    const def = tableDef(signature);
    if (!def.modelled || def.header !== 'standard') {
      this.stop(DslCompileCode.unsupportedTable, first, `ridmap compiles ${modelledSignatures().join(', ')} sources, not "${signature}"`);
    }
    const path = tablePathName(signature);
    const model = this.struct(def.spec, path);
    const extra = this.fields[this.i];
    if (extra && extra.label !== 'Signature') {
      const also = this.also.length ? ` (another ${this.also.map((l) => `"${l}"`).join(' or ')}, or the end of the table)` : ' (the end of the table, or the "Signature" of another)';
      this.stop(DslCompileCode.extraField, extra, `found "${extra.label}" expected${also}`);
    }
    if (this.diagnostics.some((d) => d.severity === 'error')) return undefined;
    const e = encode(def.spec, model, { path });
    // What encode finds (a length that does not fit its field) is said at the line where its structure starts.
    appendAll(this.diagnostics, e.diagnostics.map((d) => {
      const line = d.line ?? this.lineOf(d.path);
      return line === undefined ? d : { ...d, line, column: 1 };
    }));
    return e.bytes ? { signature, def, model, bytes: e.bytes } : undefined;
  }

  // -------------------------------------------------------------------------
  // The walk: printStruct's order

  private struct(spec: StructSpec, path: string): Model {
    const m: Model = {};
    this.root ??= m;
    const first = this.peek();
    if (first && !this.starts.has(path)) this.starts.set(path, first.line);
    for (let k = 0; k < spec.members.length; k++) {
      const member = spec.members[k]!;
      if (isPlaced(member)) continue;
      switch (member.kind) {
        case 'field': {
          if (member.optional && !this.labels(spec, member).includes(this.peek()?.label ?? '')) continue;
          if (member.shownIf && !this.labels(spec, member).includes(this.peek()?.label ?? '')) {
            // Printed only when the structure has what it describes (an IVRS UID's format): absent, it is zero.
            if (member.role === undefined && member.type.kind !== 'reserved') m[member.key] = member.type.kind === 'u64' ? 0n : member.type.kind === 'ascii' ? '' : 0;
            continue;
          }
          const merged = this.joined(spec, k, m, path);
          if (merged) k += merged - 1;
          else this.field(spec, member, m, path);
          break;
        }
        case 'group':
          m[member.key] = this.struct(member.spec, `${path}/${member.spec.name}`);
          break;
        case 'list':
          m[member.key] = this.items(member, path);
          break;
        case 'array':
          m[member.key] = this.elements(member, path);
          break;
        case 'cstring': {
          const f = this.expect([member.label], path);
          m[member.key] = f.value;
          if (!spec.placed.length && this.peek()?.label === PADDING_LABEL) m[member.paddingKey] = this.buffer(this.take(), undefined, path);
          break;
        }
        case 'rest':
          // Bytes printed as one value (an IVRS UID: a string or an integer); nothing printed is no bytes.
          if (!member.text) this.stop(DslCompileCode.unsupportedTable, this.peek(), `${path}: ridmap cannot compile raw bytes (${member.label}) from a source`);
          if (this.peek()?.label !== member.label) m[member.key] = new Uint8Array();
          else {
            const f = this.take();
            m[member.key] = this.check(f, path, idBytes(f.value, f.quoted)) ?? new Uint8Array();
          }
      }
    }
    if (spec.placed.length) this.placed(spec, m, path);
    const trailing = spec.trailingLabel ?? TRAILING_LABEL;
    if (this.peek()?.label === trailing) m[TRAILING_KEY] = this.buffer(this.take(), undefined, path);
    return m;
  }

  /** Parts placed by offset fields, in the order the source has them, each after its gap (Padding) if any. */
  private placed(spec: StructSpec, m: Model, path: string): void {
    const layout: PlacedLayout = {};
    const order: string[] = [];
    const missingInPlace: string[] = [];
    const gapped = new Set<string>();
    for (;;) {
      const next = this.peek();
      if (!next) break;
      let gap: Uint8Array | undefined;
      const gapMember = spec.placed.find((p) => next.label === ((p.kind === 'list' ? p.gapLabel : undefined) ?? PADDING_LABEL));
      if (gapMember) gap = this.buffer(this.take(), undefined, path);
      const start = this.peek()?.label;
      const part = spec.placed.find((p) => !order.includes(p.key) && start !== undefined && this.startLabels(p).includes(start));
      if (!part) {
        // Bytes after the last part, under the same label as a gap (an IORT named component's Padding): the structure's trailing bytes.
        if (gap && (spec.trailingLabel ?? TRAILING_LABEL) === next.label) m[TRAILING_KEY] = gap;
        else if (gap) this.stop(DslCompileCode.missingField, this.peek(), `${path}: the padding is not followed by any of ${spec.placed.map((p) => p.label).join(', ')}`);
        break;
      }
      if (gap) gapped.add(part.key);
      if (gap?.length) {
        if (part.kind === 'list' && part.gapKey) m[part.gapKey] = gap;
        else (layout.gaps ??= {})[part.key] = gap;
      }
      order.push(part.key);
      m[part.key] = part.kind === 'list' ? this.items(part, path) : this.elements(part, path);
      if (part.kind === 'array' && part.count === 'one') m[part.key] = (m[part.key] as Model[])[0];
    }
    // A part the source does not have is empty (RIMT interrupt wires, which iasl never prints); a single structure is absent.
    // Its offset is 0, or the value written where iasl keeps that (iasl-rules.ts).
    for (const p of spec.placed) {
      if (order.includes(p.key)) continue;
      if (!(p.kind === 'array' && p.count === 'one')) m[p.key] = [];
      const given = this.givenOffsets(m).get(p.key);
      const rule = `${spec.typeName}.${p.key}`;
      if (given && OFFSET_AS_WRITTEN.has(rule)) (layout.emptyOffsets ??= {})[p.key] = given;
      else if (OFFSET_IN_PLACE.has(rule)) missingInPlace.push(p.key);
    }
    if (order.length > 1 && spec.placed.filter((p) => order.includes(p.key)).some((p, n) => order[n] !== p.key)) layout.order = order;
    // Without a Padding line, the offset written places the part where iasl places it after a name (iasl-rules.ts).
    for (const p of spec.placed) {
      const given = this.givenOffsets(m).get(p.key);
      if (!order.includes(p.key) || !given || gapped.has(p.key) || !OFFSET_PADS.has(`${spec.typeName}.${p.key}`)) continue;
      const at = this.placeOf(spec, { ...m, [LAYOUT_KEY]: { ...layout } }, p.key);
      if (given > at && given - at <= MAX_FILL) {
        if (p.kind === 'list' && p.gapKey) m[p.gapKey] = new Uint8Array(given - at);
        else (layout.gaps ??= {})[p.key] = new Uint8Array(given - at);
      }
    }
    for (const key of missingInPlace) {
      const at = this.placeOf(spec, { ...m, [LAYOUT_KEY]: { ...layout } }, key);
      if (at) (layout.emptyOffsets ??= {})[key] = at;
    }
    if (layout.order || layout.gaps || layout.emptyOffsets) m[LAYOUT_KEY] = layout;
  }

  /** Items of a list while the next label starts one. */
  private items(member: ListMember, path: string): Model[] {
    const u = member.union;
    const starts = this.startLabels(member);
    const items: Model[] = [];
    const counts = new Map<string, number>();
    while (starts.includes(this.peek()?.label ?? '')) {
      const f = this.peek()!;
      const tag = this.integer(f, u.tagType.size, path);
      // Lists inside items of a list may start their items with the same label (IVRS: "Subtable Type" for
      // blocks and their device entries); a type that only an enclosing list has ends this one.
      // A type both have (IVRS 40h: an IVHD block, or an 8-byte padding entry) is told by the label after it.
      const outer = tag === undefined ? undefined : this.enclosing.find((e) => e !== u && e.variants.has(Number(tag)) && this.unionStarts(e).includes(f.label));
      if (outer && (!u.variants.has(Number(tag)) || (!this.secondLabelIs(u.variants.get(Number(tag))!) && this.secondLabelIs(outer.variants.get(Number(tag))!)))) break;
      const variant = tag === undefined ? undefined : (u.variants.get(Number(tag)) ?? u.fallback);
      if (!variant) this.stop(DslCompileCode.unknownSubtable, f, `${path}: ${f.label} ${f.value} has no structure in ridmap's ${u.name} declaration`);
      const spec = resolveByField(variant, (bf) => this.lookAhead(variant, bf.key));
      const n = counts.get(spec.name) ?? 0;
      counts.set(spec.name, n + 1);
      this.enclosing.push(u);
      items.push(this.struct(spec, `${path}/${spec.name}[${n}]`));
      this.enclosing.pop();
    }
    // What could have come instead, innermost first (a list that ends inside an item ends with it).
    this.also = [...this.also, ...starts.filter((l) => !this.also.includes(l))];
    return items;
  }

  /** Elements of an array while the next label starts one. */
  private elements(member: ArrayMember, path: string): Model[] {
    const starts = this.startLabels(member);
    const out: Model[] = [];
    while (starts.includes(this.peek()?.label ?? '')) {
      const p = `${path}/${member.element.name}[${out.length}]`;
      const e = member.element.line ? this.lineStruct(member.element, p) : this.struct(member.element, p);
      out.push(e);
    }
    // What could have come instead, innermost first (a list that ends inside an item ends with it).
    this.also = [...this.also, ...starts.filter((l) => !this.also.includes(l))];
    return member.scalar ? (out.map((e) => e[member.scalar!]) as Model[]) : out;
  }

  /** The field after the cursor's has the label of the declaration's second member. */
  private secondLabelIs(spec: StructSpec): boolean {
    const second = spec.members[1];
    const next = this.fields[this.i + 1];
    return second !== undefined && next !== undefined && this.labels(spec, second).includes(next.label);
  }

  /** The labels that start an item of a list or an element of an array. */
  private startLabels(member: ListMember | ArrayMember): string[] {
    if (member.kind === 'array') {
      const e = member.element;
      if (e.line) return [e.line.label];
      const first = e.members[0];
      return first ? this.labels(e, first) : [];
    }
    return this.unionStarts(member.union);
  }

  /** The labels that start an item of a union. */
  private unionStarts(u: UnionSpec): string[] {
    const specs = [...u.variants.values(), ...(u.fallback ? [u.fallback] : []), u.raw];
    const labels = new Set<string>();
    for (const s of specs) {
      const first = s.byField ? s.byField.pick(0).members[0] : s.members[0];
      if (first) for (const l of this.labels(s, first)) labels.add(l);
    }
    return [...labels];
  }

  /** A structure printed as one line (`PCI Path : 00,01`): its bytes, split into its fields. */
  private lineStruct(spec: StructSpec, path: string): Model {
    const f = this.take();
    // Its bytes in order (`00,01`), or one integer of them all, little-endian (an IORT SMMU interrupt: `0000000100000081`).
    const bytes = /[\s,]/.test(f.value) || spec.fixedSize > 8
      ? this.buffer(f, spec.fixedSize, path)
      : bytesOf(this.integer(f, spec.fixedSize, path) ?? 0n, spec.fixedSize);
    const m: Model = {};
    let at = 0;
    for (const member of spec.members) {
      if (member.kind !== 'field') continue;
      const size = member.type.kind === 'flags' || member.type.kind === 'enum' ? member.type.base.size : member.type.size;
      let v = 0;
      for (let k = size - 1; k >= 0; k--) v = v * 256 + (bytes[at + k] ?? 0);
      m[member.key] = v;
      at += size;
    }
    return m;
  }

  /** The value a field of `spec` will have, read ahead without consuming (a layout that depends on it). */
  private lookAhead(spec: StructSpec, key: string): number | undefined {
    const member = spec.members.find((x) => x.key === key);
    if (member?.kind !== 'field') return undefined;
    const labels = this.labels(spec, member);
    for (let k = this.i; k < Math.min(this.fields.length, this.i + spec.members.length + 1); k++) {
      const f = this.fields[k]!;
      // Read quietly: the field reports its own problems when the walk gets to it.
      if (labels.includes(f.label)) {
        const v = integerValue(f.value, 4).value;
        return v === undefined || v > 0xffffffffn ? undefined : Number(v);
      }
    }
    return undefined;
  }

  // -------------------------------------------------------------------------
  // Fields

  /**
   * A field an older iasl printed joined with the next ones, as one
   * little-endian integer (iasl-form.ts `join`: VT-d before 3.4 had one
   * reserved u16 where a device scope now has Flags and Reserved). When the
   * source has that older label here, its value is spread over the members.
   * iasl does the same by table revision where no form says so (a MADT GICR
   * or GIC ITS before revision 7: `Reserved : 0000` where revision 7 has
   * Flags and Reserved): a `Reserved` line where another member is expected,
   * with a value of as many digits as that member and the ones after it up
   * to a reserved one, is read the same way. Returns how many members it
   * filled (0: not such a line).
   */
  private joined(spec: StructSpec, k: number, m: Model, path: string): number {
    const f = this.peek();
    const member = spec.members[k] as FieldMember;
    if (!f) return 0;
    const old = FORM_2020.members.get(`${spec.name}.${member.key}`);
    let count = 0;
    const byRevision = member.joinIf;
    if (byRevision && f.label === byRevision.label && f.label !== member.label) count = byRevision.join + 1;
    else if (old?.join !== undefined && f.label === old.label && f.label !== member.label) count = old.join + 1;
    else if (f.label === 'Reserved' && !this.labels(spec, member).includes('Reserved')) count = reservedRun(spec, k, f.value);
    if (!count) return 0;
    const parts = spec.members.slice(k, k + count) as FieldMember[];
    const size = parts.reduce((n, x) => n + sizeOfType(x.type), 0);
    this.i++;
    const v = this.integer(f, size, path);
    if (v === undefined) return parts.length;
    spread(v, parts.map((x) => sizeOfType(x.type))).forEach((part, n) => {
      const y = parts[n]!;
      if (y.type.kind === 'reserved') {
        if (part !== 0n) m[y.key] = bytesOf(part, sizeOfType(y.type));
      } else if (y.role === undefined) m[y.key] = Number(part);
    });
    return parts.length;
  }

  /** The labels a member may have: the declaration's (iasl 20260408), a revision's, and iasl 20200925's. */
  private labels(spec: StructSpec, member: { key: string; label: string; kind: string; labelIf?: FieldMember['labelIf'] }): string[] {
    const out = [member.label];
    if (member.labelIf) out.push(member.labelIf.label);
    const old = FORM_2020.members.get(`${spec.name}.${member.key}`)?.label;
    if (old) out.push(old);
    return out;
  }

  private field(spec: StructSpec, member: FieldMember, m: Model, path: string): void {
    const labels = this.labels(spec, member);
    const f = this.expect(labels, path, spec, member);
    const t = member.type;
    // iasl builds a decoded flags field from the bit lines beneath; the field's own value is not used. Without
    // any bit line (a release or a revision that printed the field as a plain value) the value is the field's.
    if (t.kind === 'flags' && t.printBits !== false && this.isBitLine(t.bits)) {
      let v = 0;
      for (const b of t.bits) {
        // A bit line that is not there is 0: iasl prints some bits only from a table revision on (MADT GICC Online
        // Capable), and older releases did not print bits they did not know (iasl 20200925: IORT's Ensured Coherency
        // of Accesses). A misspelt bit line is no bit line: it meets the next field's label and is reported there.
        if (this.peek()?.label !== b.label) continue;
        const line = this.take();
        const n = this.check(line, path, bitValue(line.value, b.width ?? 1));
        if (n === undefined) continue;
        v = (v | (n << b.bit)) >>> 0;
      }
      if (member.role === undefined) m[member.key] = v;
      return;
    }
    if (member.role === 'tag') {
      m[member.key] = spec.name;
      return;
    }
    const v = this.value(t, f, path, member);
    if (v === undefined) return;
    if (isReference(member.role)) {
      // iasl writes the offset it is given; so does ridmap.
      m[member.key] = { offset: Number(v) };
      return;
    }
    // Lengths, counts, offsets and the checksum are computed on encode, as iasl computes them.
    if (member.role === undefined) m[member.key] = v;
    else if (typeof member.role === 'object' && 'offset' in member.role && typeof v === 'number') this.givenOffsets(m).set(member.role.offset, v);
  }

  /** The next line is one of these bit lines. */
  private isBitLine(bits: readonly FlagBit[]): boolean {
    const label = this.peek()?.label;
    return bits.some((b) => b.label === label);
  }

  /** A fixed field's value in the model's form, or undefined after reporting. */
  private value(t: FixedType, f: DslField, path: string, member?: FieldMember): unknown {
    const v = this.check(f, path, fixedValue(t, f.value, f.quoted, member?.text !== undefined));
    if (t.kind !== 'reserved' || !(v instanceof Uint8Array)) return v;
    // All zero is the model's absent reserved field.
    if (v.every((x) => x === 0)) return undefined;
    if (t.show === 'int' && f.label === 'Reserved') {
      this.diagnostics.push({ severity: 'warning', code: DslCompileCode.reservedNonZero, line: f.line, column: 1,
        message: `${path}: Reserved is ${f.value}; kept as written (iasl refuses it: "Must be zero, setting to zero")` });
    }
    return v;
  }

  /** An integer that fits `size` bytes, or undefined after reporting. */
  private integer(f: DslField, size: number, path: string): bigint | undefined {
    return this.check(f, path, integerValue(f.value, size));
  }

  /** Bytes (exactly `size` when given), or as many zeros after reporting. */
  private buffer(f: DslField, size: number | undefined, path: string): Uint8Array {
    return this.check(f, path, bufferValue(f.value, size)) ?? new Uint8Array(size ?? 0);
  }

  /** The value, or undefined after reporting its problem at the field's line. */
  private check<T>(f: DslField, path: string, r: Parsed<T>, label = f.label): T | undefined {
    if (r.problem !== undefined) this.error(DslCompileCode.badValue, f, `${path}: ${label} ${r.problem}`);
    return r.value;
  }

  /**
   * Where an empty placed part would start as iasl places parts, in the order
   * its text has them: after the non-empty parts before it, or after the
   * fixed fields.
   */
  private placeOf(spec: StructSpec, m: Model, key: string): number {
    const first = spec.textOrder ?? [];
    const order = [...first, ...spec.placed.map((p) => p.key).filter((k) => !first.includes(k))];
    const before = new Set(order.slice(0, order.indexOf(key)));
    const parts = placedParts(spec, m);
    const ends = parts.filter((p) => before.has(p.member.key)).map((p) => p.offset + p.size);
    if (ends.length) return maxOf(ends);
    // No part before it: it starts after the fixed fields (what the first part's offset less its gap says).
    const lead = parts[0];
    return lead ? lead.offset - (lead.gap?.length ?? 0) : measure(spec, { ...m, [TRAILING_KEY]: undefined });
  }

  /** The values the source gives the offset fields of a structure, by the part each places. */
  private givenOffsets(m: Model): Map<string, number> {
    let g = this.offsets.get(m);
    if (!g) this.offsets.set(m, (g = new Map()));
    return g;
  }

  /** The line where the structure a diagnostic path names (or the nearest one above it) starts. */
  private lineOf(path: string | undefined): number | undefined {
    for (let p = path; p; p = p.slice(0, Math.max(p.lastIndexOf('/'), p.lastIndexOf('.'), 0))) {
      const line = this.starts.get(p);
      if (line !== undefined) return line;
    }
    return undefined;
  }

  // -------------------------------------------------------------------------
  // The cursor

  private peek(): DslField | undefined {
    return this.fields[this.i];
  }

  private take(): DslField {
    return this.fields[this.i++]!;
  }

  /** The next field, which must have one of `labels`; a missing or misplaced one stops the walk. */
  private expect(labels: readonly string[], path: string, spec?: StructSpec, member?: FieldMember): DslField {
    const f = this.peek();
    const want = `"${labels[0]}"`;
    if (!f) {
      const last = this.fields[this.fields.length - 1];
      this.stop(DslCompileCode.missingField, last, `${path}: the source ends before ${want}${last ? ` (last field "${last.label}")` : ''}`);
    }
    if (!labels.includes(f.label)) {
      const also = this.also.length ? ` (or another ${this.also.map((l) => `"${l}"`).join(' or ')})` : '';
      // A label that the structure has further on: the expected field was left out.
      const later = spec && member ? spec.members.slice(spec.members.indexOf(member) + 1).some((x) => this.labels(spec, x).includes(f.label)) : false;
      if (later) this.stop(DslCompileCode.missingField, f, `${path}: ${want} is missing before "${f.label}"`);
      this.stop(DslCompileCode.invalidLabel, f, `${path}: found "${f.label}" expected ${want}${also}`);
    }
    this.also = [];
    this.i++;
    return f;
  }

  private error(code: string, f: DslField | undefined, message: string): void {
    this.diagnostics.push({ severity: 'error', code, message, ...(f ? { line: f.line, column: 1 } : {}) });
  }

  private stop(code: string, f: DslField | undefined, message: string): never {
    this.error(code, f, message);
    throw new Stop(message);
  }
}
