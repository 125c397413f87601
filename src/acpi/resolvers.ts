/**
 * Table → translation map, by signature: the ACPI tables that say which IOMMU
 * translates what. Such tables that ridmap does not model yet map to nothing
 * and say so; other tables have no resolver and contribute nothing.
 */
import type { Model } from '../codec/index.js';
import type { Diagnostic } from '../diagnostic.js';
import { modelledTables, type TableResolver } from './registry.js';

export type { TableResolver } from './registry.js';

/** The registry's resolvers, by signature. */
const RESOLVERS: Record<string, TableResolver> = Object.fromEntries(
  modelledTables().flatMap((row) => (row.resolve ? [[row.signature, row.resolve] as const] : [])),
);
const FINDINGS: Record<string, (model: Model) => Diagnostic[]> = Object.fromEntries(
  modelledTables().flatMap((row) => (row.findings ? [[row.signature, row.findings] as const] : [])),
);

/**
 * Tables that say which IOMMU translates what, but that this version does not
 * model: their map is empty and says why (a gap), so that a dump of an AMD
 * machine never reads as "nothing is translated".
 */
const NOT_MODELLED: Record<string, string> = {
  // None now: IVRS and RIMT have their resolvers. A new IOMMU table's line goes here until its resolver lands.
};

function notModelled(signature: string, what: string): TableResolver {
  return () => ({
    translations: [],
    mmio: [],
    findings: [],
    gaps: [{
      table: signature,
      missing: `the ${signature} table (${what}) is not modelled`,
      message: `${what} table present but not modelled by this version: the map does not include it`,
    }],
  });
}

export function tableResolver(signature: string): TableResolver | undefined {
  const sig = signature.trimEnd();
  // Own keys only: a signature such as `__proto__` must not find Object.prototype.
  if (Object.hasOwn(RESOLVERS, sig)) return RESOLVERS[sig];
  return Object.hasOwn(NOT_MODELLED, sig) ? notModelled(sig, NOT_MODELLED[sig]!) : undefined;
}

/**
 * What a table's resolver finds about the table itself, without the map:
 * for `decode`. Where walking every ID costs (IORT), a cheaper function
 * gives the same findings about the table (not the MSI walks' ones).
 */
export function tableFindings(signature: string, model: Model): Diagnostic[] {
  const sig = signature.trimEnd();
  if (Object.hasOwn(FINDINGS, sig)) return FINDINGS[sig]!(model);
  return tableResolver(sig)?.(model).findings ?? [];
}

export function resolvableSignatures(): string[] {
  return Object.keys(RESOLVERS);
}
