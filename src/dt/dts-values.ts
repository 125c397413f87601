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
import { ExprError, parseNumber } from './dts-tokens.js';
import { unescapeDts } from './dts-strings.js';
import type { DtCell, DtCellBits, DtChunk, DtRef } from './tree.js';

/** What value conversion reports, at an offset into a CST node's text. */
export interface ValueSink {
  error(node: SyntaxNode, offset: number, code: string, message: string): void;
  /** A cell names a macro that is not defined. */
  missingMacro(name: string, node: SyntaxNode, offset: number): void;
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
  switch (v.type) {
    case 'integer_cells':
      return cellsChunk(v, bits, macros, sink);
    case 'string_literal':
      return { kind: 'string', value: unescapeDts(utf8ToByteString(v.text.slice(1, -1))) };
    case 'byte_string_literal':
      return bytesChunk(v, sink);
    case 'reference':
      return { kind: 'path', ref: referenceOf(v) };
    default:
      sink.error(v, 0, v.type === 'incbin' ? 'dts-incbin-unsupported' : 'dts-syntax', `${v.type === 'incbin' ? '/incbin/ is not supported' : `unexpected ${v.type}`}`);
      return undefined;
  }
}

function cellsChunk(v: SyntaxNode, bits: DtCellBits, macros: Macros, sink: ValueSink): DtChunk | undefined {
  // The node's text includes the angle brackets; offsets below are into it.
  const inner = v.text.slice(1, -1);
  let items;
  try {
    items = parseCellList(inner, macros);
  } catch (e) {
    if (!(e instanceof ExprError)) throw e;
    sink.error(v, e.at + 1, e.code ?? 'dts-bad-expression', e.message);
    return undefined;
  }
  const cells: DtCell[] = [];
  const max = (1n << BigInt(bits)) - 1n;
  for (const item of items) {
    for (const name of item.missing) sink.missingMacro(name, v, item.start + 1);
    const { cell } = item;
    if (typeof cell === 'bigint' && cell > max && (cell | max) !== (1n << 64n) - 1n) {
      sink.error(v, item.start + 1, 'dts-value-out-of-range', `0x${cell.toString(16)} does not fit a ${bits}-bit cell`);
      return undefined;
    }
    if (typeof cell !== 'bigint' && cell.kind !== 'unresolved' && bits !== 32) {
      sink.error(v, item.start + 1, 'dts-bad-reference', 'references are allowed only in 32-bit cells');
      return undefined;
    }
    cells.push(typeof cell === 'bigint' ? cell & max : cell);
  }
  return { kind: 'cells', bits, cells };
}

function bytesChunk(v: SyntaxNode, sink: ValueSink): DtChunk | undefined {
  const groups = v.text.slice(1, -1).trim().split(/\s+/).filter((g) => g !== '');
  const bad = groups.find((g) => g.length % 2 !== 0);
  if (bad !== undefined) {
    sink.error(v, v.text.indexOf(bad), 'dts-bad-bytes', `byte string digits go in pairs: "${bad}"`);
    return undefined;
  }
  const hex = groups.join('');
  return { kind: 'bytes', bytes: Uint8Array.from({ length: hex.length / 2 }, (_, i) => parseInt(hex.slice(2 * i, 2 * i + 2), 16)) };
}
