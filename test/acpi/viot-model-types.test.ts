/**
 * The VIOT model types (model.ts) against the declaration (spec.ts): each
 * type's keys are spelled once here with `satisfies Record<keyof T, true>`,
 * which the compiler holds to exactly the type's keys, and the test holds
 * them to exactly the keys the declaration gives a model (modelKeys). A
 * field added to one and not the other fails here.
 */
import { describe, expect, it } from 'vitest';
import { modelKeys, type StructSpec } from '../../src/codec/index.js';
import type { ViotMmioEndpoint, ViotPciRange, ViotTable, ViotVirtioIommuMmio, ViotVirtioIommuPci } from '../../src/acpi/viot/model.js';
import { viotDeclarations } from '../../src/acpi/viot/spec.js';

const { mmioEndpoint, pciRange, viotSpec, virtioIommuMmio, virtioIommuPci } = viotDeclarations();

const kept = { type: true, headerReserved: true, reserved: true, trailing: true } as const;

const CASES: [string, StructSpec, Record<string, true>][] = [
  ['ViotTable', viotSpec, {
    signature: true, revision: true, oemId: true, oemTableId: true, oemRevision: true, creatorId: true, creatorRevision: true,
    reserved: true, padding: true, nodes: true, trailing: true,
  } satisfies Record<keyof ViotTable, true>],
  ['ViotPciRange', pciRange, {
    ...kept, endpointStart: true, segmentStart: true, segmentEnd: true, bdfStart: true, bdfEnd: true, outputNode: true,
  } satisfies Record<keyof ViotPciRange, true>],
  ['ViotMmioEndpoint', mmioEndpoint, { ...kept, endpoint: true, baseAddress: true, outputNode: true } satisfies Record<keyof ViotMmioEndpoint, true>],
  ['ViotVirtioIommuPci', virtioIommuPci, { ...kept, segment: true, bdf: true } satisfies Record<keyof ViotVirtioIommuPci, true>],
  ['ViotVirtioIommuMmio', virtioIommuMmio, { ...kept, baseAddress: true } satisfies Record<keyof ViotVirtioIommuMmio, true>],
];

describe('VIOT model types are the declaration\'s models', () => {
  for (const [name, spec, keys] of CASES) {
    it(name, () => {
      expect(Object.keys(keys).sort()).toEqual(modelKeys(spec).sort());
    });
  }
});
