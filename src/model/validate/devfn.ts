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

/** `dd.f` with any number of digits, or a bare device number (function 0). */
export function looseDevfn(value: string | number): DevfnParts | undefined {
  if (typeof value === 'number') return Number.isInteger(value) ? { device: value, fn: 0 } : undefined;
  const m = LOOSE_DEVFN.exec(value.trim());
  return m ? { device: parseInt(m[1]!, 16), fn: parseInt(m[2]!, 10) } : undefined;
}

export function devfnRangeProblem({ device, fn }: DevfnParts): string | undefined {
  if (device < 0 || device > MAX_DEVICE) {
    return `device ${device} (0x${device.toString(16)}) is out of range: a PCI bus has devices 0-31 (00-1f)`;
  }
  if (fn > MAX_FUNCTION) return `function ${fn} is out of range: a PCI device has functions 0-7`;
  return undefined;
}
