/**
 * The text of a semantic diff. Per table: `+` added, `-` removed, `~`
 * changed (its field changes and inner changes indented below), `>` moved
 * between parents; then the map-level sentences. With `hex`, the bytes behind
 * each change follow it side by side.
 */
import type { TablePair, TablesDiff } from './diff-tables.js';
import { differingRuns, sideBySide, type HexBlock } from './hex-side-by-side.js';
import type { FieldChange, StructureChange } from './structure-diff.js';
import { appendAll } from '../append.js';

export interface FormatDiffOptions {
  hex?: boolean;
  /** How A and B are called in the output (file names). */
  labels?: { a: string; b: string };
}

const SHOWN_CONTENTS = 6;

export function formatDiff(d: TablesDiff, opts: FormatDiffOptions = {}): string[] {
  const lines: string[] = [];
  if (opts.labels) lines.push(`--- A: ${opts.labels.a}`, `+++ B: ${opts.labels.b}`);
  // Modelled tables first (their differences are the semantic ones), identical tables in one line at the end.
  const order = (p: TablePair) => (p.root ? 0 : p.status === 'changed' ? 1 : p.status === 'same' ? 3 : 2);
  const shown = [...d.pairs].sort((x, y) => order(x) - order(y));
  for (const p of shown.filter((x) => x.status !== 'same')) appendAll(lines, pairLines(p, opts.hex ?? false));
  const same = shown.filter((x) => x.status === 'same').map((x) => x.name);
  if (same.length) lines.push(`identical: ${same.join(', ')}`);
  if (d.map.length) appendAll(lines, ['map:', ...d.map.map((l) => `  ${l}`)]);
  appendAll(lines, d.mapNotes.map((n) => `note: ${n}`));
  if (d.equal) lines.push('no semantic difference');
  return lines;
}

function pairLines(p: TablePair, hex: boolean): string[] {
  switch (p.status) {
    case 'same':
      return [];
    case 'equivalent':
      return [`${p.name}: no semantic difference (the bytes differ: the same structures in another order or at other offsets)`];
    case 'only-a':
      return [`${p.name}: only in A`];
    case 'only-b':
      return [`${p.name}: only in B`];
    case 'changed':
      break;
  }
  if (!p.root) {
    const lines = [`${p.name}: ${p.differingBytes} of ${Math.max(p.a!.bytes.length, p.b!.bytes.length)} bytes differ (compared byte by byte: ridmap does not decode ${p.a!.format} field by field)`];
    if (hex) {
      for (const range of differingRuns(p.a!.bytes, p.b!.bytes)) {
        appendAll(lines, sideBySide({ title: `bytes 0x${range[0].toString(16)}-0x${(range[1] - 1).toString(16)}`, a: { bytes: p.a!.bytes, range }, b: { bytes: p.b!.bytes, range } }));
      }
    }
    return lines;
  }
  const count = countChanges(p.root);
  const out = [`${p.name}: ${count} difference${count === 1 ? '' : 's'}`];
  const ctx = { a: p.a!.bytes, b: p.b!.bytes, hex };
  appendAll(out, p.root.fields.flatMap((f) => fieldLines(f, '  ', ctx)));
  appendAll(out, p.root.children.flatMap((c) => changeLines(c, '  ', ctx)));
  return out;
}

interface Ctx {
  a: Uint8Array;
  b: Uint8Array;
  hex: boolean;
}

function changeLines(c: StructureChange, indent: string, ctx: Ctx): string[] {
  switch (c.kind) {
    case 'added':
    case 'removed': {
      const sign = c.kind === 'added' ? '+' : '-';
      const node = (c.b ?? c.a)!;
      const lines = [`${indent}${sign} ${c.name}${contents(c)}`];
      if (ctx.hex) appendAll(lines, indented(indent, sideBySide({ title: `${c.kind} ${c.name}`, ...side(c.kind === 'added' ? 'b' : 'a', ctx, [node.offset, node.offset + node.size]) })));
      return lines;
    }
    case 'moved': {
      const lines = [`${indent}> ${c.name} moved from ${c.from} to ${c.to}`];
      if (ctx.hex) {
        appendAll(lines, indented(indent, sideBySide({
          title: `moved ${c.name}`,
          a: { bytes: ctx.a, range: [c.a!.offset, c.a!.offset + c.a!.size] },
          b: { bytes: ctx.b, range: [c.b!.offset, c.b!.offset + c.b!.size] },
        })));
      }
      return [...lines, ...c.fields.flatMap((f) => fieldLines(f, `${indent}    `, ctx))];
    }
    case 'changed':
      return [
        `${indent}~ ${c.name}`,
        ...c.fields.flatMap((f) => fieldLines(f, `${indent}    `, ctx)),
        ...c.children.flatMap((x) => changeLines(x, `${indent}    `, ctx)),
      ];
  }
}

function fieldLines(f: FieldChange, indent: string, ctx: Ctx): string[] {
  const lines = [`${indent}${f.label}: ${f.a} → ${f.b}`];
  if (ctx.hex) appendAll(lines, indented(indent, sideBySide({ title: f.label, a: { bytes: ctx.a, range: f.at.a }, b: { bytes: ctx.b, range: f.at.b } })));
  return lines;
}

function side(which: 'a' | 'b', ctx: Ctx, range: readonly [number, number]): Pick<HexBlock, 'a' | 'b'> {
  return { [which]: { bytes: ctx[which], range } };
}

const indented = (indent: string, lines: string[]) => lines.map((l) => indent + l);

/** `: endpoint 00:05.0, I/O APIC 2`: what an added or removed structure holds. */
function contents(c: StructureChange): string {
  if (c.children.length === 0) return '';
  const names = c.children.map((x) => x.name);
  const shown = names.slice(0, SHOWN_CONTENTS).join(', ');
  return `: ${shown}${names.length > SHOWN_CONTENTS ? `, +${names.length - SHOWN_CONTENTS} more` : ''}`;
}

function countChanges(c: StructureChange): number {
  if (c.kind === 'added' || c.kind === 'removed' || c.kind === 'moved') return 1;
  return c.fields.length + c.children.reduce((n, x) => n + countChanges(x), 0);
}
