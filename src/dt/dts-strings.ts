/**
 * DTS string and character escapes, both ways, as dtc reads and writes them:
 * `\a \b \t \n \v \f \r`, `\xHH` (one or two hex digits), `\NNN` (one to
 * three octal digits), and any other escaped character stands for itself.
 * Strings are byte strings (byte-string.ts).
 */

const NAMED_ESCAPES: Record<string, number> = { a: 7, b: 8, t: 9, n: 10, v: 11, f: 12, r: 13 };
const ESCAPE_OF_BYTE = new Map<number, string>([
  ...Object.entries(NAMED_ESCAPES).map(([k, v]) => [v, `\\${k}`] as [number, string]),
  [0x5c, '\\\\'],
  [0x22, '\\"'],
  [0, '\\0'],
]);

export function isPrintable(byte: number): boolean {
  return byte >= 0x20 && byte <= 0x7e;
}

/** Decodes the escapes of a string or char literal body (already a byte string). */
export function unescapeDts(body: string): string {
  // Most strings have no escape: returned as they are, not rebuilt char by char (a chain of string pieces per value).
  if (!body.includes('\\')) return body;
  let out = '';
  for (let i = 0; i < body.length; i++) {
    const c = body[i]!;
    if (c !== '\\' || i + 1 >= body.length) {
      out += c;
      continue;
    }
    const next = body[++i]!;
    const hex = next === 'x' ? /^[0-9a-fA-F]{1,2}/.exec(body.slice(i + 1)) : null;
    const octal = /^[0-7]{1,3}/.exec(body.slice(i));
    if (hex) {
      out += String.fromCharCode(parseInt(hex[0], 16));
      i += hex[0].length;
    } else if (octal) {
      out += String.fromCharCode(parseInt(octal[0], 8) & 0xff);
      i += octal[0].length - 1;
    } else {
      out += NAMED_ESCAPES[next] !== undefined ? String.fromCharCode(NAMED_ESCAPES[next]) : next;
    }
  }
  return out;
}

/** A byte string as a DTS string literal, escaped the way dtc prints it. */
export function quoteDts(value: string): string {
  // Most strings need no escape at all.
  if (/^[\x20\x21\x23-\x5b\x5d-\x7e]*$/.test(value)) return `"${value}"`;
  const parts: string[] = ['"'];
  for (let i = 0; i < value.length; i++) {
    const b = value.charCodeAt(i);
    parts.push(ESCAPE_OF_BYTE.get(b) ?? (isPrintable(b) ? value[i]! : `\\x${b.toString(16).padStart(2, '0')}`));
  }
  parts.push('"');
  return parts.join('');
}
