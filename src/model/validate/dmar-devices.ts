/**
 * I/O APICs, HPETs and ACPI namespace devices: the DMAR device scopes that
 * are not PCI functions. Linux keys them by enumeration ID (I/O APIC ID,
 * HPET number, ANDD device number), so each must be unique in its kind, and
 * their source-id must be a real bus:device.function.
 */
import type { Diagnostic } from '../../diagnostic.js';
import { childPath } from '../doc-path.js';
import { devfnRangeProblem, looseDevfn } from './devfn.js';
import { finding } from './finding.js';
import { listed, type TopologyIndex } from './topology-index.js';

interface ScopeDevice {
  item: { id: string; sourceId: string };
  path: string;
  enumerationId: number;
  enumerationKey: string;
}

export function checkDmarDevices(ix: TopologyIndex): Diagnostic[] {
  const t = ix.topology;
  const kinds: ScopeDevice[][] = [
    listed(t.ioapics, 'ioapics').map((x) => ({ ...x, enumerationId: x.item.ioapicId, enumerationKey: 'ioapicId' })),
    listed(t.hpets, 'hpets').map((x) => ({ ...x, enumerationId: x.item.number, enumerationKey: 'number' })),
    listed(t.acpiDevices, 'acpiDevices').map((x) => ({ ...x, enumerationId: x.item.number, enumerationKey: 'number' })),
  ];
  return kinds.flatMap((devices) => [...devices.flatMap(sourceIdDevfn), ...duplicateEnumerationIds(devices)]);
}

/** The schema admits two hex digits of device; a bus has 32 devices. */
function sourceIdDevfn({ item, path }: ScopeDevice): Diagnostic[] {
  const parts = looseDevfn(item.sourceId.slice(item.sourceId.lastIndexOf(':') + 1));
  const problem = parts ? devfnRangeProblem(parts) : 'unreadable device.function';
  return problem ? [finding('bad-devfn', childPath(path, 'sourceId'), problem)] : [];
}

function duplicateEnumerationIds(devices: ScopeDevice[]): Diagnostic[] {
  const seen = new Map<number, ScopeDevice>();
  return devices.flatMap((d) => {
    const first = seen.get(d.enumerationId);
    if (!first) {
      seen.set(d.enumerationId, d);
      return [];
    }
    const message = `${d.enumerationKey} ${d.enumerationId} is already used by "${first.item.id}" (${first.path}); the DMAR scope's enumeration ID must be unique`;
    return [finding('duplicate-enumeration-id', childPath(d.path, d.enumerationKey), message)];
  });
}
