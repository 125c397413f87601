/**
 * Which reader a user's file goes to: a topology (YAML, or JSON shaped like
 * one) or a table input (anything sniff() recognises: raw ACPI, acpidump,
 * .dsl, decoded JSON, DTB, DTS). Content decides, except that .yaml/.yml is
 * always a topology (YAML has no magic to sniff). Without that name (standard
 * input, `t.txt`), YAML that is no table input is a topology when a line
 * opens with `name:`, the one key every topology has.
 */
import { InputError } from '../diagnostic.js';
import { SNIFF_PROBE_BYTES } from '../limits.js';
import { SniffCode, sniff, type InputKind } from './sniff.js';
import { decodeText } from './text-encoding.js';
import { plainRootKeys } from '../model/plain-json.js';

const TOPOLOGY_NAME_KEY = /^name[ \t]*:/m;

export type UserInput = { kind: 'topology'; text: string } | { kind: InputKind; data: Uint8Array | string };

export function classifyInput(path: string, bytes: Uint8Array): UserInput {
  // A topology written on Windows may be UTF-16, like the dumps sniff() reads.
  const text = () => decodeText(bytes);
  if (/\.ya?ml$/i.test(path)) return { kind: 'topology', text: text() };
  let sniffed;
  try {
    sniffed = sniff(bytes, path);
  } catch (e) {
    const unknown = e instanceof InputError && e.diagnostics[0]?.code === SniffCode.unknownKind;
    if (unknown && TOPOLOGY_NAME_KEY.test(decodeText(bytes.subarray(0, SNIFF_PROBE_BYTES)))) return { kind: 'topology', text: text() };
    throw e;
  }
  const { kind, text: sniffedText } = sniffed;
  if (kind === 'json' && looksLikeTopologyJson(sniffedText!)) return { kind: 'topology', text: sniffedText! };
  return { kind, data: sniffedText ?? bytes };
}

/** Decoded-table JSON is `{"tables": [...]}`, an array, or one table with a `signature`; a topology is neither. */
function looksLikeTopologyJson(text: string): boolean {
  // Plain JSON (every generated topology) is told by its root keys, read in one scan; anything else is parsed.
  const keys = plainRootKeys(text);
  if (keys) return !keys.includes('tables') && !keys.includes('signature');
  try {
    const v = JSON.parse(text) as unknown;
    return v !== null && typeof v === 'object' && !Array.isArray(v) && !('tables' in v) && !('signature' in v);
  } catch {
    return false;
  }
}
