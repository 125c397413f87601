/**
 * DMAR scopes against the topology (with --topology or a topology input):
 * does each PCI scope name a device, of the right kind, from a root bus?
 * DRHD scopes are followed by the DMAR resolver, whose map findings these
 * checks report; scopes of the other structures (RMRR, ATSR, SATC, SIDP) are
 * followed here with the same path walk.
 */
import { followScopePath, formatScopePath, pciScopeFor, startsAtRootBus } from '../../acpi/dmar/pci-scope.js';
import type { ResolvedTopology } from '../../model/resolved.js';
import { reporting } from '../check.js';
import type { TableContext } from '../context.js';
import { dmarCheck } from './define.js';
import { isPciScope, type PlacedScope } from './structures.js';

const NO_DEVICE = 'dmar-scope-no-device';
const TYPE_MISMATCH = 'dmar-scope-type-mismatch';

export const scopeNoDevice = dmarCheck({
  id: NO_DEVICE,
  severity: 'error',
  needs: { map: true, topology: true },
  description:
    'a PCI device scope (of any structure) whose path names no device of the topology: no root bus with its start ' +
    'bus number, or a hop with no device or through a device that is not a bridge',
  run: (dmar, ctx) => [
    ...mapFindings(ctx, NO_DEVICE),
    ...dmar.scopes
      .filter((p) => p.parent.s.type !== 'DRHD' && isPciScope(p.scope))
      .flatMap((p) => {
        const target = followScopePath(ctx.resolved!, p.segment, p.scope);
        if (!('problem' in target)) return [];
        return [{ path: p.path, message: `${String(p.parent.s.type)} scope ${formatScopePath(p.scope)} names no device in the topology: ${target.problem}` }];
      }),
  ],
});

export const scopeTypeMismatch = dmarCheck({
  id: TYPE_MISMATCH,
  severity: 'error',
  needs: { map: true, topology: true },
  description:
    'a DRHD scope of the wrong kind for its device: an endpoint scope naming a bridge, or a sub-hierarchy scope naming ' +
    'an endpoint (Linux refuses the scope and binds nothing through it)',
  run: (_dmar, ctx) => mapFindings(ctx, TYPE_MISMATCH),
});

/** What the DMAR resolver found following DRHD scopes through the topology, under the check's id. */
function mapFindings(ctx: TableContext, id: string) {
  return (ctx.map()?.findings ?? []).filter((d) => d.code === id).map((d) => reporting(d, id));
}

export const scopeStartBusNotRoot = dmarCheck({
  id: 'dmar-scope-start-bus-not-root',
  severity: 'warning',
  needs: { topology: true },
  description:
    'a one-hop PCI scope whose start bus is not a root bus but the device\'s own bus: it matches only through Linux\'s ' +
    'workaround for broken tables, and only while the OS keeps the firmware\'s bus numbers',
  run: (dmar, ctx) => dmar.scopes.filter((p) => isPciScope(p.scope)).flatMap((p) => startBusFinding(ctx.resolved!, p)),
});

function startBusFinding(resolved: ResolvedTopology, p: PlacedScope) {
  if (startsAtRootBus(resolved, p.segment, p.scope)) return [];
  const target = followScopePath(resolved, p.segment, p.scope);
  // A scope that names nothing at all is dmar-scope-no-device's.
  if ('problem' in target) return [];
  const f = target.function;
  const bus = p.scope.startBusNumber.toString(16).padStart(2, '0');
  return [{
    path: p.path,
    message:
      `scope ${formatScopePath(p.scope)} starts at bus ${bus}, which is not a root bus but the bus ${f.id} sits on under the ` +
      `${resolved.numbering} numbering; Linux matches it only by its workaround for broken tables, and loses it when the OS ` +
      `numbers buses differently. The path from the root bus is ${formatScopePath(pciScopeFor(f))}`,
  }];
}
