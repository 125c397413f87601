/**
 * iasl as an oracle: every field line iasl prints (`[OOOh DDDD  W] Label :
 * Value`) must have a line in our text with the same offset, width and value.
 *
 * Documented differences (iasl versions lag the VT-d spec):
 *  - DRHD byte 5: iasl ≤ 2024 labels it `Reserved`, the spec (3.x+) `Size`.
 *  - Device scope bytes 2-3: iasl prints one 2-byte `Reserved`; since VT-d
 *    3.4 byte 2 is `Flags` and byte 3 `Reserved`. We print both; the iasl
 *    line matches when our lines tile its bytes and their little-endian
 *    combination equals its value.
 *  - A remapping structure type iasl does not know (SATC in 2020, SIDP before
 *    2025) it prints as `[Unknown Subtable Type]`; we name it, so only the
 *    number is compared. iasl then stops decoding the table, so it simply has
 *    fewer lines to compare.
 *  - The Signature line's table name differs between iasl versions
 *    (`[DMA Remapping table]`, `[DMA Remapping Table]`): only the quoted
 *    signature is compared.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CURRENT_FORM, FORM_2020, type IaslForm } from '../../src/codec/index.js';

export interface FieldLine {
  offset: number;
  width: number;
  label: string;
  value: string;
  text: string;
}

/** iasl 2020 writes the width in decimal (`  4]`), iasl 2023+ in hex (`004h]`). */
const FIELD = /^\[([0-9A-F]+)h (\d+)\s+(\d+|[0-9A-F]{3}h)\]\s+(.*?) : (.*)$/;

export function parseFieldLines(text: string): FieldLine[] {
  const out: FieldLine[] = [];
  for (const line of text.split(/\r?\n/)) {
    const m = FIELD.exec(line);
    if (!m) continue;
    const w = m[3]!;
    out.push({
      offset: parseInt(m[1]!, 16),
      width: w.endsWith('h') ? parseInt(w, 16) : Number(w),
      label: m[4]!.trim(),
      value: m[5]!.trimEnd(),
      text: line,
    });
  }
  return out;
}

export function iaslAvailable(): boolean {
  const r = spawnSync('iasl', ['-v'], { encoding: 'utf8' });
  return !r.error;
}

/** `iasl -d` on the bytes in a temporary directory; returns the .dsl text. */
export function iaslDisassemble(bytes: Uint8Array, name = 'table'): string {
  const dir = mkdtempSync(join(tmpdir(), 'ridmap-iasl-'));
  try {
    writeFileSync(join(dir, `${name}.dat`), bytes);
    const r = spawnSync('iasl', ['-d', `${name}.dat`], { cwd: dir, encoding: 'utf8' });
    if (r.error) throw r.error;
    return readFileSync(join(dir, `${name}.dsl`), 'utf8');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Label pairs (iasl, ours) that may differ at the same offset and width: iasl 2022-2024 still called DRHD Size reserved. */
const LABEL_DIFFERENCES = new Set(['Reserved→Size (decoded below)']);

/** The form of ridmap's text that matches the iasl that wrote `iaslText` (its header names its version). */
export function formOfIaslText(iaslText: string): IaslForm {
  const version = /version (\d{8})/.exec(iaslText)?.[1];
  return version !== undefined && version < WIDTH_IN_HEX_SINCE ? FORM_2020 : CURRENT_FORM;
}

/** The first iasl release that printed the width column in hex. */
const WIDTH_IN_HEX_SINCE = '20221020';

export interface Comparison {
  matched: number;
  /** Matches that needed a documented difference. */
  documented: number;
  problems: string[];
}

function normalise(value: string): string {
  const sig = /^("[^"]*")\s+\[.*\]$/.exec(value);
  if (sig) return sig[1]!;
  return value.trimEnd();
}

/** Compares iasl's field lines with ours. */
export function compareWithIasl(iasl: readonly FieldLine[], ours: readonly FieldLine[]): Comparison {
  const byOffset = new Map<number, FieldLine[]>();
  for (const l of ours) {
    const list = byOffset.get(l.offset) ?? [];
    list.push(l);
    byOffset.set(l.offset, list);
  }
  const result: Comparison = { matched: 0, documented: 0, problems: [] };
  for (const want of iasl) {
    const same = (byOffset.get(want.offset) ?? []).find((l) => l.width === want.width);
    if (same) {
      const unknownType = /^([0-9A-F]+) \[Unknown Subtable Type\]$/.exec(want.value);
      const valueOk = unknownType ? same.value.startsWith(unknownType[1]! + ' [') : normalise(same.value) === normalise(want.value);
      const labelOk = same.label === want.label || LABEL_DIFFERENCES.has(`${want.label}→${same.label}`);
      if (valueOk && labelOk) {
        result.matched++;
        if (same.label !== want.label || unknownType) result.documented++;
      } else {
        result.problems.push(`iasl: ${want.text}\nours: ${same.text}`);
      }
      continue;
    }
    const tiled = tile(byOffset, want);
    if (tiled !== undefined && tiled === want.value) {
      result.matched++;
      result.documented++;
    } else {
      result.problems.push(`iasl: ${want.text}\nours: ${tiled === undefined ? 'no line at this offset and width' : `tiles to ${tiled}`}`);
    }
  }
  return result;
}

/** Our integer lines covering exactly [offset, offset+width), combined little-endian as hex. */
function tile(byOffset: Map<number, FieldLine[]>, want: FieldLine): string | undefined {
  let digits = '';
  for (let at = want.offset; at < want.offset + want.width;) {
    const l = (byOffset.get(at) ?? []).find((x) => /^[0-9A-F]+$/.test(x.value) && x.value.length === 2 * x.width);
    if (!l || at + l.width > want.offset + want.width) return undefined;
    digits = l.value + digits;
    at += l.width;
  }
  return digits;
}
