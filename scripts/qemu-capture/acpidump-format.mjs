/**
 * Captured tables as files: acpidump's text form (what `ridmap decode` and
 * acpixtract read) and one SIG.dat per table, named as acpixtract names them
 * (a signature that occurs more than once is numbered: SSDT1.dat, SSDT2.dat).
 * Pure: tables in, names and text out.
 */

const BYTES_PER_LINE = 16;

/** @param {number} n @param {number} width */
const hex = (n, width) => n.toString(16).toUpperCase().padStart(width, '0');

/**
 * One table in ACPICA acpidump's layout: `SIG @ 0x<16 hex digits>`, then
 * `    OOOO: HH HH ...  ascii` lines (offset right-aligned in 8 columns, at
 * least 4 digits), then a blank line.
 * @param {{ signature: string, address: bigint, bytes: Uint8Array }} table
 */
export function acpidumpTable(table) {
  const name = table.signature === 'RSD PTR ' ? 'RSD PTR' : table.signature;
  const lines = [`${name} @ 0x${table.address.toString(16).toUpperCase().padStart(16, '0')}`];
  for (let at = 0; at < table.bytes.length; at += BYTES_PER_LINE) {
    const row = [...table.bytes.subarray(at, at + BYTES_PER_LINE)];
    const hexPart = row.map((b) => hex(b, 2)).join(' ').padEnd(BYTES_PER_LINE * 3 - 1);
    const ascii = row.map((b) => (b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '.')).join('');
    lines.push(`${hex(at, 4).padStart(8)}: ${hexPart}  ${ascii}`);
  }
  return lines.join('\n') + '\n\n';
}

/** @param {readonly { signature: string, address: bigint, bytes: Uint8Array }[]} tables */
export function acpidumpText(tables) {
  return tables.map(acpidumpTable).join('');
}

/**
 * File names for tables in order: SIG.dat, or SIGn.dat (n from 1) when the
 * signature repeats; the RSDP is RSDP.dat. Characters a file name cannot
 * carry become '_'.
 * @param {readonly { signature: string }[]} tables
 */
export function tableFileNames(tables) {
  const stem = (/** @type {string} */ s) => (s === 'RSD PTR ' ? 'RSDP' : s.replace(/[^A-Za-z0-9_]/g, '_'));
  /** @type {Map<string, number>} */
  const total = new Map();
  for (const t of tables) total.set(stem(t.signature), (total.get(stem(t.signature)) ?? 0) + 1);
  /** @type {Map<string, number>} */
  const seen = new Map();
  return tables.map((t) => {
    const s = stem(t.signature);
    const n = (seen.get(s) ?? 0) + 1;
    seen.set(s, n);
    return (total.get(s) ?? 0) > 1 ? `${s}${n}.dat` : `${s}.dat`;
  });
}
