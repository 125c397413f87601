/**
 * A property's value in the tree-sitter CST to chunks (tree.ts), with dtc's
 * rules: `/bits/ N` applies to the cell list right after it; references are
 * allowed only in 32-bit cells; a number must fit its cell width (or be a
 * sign-extended negative, as `(-1)` is); byte strings are pairs of hex
 * digits; strings are byte strings with dtc's escapes.
 */
import type { Node as SyntaxNode } from 'web-tree-sitter';
import { utf8ToByteString } from './byte-string.js';
import { parseCellList } from './dts-expr.js';
import type { Macros } from './dts-macros.js';
import { ExprError, parseNumber, U64 } from './dts-tokens.js';
import { unescapeDts } from './dts-strings.js';
import type { DtCell, DtCellBits, DtChunk, DtRef } from './tree.js';

/** What value conversion reports, at an offset into a CST node's text. */
export interface ValueSink {
  error(node: SyntaxNode, offset: number, code: string, message: string): void;
  /** A cell names a macro that is not defined. */
  missingMacro(name: string, node: SyntaxNode, offset: number): void;
  /** A reference in the value, where it is written (whether it names a node is known only once the whole source is read). */
  reference(ref: DtRef, node: SyntaxNode, offset: number): void;
}

const CELL_BITS = new Set([8, 16, 32, 64]);

export function referenceOf(node: SyntaxNode): DtRef {
  const label = node.childForFieldName('label');
  if (label) return { kind: 'label', label: label.text };
  return { kind: 'path', path: node.namedChildren.find((c) => c?.type === 'path')?.text ?? '' };
}

/** The chunks of a `property` node; undefined when its value cannot be read. */
export function propertyValue(property: SyntaxNode, macros: Macros, sink: ValueSink): DtChunk[] | undefined {
  // Fields span their punctuation too (`/bits/`, the commas): only named nodes are values.
  const bitsNode = property.childrenForFieldName('bits').find((n) => n?.isNamed);
  let bits: DtCellBits = 32;
  if (bitsNode) {
    const n = Number(parseNumber(bitsNode.text) ?? 0);
    if (!CELL_BITS.has(n)) {
      sink.error(bitsNode, 0, 'dts-bad-bits', `/bits/ ${bitsNode.text}: cells are 8, 16, 32 or 64 bits`);
      return undefined;
    }
    bits = n as DtCellBits;
  }
  const chunks: DtChunk[] = [];
  const values = property.childrenForFieldName('value').filter((n) => n?.isNamed);
  for (const [i, v] of values.entries()) {
    if (!v) continue;
    const chunk = valueChunk(v, i === 0 ? bits : 32, macros, sink);
    if (!chunk) return undefined;
    chunks.push(chunk);
  }
  return chunks;
}

function valueChunk(v: SyntaxNode, bits: DtCellBits, macros: Macros, sink: ValueSink): DtChunk | undefined {
  const problem: ValueProblem = (offset, code, message) => sink.error(v, offset, code, message);
  switch (v.type) {
    case 'integer_cells':
      return cellsChunk(v.text, bits, macros, problem, (name, offset) => sink.missingMacro(name, v, offset), (ref, offset) => sink.reference(ref, v, offset));
    case 'string_literal':
      return stringChunk(v.text);
    case 'byte_string_literal':
      return bytesChunk(v.text, problem);
    case 'reference': {
      const ref = referenceOf(v);
      sink.reference(ref, v, 0);
      return { kind: 'path', ref };
    }
    default:
      sink.error(v, 0, v.type === 'incbin' ? 'dts-incbin-unsupported' : 'dts-syntax', `${v.type === 'incbin' ? '/incbin/ is not supported' : `unexpected ${v.type}`}`);
      return undefined;
  }
}

/**
 * The value converters below take a literal's text as written (brackets and
 * quotes included) and report at offsets into it, so that any reader of the
 * syntax (the tree-sitter walk, dts-plain.ts) converts values the same way.
 */
