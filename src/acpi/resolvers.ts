/**
 * Table → translation map, by signature: the ACPI tables that say which IOMMU
 * translates what (every IOMMU table ACPI defines today: DMAR, IVRS, IORT,
 * VIOT, RIMT); other tables have no resolver and contribute nothing.
 */
import type { Model } from '../codec/index.js';
import type { Diagnostic } from '../diagnostic.js';
import { modelledTables, type TableDef, type TableResolver } from './registry.js';

export type { TableResolver } from './registry.js';

/** The registry's resolvers, by signature. */
const RESOLVERS: Record<string, TableResolver> = Object.fromEntries(
  modelledTables().flatMap((row) => (row.resolve ? [[row.signature, row.resolve] as const] : [])),
);
const FINDINGS: Record<string, NonNullable<TableDef['findings']>> = Object.fromEntries(
  modelledTables().flatMap((row) => (row.findings ? [[row.signature, row.findings] as const] : [])),
);

export function tableResolver(signature: string): TableResolver | undefined {
  const sig = signature.trimEnd();
  // Own keys only: a signature such as `__proto__` must not find Object.prototype.
  return Object.hasOwn(RESOLVERS, sig) ? RESOLVERS[sig] : undefined;
}

/**
 * What a table's resolver finds about the table itself, without the map:
 * for `decode`. Where walking every ID costs (IORT), a cheaper function
 * gives the same findings about the table (not the MSI walks' ones).
 * `codes`: the caller needs only findings with these codes (others may come too).
 */
export function tableFindings(signature: string, model: Model, codes?: ReadonlySet<string>): Diagnostic[] {
  const sig = signature.trimEnd();
  if (Object.hasOwn(FINDINGS, sig)) return FINDINGS[sig]!(model, codes);
  return tableResolver(sig)?.(model).findings ?? [];
}

export function resolvableSignatures(): string[] {
  return Object.keys(RESOLVERS);
}
