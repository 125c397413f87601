/**
 * QEMU's option-value syntax (QemuOpts): `first,key=value,key2=value2`,
 * where `,,` is a literal comma, the first item may omit its key (the
 * option's implied key: the driver of -device, the type of -machine), and a
 * bare `key` means key=on (`nokey`, key=off). -device also takes a JSON
 * object. Later settings of a key win, as QEMU applies them in order.
 */
import { devfn } from '../../model/rid.js';

export interface OptsValue {
  /** Values by key, the implied key included under its name. */
  props: Map<string, string>;
}

export class OptsSyntaxError extends Error {}

/** Splits on single commas; `,,` stays a comma inside the item. */
function splitItems(text: string): string[] {
  const items: string[] = [];
  let current = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c !== ',') {
      current += c;
    } else if (text[i + 1] === ',') {
      current += ',';
      i++;
    } else {
      items.push(current);
      current = '';
    }
  }
  items.push(current);
  return items;
}

export function parseOpts(text: string, impliedKey?: string): OptsValue {
  if (impliedKey === 'driver' && text.trimStart().startsWith('{')) return parseJsonDevice(text);
  const props = new Map<string, string>();
  splitItems(text).forEach((item, i) => {
    if (item === '') return;
    const eq = item.indexOf('=');
    if (eq >= 0) props.set(item.slice(0, eq), item.slice(eq + 1));
    else if (i === 0 && impliedKey) props.set(impliedKey, item);
    else if (item.startsWith('no') && item.length > 2) props.set(item.slice(2), 'off');
    else props.set(item, 'on');
  });
  return { props };
}

/**
 * -device '{"driver": "e1000", "addr": 24}': values become their QemuOpts
 * text; an integer addr is a devfn (QEMU reads it so), given as "dd.f".
 */
function parseJsonDevice(text: string): OptsValue {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new OptsSyntaxError(`not valid JSON: ${(e as Error).message}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new OptsSyntaxError('a JSON -device must be an object');
  const props = new Map<string, string>();
  for (const [key, v] of Object.entries(value)) {
    if (key === 'addr' && typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= 0xff) {
      props.set(key, `${(v >> 3).toString(16)}.${v & 7}`);
    } else if (typeof v === 'string' || typeof v === 'number') {
      props.set(key, String(v));
    } else if (typeof v === 'boolean') {
      props.set(key, v ? 'on' : 'off');
    } else {
      throw new OptsSyntaxError(`JSON property ${key} must be a string, number or boolean`);
    }
  }
  return { props };
}

const TRUE = new Set(['on', 'yes', 'true', 'y']);
const FALSE = new Set(['off', 'no', 'false', 'n']);

/** QEMU's boolean words. */
export function parseBool(text: string): boolean {
  if (TRUE.has(text)) return true;
  if (FALSE.has(text)) return false;
  throw new OptsSyntaxError(`"${text}" is not on/off (yes/no, true/false)`);
}

/** An unsigned integer as QEMU reads it: 0x hex, a leading 0 octal, else decimal. */
export function parseUint(text: string, max: number): number {
  const t = text.trim();
  let n: number;
  if (/^0[xX][0-9a-fA-F]+$/.test(t)) n = parseInt(t.slice(2), 16);
  else if (/^0[0-7]+$/.test(t)) n = parseInt(t, 8);
  else if (/^(0|[1-9][0-9]*)$/.test(t)) n = parseInt(t, 10);
  else throw new OptsSyntaxError(`"${text}" is not an unsigned integer`);
  if (n > max) throw new OptsSyntaxError(`${text} is above the maximum ${max}`);
  return n;
}

/**
 * A PCI `addr=` as QEMU's devaddr property reads it: `slot` or `slot.fn`,
 * each hex with an optional 0x (`3`, `03.1`, `0x3.0x1`); slot ≤ 0x1f, fn ≤ 7.
 */
export function parsePciAddr(text: string): number {
  const m = /^\s*(?:0[xX])?([0-9a-fA-F]+)(?:\.(?:0[xX])?([0-9a-fA-F]+))?$/.exec(text);
  const slot = m ? parseInt(m[1]!, 16) : NaN;
  const fn = m?.[2] !== undefined ? parseInt(m[2], 16) : 0;
  if (!m || slot > 0x1f || fn > 7) {
    throw new OptsSyntaxError(`"${text}" is not a PCI address (slot or slot.function in hex, slot at most 1f, function at most 7)`);
  }
  return devfn(slot, fn);
}
