/**
 * The RIMT model types (model.ts) against the declaration (spec.ts): each
 * type's keys are spelled once here with `satisfies Record<keyof T, true>`,
 * which the compiler holds to exactly the type's keys, and the test holds
 * them to exactly the keys the declaration gives a model (modelKeys). A
 * field added to one and not the other fails here.
 */
import { describe, expect, it } from 'vitest';
import { modelKeys, type StructSpec } from '../../src/codec/index.js';
import type {
  RimtIdMapping, RimtInterruptWire, RimtIommu, RimtPcieRootComplex, RimtPlatformDevice, RimtTable,
} from '../../src/acpi/rimt/model.js';
import { rimtDeclarations } from '../../src/acpi/rimt/spec.js';

const { idMapping, interruptWire, iommu, pcieRootComplex, platformDevice, rimtSpec } = rimtDeclarations();

const common = { type: true, revision: true, headerReserved: true, id: true, layout: true, trailing: true } as const;

const CASES: [string, StructSpec, Record<string, true>][] = [
  ['RimtTable', rimtSpec, {
    signature: true, revision: true, oemId: true, oemTableId: true, oemRevision: true, creatorId: true, creatorRevision: true,
    reserved: true, padding: true, nodes: true, trailing: true,
  } satisfies Record<keyof RimtTable, true>],
  ['RimtIommu', iommu, {
    ...common, hardwareId: true, baseAddress: true, flags: true, proximityDomain: true, pcieSegment: true, pcieBdf: true, interruptWires: true,
  } satisfies Record<keyof RimtIommu, true>],
  ['RimtPcieRootComplex', pcieRootComplex, {
    ...common, flags: true, reserved: true, pcieSegment: true, idMappings: true,
  } satisfies Record<keyof RimtPcieRootComplex, true>],
  ['RimtPlatformDevice', platformDevice, { ...common, deviceName: true, idMappings: true } satisfies Record<keyof RimtPlatformDevice, true>],
  ['RimtIdMapping', idMapping, {
    sourceIdBase: true, numberOfIds: true, destinationIdBase: true, destinationIommu: true, flags: true, trailing: true,
  } satisfies Record<keyof RimtIdMapping | 'trailing', true>],
  ['RimtInterruptWire', interruptWire, { interruptNumber: true, flags: true, trailing: true } satisfies Record<keyof RimtInterruptWire | 'trailing', true>],
];

describe('RIMT model types are the declaration\'s models', () => {
  for (const [name, spec, keys] of CASES) {
    it(name, () => {
      expect(Object.keys(keys).sort()).toEqual(modelKeys(spec).sort());
    });
  }
});
