/**
 * The DMAR model types (model.ts) against the declaration (spec.ts): each
 * type's keys are spelled once here with `satisfies Record<keyof T, true>`,
 * which the compiler holds to exactly the type's keys, and the test holds
 * them to exactly the keys the declaration gives a model (modelKeys). A
 * field added to one and not the other fails here.
 */
import { describe, expect, it } from 'vitest';
import { modelKeys, type StructSpec } from '../../src/codec/index.js';
import type {
  DmarAndd, DmarAtsr, DmarDeviceScope, DmarDrhd, DmarRhsa, DmarRmrr, DmarSatc, DmarSidp, DmarTable,
} from '../../src/acpi/dmar/model.js';
import { andd, atsr, deviceScope, dmarSpec, drhd, rhsa, rmrr, satc, sidp } from '../../src/acpi/dmar/spec.js';

const kept = { type: true, reserved: true, trailing: true } as const;

const CASES: [string, StructSpec, Record<string, true>][] = [
  ['DmarTable', dmarSpec, {
    signature: true, revision: true, oemId: true, oemTableId: true, oemRevision: true, creatorId: true, creatorRevision: true,
    hostAddressWidth: true, flags: true, reserved: true, remappingStructures: true, trailing: true,
  } satisfies Record<keyof DmarTable, true>],
  ['DmarDeviceScope', deviceScope, {
    ...kept, flags: true, enumerationId: true, startBusNumber: true, path: true,
  } satisfies Record<keyof DmarDeviceScope, true>],
  ['DmarDrhd', drhd, {
    type: true, trailing: true, flags: true, size: true, segmentNumber: true, registerBaseAddress: true, deviceScopes: true,
  } satisfies Record<keyof DmarDrhd, true>],
  ['DmarRmrr', rmrr, { ...kept, segmentNumber: true, baseAddress: true, limitAddress: true, deviceScopes: true } satisfies Record<keyof DmarRmrr, true>],
  ['DmarAtsr', atsr, { ...kept, flags: true, segmentNumber: true, deviceScopes: true } satisfies Record<keyof DmarAtsr, true>],
  ['DmarRhsa', rhsa, { ...kept, registerBaseAddress: true, proximityDomain: true } satisfies Record<keyof DmarRhsa, true>],
  ['DmarAndd', andd, { ...kept, acpiDeviceNumber: true, acpiObjectName: true, padding: true } satisfies Record<keyof DmarAndd, true>],
  ['DmarSatc', satc, { ...kept, flags: true, segmentNumber: true, deviceScopes: true } satisfies Record<keyof DmarSatc, true>],
  ['DmarSidp', sidp, { ...kept, segmentNumber: true, deviceScopes: true } satisfies Record<keyof DmarSidp, true>],
];

describe('DMAR model types are the declaration\'s models', () => {
  for (const [name, spec, keys] of CASES) {
    it(name, () => {
      expect(Object.keys(keys).sort()).toEqual(modelKeys(spec).sort());
    });
  }
});
