/**
 * Bus-numbering policies: the ways bus numbers get assigned to the same
 * topology. Tables with live RIDs (VIOT, IORT, DT maps) are only right under
 * the numbering they were built for, DMAR scope paths under every numbering;
 * having several named policies is how that difference is made visible and
 * tested (renumbering invariance).
 *
 * All policies share one walk (numbering.ts); a policy is just the two knobs
 * below, so adding one is adding a row.
 */
import { InputError } from '../diagnostic.js';

export interface NumberingPolicy {
  name: string;
  description: string;
  /** Honour `reserveBuses` (the hot-plug reservation). */
  reservations: boolean;
  /** Simulate one bridge hot-added under the first reserving port (see hotplug-shift). */
  hotAdd: boolean;
  /** Keep the secondaryBus/subordinateBus a bridge states (what the firmware of a real machine programmed). */
  fixedBuses: boolean;
}

export const DEFAULT_NUMBERING = 'firmware';

export const NUMBERING_POLICIES: readonly NumberingPolicy[] = [
  {
    name: 'firmware',
    description:
      'What SeaBIOS/edk2 do: per host bridge from its fixed root bus, depth-first in devfn order, ' +
      'secondary = next free bus, subordinate = max(highest bus below, secondary + reserveBuses); ' +
      'a bridge that states secondaryBus/subordinateBus (a real machine\'s) keeps them.',
    reservations: true,
    hotAdd: false,
    fixedBuses: true,
  },
  {
    name: 'compact',
    description:
      'An OS re-enumeration (Linux pci=assign-busses): the same walk, hot-plug reservations and stated bus numbers ignored.',
    reservations: false,
    hotAdd: false,
    fixedBuses: false,
  },
  {
    name: 'hotplug-shift',
    description:
      'As firmware, after a bridge was hot-added under the first port with a hot-plug reservation ' +
      '(else the first bridge): that port takes one more bus right after its secondary and every bus ' +
      'numbered after it moves up by one.',
    reservations: true,
    hotAdd: true,
    fixedBuses: true,
  },
];

export function numberingPolicyNames(): string[] {
  return NUMBERING_POLICIES.map((p) => p.name);
}

/** The policy called `name`; an unknown name is an input error listing the valid ones. */
export function findNumberingPolicy(name: string): NumberingPolicy {
  const policy = NUMBERING_POLICIES.find((p) => p.name === name);
  if (policy) return policy;
  throw new InputError([
    {
      severity: 'error',
      code: 'unknown-numbering',
      message: `unknown numbering policy "${name}"; valid policies: ${numberingPolicyNames().join(', ')}`,
    },
  ]);
}
