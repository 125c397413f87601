/**
 * `--signature DMAR,IORT`: the ACPI tables a command looks at, by signature.
 * Signatures are matched without regard to case (`dmar` is DMAR), as a user
 * types them; every table the ACPI specification and the firmware of the
 * corpus define is upper case anyway. A Device Tree has no signature and is
 * never filtered out: `--signature` narrows the ACPI tables beside it.
 */
import type { Diagnostic } from '../diagnostic.js';

/** TableSubject.format of a Device Tree (subject.ts). */
const DEVICE_TREE = 'DT';

/** Four characters of the set ACPI signatures use (upper-case letters, digits, `_`, `!`), as given. */
const SIGNATURE = /^[A-Za-z0-9_!]{4}$/;

/** The signatures of one `--signature` value, upper case; throws Error naming a word that cannot be one. */
export function parseSignatures(value: string): string[] {
  const words = value.split(',').map((s) => s.trim());
  const bad = words.filter((w) => !SIGNATURE.test(w));
  if (bad.length > 0) {
    const shown = bad.map((w) => JSON.stringify(w)).join(', ');
    throw new Error(`${shown} ${bad.length > 1 ? 'are not ACPI signatures' : 'is not an ACPI signature'}: four letters, digits or _ each (DMAR, IORT, APIC, ...), comma-separated`);
  }
  return words.map((w) => w.toUpperCase());
}

/** The subjects of those signatures, and every Device Tree; all when `signatures` is undefined. */
export function keepSignatures<T extends { format: string }>(tables: readonly T[], signatures: readonly string[] | undefined): T[] {
  if (signatures === undefined) return [...tables];
  const wanted = new Set(signatures);
  return tables.filter((t) => t.format === DEVICE_TREE || wanted.has(t.format.toUpperCase()));
}

/** A note per asked-for signature no input holds: a typo must not look like an empty answer. */
export function signaturesNotFound(tables: readonly { format: string }[], signatures: readonly string[] | undefined): Diagnostic[] {
  if (signatures === undefined) return [];
  const present = new Set(tables.map((t) => t.format.toUpperCase()));
  return [...new Set(signatures)].filter((s) => !present.has(s)).map((s) => ({
    severity: 'warning' as const,
    code: 'signature-not-found',
    message: `--signature ${s}: no input holds a table with signature ${s}`,
  }));
}

/** Each input with only the tables `--signature` names (and its trees); the inputs as they are without one. */
export function selectTables<T extends { tables: readonly { format: string }[] }>(inputs: readonly T[], signatures: readonly string[] | undefined): T[] {
  return signatures === undefined ? [...inputs] : inputs.map((i) => ({ ...i, tables: keepSignatures(i.tables, signatures) }));
}
