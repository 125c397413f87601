/**
 * Which reader a user's file goes to: a topology (YAML, or JSON shaped like
 * one) or a table input (anything sniff() recognises: raw ACPI, acpidump,
 * .dsl, decoded JSON, DTB, DTS). Content decides, except that .yaml/.yml is
 * always a topology (YAML has no magic to sniff).
 */
import { sniff, type InputKind } from './sniff.js';
import { decodeText } from './text-encoding.js';

export type UserInput = { kind: 'topology'; text: string } | { kind: InputKind; data: Uint8Array | string };

export function classifyInput(path: string, bytes: Uint8Array): UserInput {
  // A topology written on Windows may be UTF-16, like the dumps sniff() reads.
  const text = () => decodeText(bytes);
  if (/\.ya?ml$/i.test(path)) return { kind: 'topology', text: text() };
  const { kind, text: sniffedText } = sniff(bytes, path);
  if (kind === 'json' && looksLikeTopologyJson(sniffedText!)) return { kind: 'topology', text: sniffedText! };
  return { kind, data: sniffedText ?? bytes };
}

/** Decoded-table JSON is `{"tables": [...]}`, an array, or one table with a `signature`; a topology is neither. */
function looksLikeTopologyJson(text: string): boolean {
  try {
    const v = JSON.parse(text) as unknown;
    return v !== null && typeof v === 'object' && !Array.isArray(v) && !('tables' in v) && !('signature' in v);
  } catch {
    return false;
  }
}
