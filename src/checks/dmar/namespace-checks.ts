/**
 * ACPI namespace devices: an ANDD declares device number N with its ACPI
 * path, and a type-5 (ACPI namespace device) scope with Enumeration ID N in
 * a DRHD says which unit translates it. Each needs the other, once.
 */
import { DmarScopeType } from '../../acpi/dmar/spec.js';
import { dmarCheck } from './define.js';
import { repeats, shortPath, unmatched, type DmarView, type PlacedScope } from './structures.js';

/** Namespace scopes of DRHDs: the only ones Linux binds namespace devices through. */
function namespaceScopes(dmar: DmarView): PlacedScope[] {
  return dmar.scopes.filter((p) => p.parent.s.type === 'DRHD' && p.scope.type === DmarScopeType.ACPI_NAMESPACE_DEVICE);
}

export const anddNoScope = dmarCheck({
  id: 'dmar-andd-no-scope',
  severity: 'error',
  description: 'an ANDD device number that no DRHD names with an ACPI namespace device scope: no unit translates the device',
  run: (dmar) =>
    unmatched(dmar.of('ANDD'), namespaceScopes(dmar), (a) => a.s.acpiDeviceNumber, (p) => p.scope.enumerationId).map((a) => ({
      path: a.path,
      message:
        `ANDD declares ${a.s.acpiObjectName} as device number ${a.s.acpiDeviceNumber}, but no DRHD has an ACPI namespace ` +
        `device scope with Enumeration ID ${a.s.acpiDeviceNumber}, so no unit translates it`,
    })),
});

export const namespaceScopeNoAndd = dmarCheck({
  id: 'dmar-namespace-scope-no-andd',
  severity: 'error',
  description: 'an ACPI namespace device scope whose Enumeration ID no ANDD declares: the scope names no device',
  run: (dmar) =>
    unmatched(namespaceScopes(dmar), dmar.of('ANDD'), (p) => p.scope.enumerationId, (a) => a.s.acpiDeviceNumber).map((p) => ({
      path: p.path,
      message: `ACPI namespace device scope ${p.scope.enumerationId} names no device: no ANDD declares device number ${p.scope.enumerationId}`,
    })),
});

export const namespaceScopeDuplicate = dmarCheck({
  id: 'dmar-namespace-scope-duplicate',
  severity: 'error',
  description: 'two ACPI namespace device scopes with one Enumeration ID: one device bound to two places',
  run: (dmar) =>
    repeats(namespaceScopes(dmar), (p) => p.scope.enumerationId).map(({ item, first }) => ({
      path: item.path,
      message:
        `ACPI namespace device ${item.scope.enumerationId} is named again (first at ${shortPath(first.path)}); ` +
        'a device has one source-id and one unit',
    })),
});
