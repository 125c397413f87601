/**
 * IORT ITS groups against the MADT's GIC ITS structures, as Linux pairs them
 * (drivers/acpi/arm64/iort.c, drivers/irqchip/irq-gic-v3-its.c): the ITS
 * driver registers each MADT GIC ITS by its Translation ID
 * (iort_register_domain_token), and a device whose ID mappings end at an
 * ITS group gets the MSI domain of the group's FIRST identifier
 * (iort_dev_find_its_id with index 0, then iort_find_domain_token). A first
 * identifier no MADT ITS has: those devices get no MSI domain (no MSI/MSI-X;
 * drivers fall back to INTx or fail). Later identifiers Linux never reads,
 * but a missing one still says the two tables disagree.
 */
import { structureTree } from '../../codec/index.js';
import type { Diagnostic } from '../../diagnostic.js';
import type { MadtSubject } from '../madt/model.js';
import { IortCode } from './codes.js';
import { iortSpec } from './spec.js';
import type { IortItsGroup, IortTable } from './model.js';

/** Bytes before an ITS group's first identifier: the 16-byte node header and ITS Count. */
const FIRST_IDENTIFIER = 20;

export function madtItsFindings(iort: IortTable, madt: MadtSubject): Diagnostic[] {
  const translationIds = new Set<number>();
  for (const s of madt.model.structures ?? []) if (s.type === 'GicIts') translationIds.add(s.translationId);
  const nodes = structureTree(iortSpec(), iort as never, 'IORT').items?.nodes ?? [];
  const out: Diagnostic[] = [];
  for (const node of nodes) {
    const group = node.model as unknown as IortItsGroup;
    if (group.type !== 'ItsGroup' || !Array.isArray(group.itsIdentifiers)) continue;
    group.itsIdentifiers.forEach((id, i) => {
      if (translationIds.has(id)) return;
      const known = translationIds.size ? [...translationIds].sort((a, b) => a - b).join(', ') : 'none';
      const effect = i === 0
        ? 'Linux takes a group\'s first identifier as the ITS of every device mapped to it, finds no ITS registered under it, ' +
          'and gives those devices no MSI domain (no MSI/MSI-X)'
        : `Linux reads only a group's first identifier, so this one (index ${i}) is never used; the two tables still disagree`;
      out.push({
        severity: 'warning',
        code: IortCode.itsNotInMadt,
        path: node.path,
        offset: node.offset + FIRST_IDENTIFIER + 4 * i,
        message: `ITS identifier ${id} of this ITS group is the Translation ID of no GIC ITS structure in ${madt.name} ` +
          `(${madt.file}; its GIC ITS IDs: ${known}): ${effect}`,
      });
    });
  }
  return out;
}
