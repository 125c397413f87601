/**
 * What makes two DMAR structures "the same one" in two tables (the diff
 * matches them by it, whatever their order and offsets), and what it calls
 * them: a unit by its register base, a reserved region by its range, a scope
 * by what it names.
 */
import type { Model } from '../../codec/index.js';
import { formatAddress } from '../../model/address.js';
import type { DmarDeviceScope, DmarDrhd } from './model.js';
import { formatScopePath } from './pci-scope.js';
import { vtdIdentity } from './resolve.js';
import { DmarScopeType } from './spec.js';

const segment = (m: Model) => (m['segmentNumber'] ? ` (segment ${String(m['segmentNumber'])})` : '');
const address = (v: unknown) => formatAddress(v as bigint);

function scopeName(m: Model): string {
  const s = m as DmarDeviceScope;
  switch (s.type) {
    case DmarScopeType.PCI_ENDPOINT:
      return `endpoint ${formatScopePath(s)}`;
    case DmarScopeType.PCI_SUB_HIERARCHY:
      return `sub-hierarchy ${formatScopePath(s)} and below`;
    case DmarScopeType.IOAPIC:
      return `I/O APIC ${s.enumerationId}`;
    case DmarScopeType.MSI_CAPABLE_HPET:
      return `HPET ${s.enumerationId}`;
    case DmarScopeType.ACPI_NAMESPACE_DEVICE:
      return `namespace device ${s.enumerationId}`;
    default:
      return `scope type ${s.type} ${formatScopePath(s)}`;
  }
}

/** By the declarations' typeNames. */
export const DMAR_IDENTITIES: Readonly<Record<string, (m: Model) => string>> = {
  DmarDrhd: (m) => `DRHD ${vtdIdentity(m as DmarDrhd)}${segment(m)}`,
  DmarRmrr: (m) => `RMRR ${address(m['baseAddress'])}-${address(m['limitAddress'])}${segment(m)}`,
  DmarAtsr: (m) => `ATSR segment ${String(m['segmentNumber'])}`,
  DmarRhsa: (m) => `RHSA ${address(m['registerBaseAddress'])}`,
  DmarAndd: (m) => `ANDD ${String(m['acpiDeviceNumber'])}`,
  DmarSatc: (m) => `SATC segment ${String(m['segmentNumber'])}`,
  DmarSidp: (m) => `SIDP segment ${String(m['segmentNumber'])}`,
  DmarDeviceScope: scopeName,
};
