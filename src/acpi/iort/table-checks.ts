/**
 * What decode says about an IORT beyond its structures: a table revision
 * with known issues, and bytes that went through a text conversion.
 */
import type { Diagnostic } from '../../diagnostic.js';
import { peekRevision, REVISION_OFFSET } from '../header.js';
import { IortCode } from './codes.js';

const UNSUPPORTED_REVISIONS: Record<number, string> = { 1: 'E', 2: 'E.a', 4: 'E.c' };
/** Replacement sequences that, with a failed header check, mean a mangled table rather than chance. */
const MANGLED_MIN = 3;

export function iortDecodeChecks(bytes: Uint8Array, path: string, headerDiagnostics: readonly Diagnostic[]): Diagnostic[] {
  const out: Diagnostic[] = [];
  if (headerDiagnostics.length) {
    const mangled = textMangled(bytes, path);
    if (mangled) out.push(mangled);
  }
  // The header's Revision byte, which decode reads whenever the bytes reach it (a table is decoded to at least 36 bytes, or all it has).
  const revision = peekRevision(bytes);
  const issue = revision === undefined ? undefined : UNSUPPORTED_REVISIONS[revision];
  if (issue) {
    out.push({ severity: 'warning', code: IortCode.unsupportedRevision, path, offset: REVISION_OFFSET,
      message: `table revision ${revision as number} (issue ${issue}) has known issues and is supported by neither ACPICA nor Linux; decoded with the E.b+ layout` });
  }
  return out;
}

/**
 * A table saved as text and back loses every byte ≥ 0x80 to EF BF BD, the
 * UTF-8 replacement character; its header then fails its checks. Say so,
 * since no field can be trusted.
 */
function textMangled(bytes: Uint8Array, path: string): Diagnostic | undefined {
  let count = 0;
  for (let i = 0; i + 2 < bytes.length; i++) {
    if (bytes[i] === 0xef && bytes[i + 1] === 0xbf && bytes[i + 2] === 0xbd) count++;
  }
  if (count < MANGLED_MIN) return undefined;
  return { severity: 'error', code: IortCode.textMangled, path, offset: bytes.indexOf(0xef),
    message: `the bytes hold ${count} UTF-8 replacement sequences (EF BF BD): the table went through a text conversion that replaced every byte ≥ 0x80, so its fields cannot be trusted; get the table again as binary` };
}
