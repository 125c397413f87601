/**
 * The MADT Linux reads beside a table under check: the first APIC table of
 * the same input (an acpidump), else the only APIC table among all inputs
 * (IVRS.dat or IORT.dat given with APIC.dat). With none, or several from
 * other inputs, there is nothing to compare and the checks that need it
 * find nothing.
 */
import type { MadtSubject, MadtTable } from '../acpi/madt/model.js';
import type { TableContext } from './context.js';

export function madtOf(ctx: TableContext): MadtSubject | undefined {
  const madts = ctx.session.readTables().read.filter((t) => t.format === 'APIC' && t.modelled);
  const t = madts.find((m) => m.file === ctx.table.file) ?? (madts.length === 1 ? madts[0] : undefined);
  return t && { model: t.model as unknown as MadtTable, name: t.name, file: t.file };
}
