/**
 * Diagnostics: the one record every decoder, validator and check returns.
 *
 * A diagnostic never throws past a library boundary; callers decide what an
 * error-severity diagnostic means (exit 2 for unreadable input, exit 1 for a
 * check finding). The printed form is `file:where: severity [code]: message`,
 * where `where` is a YAML `line:col:path`, or a structure path with its byte
 * offset (`DMAR/DRHD[0]/DeviceScope[1]@0x4c`).
 */
export type Severity = 'error' | 'warning' | 'info';

export interface Diagnostic {
  severity: Severity;
  /** Stable kebab-case id; tests and users filter on it. */
  code: string;
  message: string;
  /** Input file name as the user gave it. */
  file?: string;
  /** Structure path inside the input (`hostBridges[0].children[2].addr`, `DMAR/DRHD[1]`). */
  path?: string;
  /** Byte offset inside a binary input. */
  offset?: number;
  /** 1-based line and column inside a text input. */
  line?: number;
  column?: number;
  /** Set on a summary that stands for this many diagnostics of its code left out (limits.ts, MAX_REPEATED_DIAGNOSTICS). */
  omitted?: number;
}

export function formatLocation(d: Diagnostic): string {
  const parts: string[] = [];
  if (d.file) parts.push(d.file);
  if (d.line !== undefined) parts.push(`${d.line}:${d.column ?? 1}`);
  let where = d.path ?? '';
  if (d.offset !== undefined) where += `@0x${d.offset.toString(16)}`;
  if (where) parts.push(where);
  return parts.join(':');
}

export function formatDiagnostic(d: Diagnostic): string {
  const loc = formatLocation(d);
  return `${loc ? loc + ': ' : ''}${d.severity} [${d.code}]: ${d.message}`;
}

export function hasErrors(ds: readonly Diagnostic[]): boolean {
  return ds.some((d) => d.severity === 'error');
}

/** Adds a file name to diagnostics produced by pure code that never saw one. */
export function inFile(file: string, ds: readonly Diagnostic[]): Diagnostic[] {
  return ds.map((d) => (d.file ? d : { ...d, file }));
}

/**
 * Thrown only for input the library cannot read at all (unparsable YAML,
 * schema violations, an unknown file kind). It carries every problem found so
 * that the CLI prints them all and exits 2; it is never a crash.
 */
export class InputError extends Error {
  readonly diagnostics: Diagnostic[];
  constructor(diagnostics: Diagnostic[]) {
    super(diagnostics.map(formatDiagnostic).join('\n'));
    this.name = 'InputError';
    this.diagnostics = diagnostics;
  }
}
