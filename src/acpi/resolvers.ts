/**
 * Table → translation map, by signature: the ACPI tables that say which IOMMU
 * translates what. Other tables have no resolver and contribute nothing.
 */
import type { Model } from '../codec/index.js';
import type { ResolvedTopology } from '../model/resolved.js';
import type { TranslationMap } from '../model/translation-map.js';
import type { DmarTable } from './dmar/model.js';
import { resolveDmar } from './dmar/resolve.js';
import { resolveViotWire } from './viot/resolve.js';

export type TableResolver = (model: Model, resolved?: ResolvedTopology) => TranslationMap;

const RESOLVERS: Record<string, TableResolver> = {
  DMAR: (model, resolved) => resolveDmar(model as unknown as DmarTable, resolved),
  VIOT: (model, resolved) => resolveViotWire(model, resolved),
};

export function tableResolver(signature: string): TableResolver | undefined {
  return RESOLVERS[signature.trimEnd()];
}

export function resolvableSignatures(): string[] {
  return Object.keys(RESOLVERS);
}
