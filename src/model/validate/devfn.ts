/**
 * Device and function numbers as the user wrote them, before range checks.
 *
 * rid.ts's parseDevfn refuses device > 31 outright; here the numbers are
 * needed to say *which* limit was crossed ("3f.0": device 63; "3.8": function 8).
 */
import { MAX_DEVICE, MAX_FUNCTION } from '../rid.js';

export interface DevfnParts {
  device: number;
  fn: number;
}

const LOOSE_DEVFN = /^([0-9a-fA-F]+)\.([0-9]+)$/;

/** Texts already read (a tree spells its few devfns over and over), short ones only and bounded; the parts are shared, so frozen. */
const readTexts = new Map<string, Readonly<DevfnParts> | undefined>();
const MAX_READ_TEXTS = 4096;
const MAX_READ_TEXT_CHARS = 16;

/** `dd.f` with any number of digits, or a bare device number (function 0). */
export function looseDevfn(value: string | number): Readonly<DevfnParts> | undefined {
  if (typeof value === 'number') return Number.isInteger(value) ? { device: value, fn: 0 } : undefined;
  if (readTexts.has(value)) return readTexts.get(value);
  const m = LOOSE_DEVFN.exec(value.trim());
  const parts = m ? Object.freeze({ device: parseInt(m[1]!, 16), fn: parseInt(m[2]!, 10) }) : undefined;
  if (readTexts.size < MAX_READ_TEXTS && value.length <= MAX_READ_TEXT_CHARS) readTexts.set(value, parts);
  return parts;
}

export function devfnRangeProblem({ device, fn }: DevfnParts): string | undefined {
  if (device < 0 || device > MAX_DEVICE) {
    return `device ${device} (0x${device.toString(16)}) is out of range: a PCI bus has devices 0-31 (00-1f)`;
  }
  if (fn > MAX_FUNCTION) return `function ${fn} is out of range: a PCI device has functions 0-7`;
  return undefined;
}
