/**
 * What makes two structures "the same one" in two tables, so that the diff
 * matches them whatever their order and offsets: each table's row in the
 * registry (acpi/registry.ts) names its structures by their declaration's
 * typeName (acpi/<table>/identity.ts). The key is also the structure's name
 * in diff output, so it reads like what a firmware engineer calls it:
 * `DRHD vtd@0xfed90000`, `RMRR 0x7b800000-0x7b81ffff`, `sub-hierarchy
 * 00:1c.0 and below`, `IDs 0x0-0x7ffe → SMMUv3 smmuv3@0x9050000 [0x0]`.
 *
 * Fields that are part of the key cannot show as changed: a DRHD that moves
 * to another base address is another unit (removed + added). Kinds without an
 * identity are matched by position among their kind.
 */
import { modelledTables } from '../acpi/registry.js';
import type { Model } from '../codec/index.js';

const IDENTITIES = new Map(modelledTables().flatMap((row) => Object.entries(row.identities ?? {})));

/** Kinds whose identities name no reference get this: a reference has no name to give. */
const noReferences = (key: string): string => `(${key})`;

/**
 * The identity of a structure, or undefined when its kind has none (match by
 * position). `ref` names the structure a reference field points at.
 */
export function identityOf(typeName: string, m: Model, ref: (key: string) => string = noReferences): string | undefined {
  return IDENTITIES.get(typeName)?.(m, ref);
}

export function hasIdentity(typeName: string): boolean {
  return IDENTITIES.has(typeName);
}
