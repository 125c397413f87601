/**
 * Table → translation map, by signature: the ACPI tables that say which IOMMU
 * translates what. Other tables have no resolver and contribute nothing.
 */
import type { Model } from '../codec/index.js';
import type { ResolvedTopology } from '../model/resolved.js';
import type { TranslationMap } from '../model/translation-map.js';
import type { DmarTable } from './dmar/model.js';
import { resolveDmar } from './dmar/resolve.js';
import { iortFromTableModel } from './iort/codec.js';
import { resolveIort } from './iort/resolve.js';
import { resolveViotWire } from './viot/resolve.js';

export type TableResolver = (model: Model, resolved?: ResolvedTopology) => TranslationMap;

const RESOLVERS: Record<string, TableResolver> = {
  DMAR: (model, resolved) => resolveDmar(model as unknown as DmarTable, resolved),
  IORT: (model, resolved) => resolveIort(iortFromTableModel(model).table, resolved),
  VIOT: (model, resolved) => resolveViotWire(model, resolved),
};

export function tableResolver(signature: string): TableResolver | undefined {
  const sig = signature.trimEnd();
  // Own keys only: a signature such as `__proto__` must not find Object.prototype.
  return Object.hasOwn(RESOLVERS, sig) ? RESOLVERS[sig] : undefined;
}

export function resolvableSignatures(): string[] {
  return Object.keys(RESOLVERS);
}