export type ValueProblem = (offset: number, code: string, message: string) => void;

/** `"..."`: a byte string with dtc's escapes. */
export function stringChunk(literal: string): DtChunk {
  return { kind: 'string', value: unescapeDts(utf8ToByteString(literal.slice(1, -1))) };
}

/**
 * `<...>` at `bits` per cell; undefined (reported) when a cell is not a
 * number that fits or a reference where one may stand. `reference` hears of
 * each reference cell at its offset into the literal.
 */
export function cellsChunk(
  literal: string,
  bits: DtCellBits,
  macros: Macros,
  problem: ValueProblem,
  missingMacro: (name: string, offset: number) => void,
  reference?: (ref: DtRef, offset: number) => void,
): DtChunk | undefined {
  const inner = literal.slice(1, -1);
  let items;
  try {
    items = parseCellList(inner, macros);
  } catch (e) {
    if (!(e instanceof ExprError)) throw e;
    problem(e.at + 1, e.code ?? 'dts-bad-expression', e.message);
    return undefined;
  }
  const cells: DtCell[] = [];
  for (const item of items) {
    for (const name of item.missing) missingMacro(name, item.start + 1);
    const cell = checkedCell(item.cell, bits);
    if (typeof cell === 'object' && 'code' in cell) {
      problem(item.start + 1, cell.code, cell.message);
      return undefined;
    }
    if (typeof cell === 'object' && cell.kind !== 'unresolved') reference?.(cell, item.start + 1);
    cells.push(cell);
  }
  return { kind: 'cells', bits, cells };
}

/**
 * dtc's rule for one cell at `bits`: a number must fit (or be a sign-extended
 * negative, as `(-1)` is) and is cut to the width; references only in 32-bit
 * cells. The number comes back in the tree's form (a bigint only at 64 bits).
 */
export function checkedCell(cell: DtCell, bits: DtCellBits): DtCell | { code: string; message: string } {
  if (typeof cell === 'number') {
    // A non-negative integer as a reader of plain numbers gives it: the common case, no BigInt.
    if (bits === 64) return BigInt(cell);
    if (cell <= NUMBER_MAX[bits]) return cell;
    cell = BigInt(cell);
  }
  if (typeof cell === 'bigint') {
    const max = CELL_MAX[bits];
    if (cell > max) {
      if ((cell | max) !== U64) return { code: 'dts-value-out-of-range', message: `0x${cell.toString(16)} does not fit a ${bits}-bit cell` };
      cell &= max;
    }
    return bits === 64 ? cell : Number(cell);
  }
  if (cell.kind !== 'unresolved' && bits !== 32) return { code: 'dts-bad-reference', message: 'references are allowed only in 32-bit cells' };
  return cell;
}

const CELL_MAX: Record<DtCellBits, bigint> = { 8: 0xffn, 16: 0xffffn, 32: 0xffffffffn, 64: U64 };
const NUMBER_MAX: Record<DtCellBits, number> = { 8: 0xff, 16: 0xffff, 32: 0xffffffff, 64: Number.MAX_SAFE_INTEGER };

/** `[00 1f]`: pairs of hex digits, spaces anywhere between pairs. */
export function bytesChunk(literal: string, problem: ValueProblem): DtChunk | undefined {
  const groups = literal.slice(1, -1).trim().split(/\s+/).filter((g) => g !== '');
  const bad = groups.find((g) => g.length % 2 !== 0);
  if (bad !== undefined) {
    problem(literal.indexOf(bad), 'dts-bad-bytes', `byte string digits go in pairs: "${bad}"`);
    return undefined;
  }
  const hex = groups.join('');
  return { kind: 'bytes', bytes: Uint8Array.from({ length: hex.length / 2 }, (_, i) => parseInt(hex.slice(2 * i, 2 * i + 2), 16)) };
}
