/**
 * What every part of the lspci reader shares: the codes of its diagnostics,
 * how a bad line becomes an InputError (source and 1-based line, never a
 * stack trace), and the slot (`[dddd:]bb:dd.f`) every lspci form starts with.
 */
import { InputError } from '../../diagnostic.js';

export const LspciCode = {
  /** A line lspci does not print, or prints otherwise (error; the first one is named). */
  badLine: 'lspci-bad-line',
  /** A hex dump line cut short, off its offset, or under no device line (error). */
  badDump: 'lspci-bad-dump',
  /** A tree line whose branch hangs under no open bus (error). */
  badTree: 'lspci-bad-tree',
  /** A line over MAX_LSPCI_LINE_CHARS, or a text over MAX_INPUT_BYTES (error). */
  tooLarge: 'lspci-too-large',
  /** No lspci output in the text at all (error). */
  noOutput: 'lspci-no-output',
} as const;

export type LspciCodeValue = (typeof LspciCode)[keyof typeof LspciCode];

/** Throws the one error of a text lspci did not print: the source, the line (absent: the whole text) and what was wrong. */
export function lspciError(source: string, line: number | undefined, code: LspciCodeValue, message: string): never {
  throw new InputError([{ severity: 'error', code, message, file: source, ...(line === undefined ? {} : { line, column: 1 }) }]);
}

export interface Slot {
  segment: number;
  bus: number;
  device: number;
  fn: number;
}

/**
 * `bb:dd.f` or `dddd:bb:dd.f` at the start of `text` (lspci prints the
 * domain when asked with -D or when any function is outside domain 0; VMD
 * domains have 5 digits). Returns the slot and its length, or undefined.
 */
export function readSlot(text: string): { slot: Slot; length: number } | undefined {
  const m = /^(?:([0-9a-fA-F]{4,8}):)?([0-9a-fA-F]{2}):([0-9a-fA-F]{2})\.([0-7])/.exec(text);
  if (!m) return undefined;
  const device = parseInt(m[3]!, 16);
  if (device > 0x1f) return undefined;
  return {
    slot: { segment: m[1] ? parseInt(m[1], 16) : 0, bus: parseInt(m[2]!, 16), device, fn: Number(m[4]) },
    length: m[0].length,
  };
}

/** `[vvvv:dddd]` closing a name (lspci -nn), or undefined. */
export function trailingIds(text: string): { vendorId: number; deviceId: number } | undefined {
  const m = /\[([0-9a-fA-F]{4}):([0-9a-fA-F]{4})\]\s*$/.exec(text);
  return m ? { vendorId: parseInt(m[1]!, 16), deviceId: parseInt(m[2]!, 16) } : undefined;
}
