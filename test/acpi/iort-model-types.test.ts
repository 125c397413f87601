/**
 * The IORT model types (model.ts) against the declaration (spec.ts): each
 * type's keys are spelled once here with `satisfies Record<keyof T, true>`,
 * which the compiler holds to exactly the type's keys, and the test holds
 * them to exactly the keys the declaration gives a model (modelKeys). A
 * field added to one and not the other fails here.
 */
import { describe, expect, it } from 'vitest';
import { modelKeys, type StructSpec } from '../../src/codec/index.js';
import type {
  IortIdMapping,
  IortItsGroup,
  IortIwb,
  IortMemoryAccessProperties,
  IortNamedComponent,
  IortPmcg,
  IortRmr,
  IortRmrMemoryRange,
  IortRootComplex,
  IortSmmu,
  IortSmmuGlobalInterrupts,
  IortSmmuInterrupt,
  IortSmmuV3,
  IortTable,
} from '../../src/acpi/iort/model.js';
import { iortDeclarations } from '../../src/acpi/iort/spec.js';

const {
  contextInterrupt,
  idMapping,
  iortSpec,
  itsGroup,
  iwb,
  memoryAccessProperties,
  namedComponent,
  pmcg,
  rmrMemoryRange,
  rmrNode,
  rootComplex,
  smmu,
  smmuGlobalInterrupts,
  smmuV3,
} = iortDeclarations();

const node = { type: true, revision: true, identifier: true, idMappings: true, layout: true, trailing: true } as const;

const CASES: [string, StructSpec, Record<string, true>][] = [
  ['IortTable', iortSpec, {
    signature: true, revision: true, oemId: true, oemTableId: true, oemRevision: true, creatorId: true, creatorRevision: true,
    reserved: true, padding: true, nodes: true, trailing: true,
  } satisfies Record<keyof IortTable, true>],
  ['IortItsGroup', itsGroup, { ...node, itsIdentifiers: true } satisfies Record<keyof IortItsGroup, true>],
  ['IortNamedComponent', namedComponent, {
    ...node, nodeFlags: true, memoryProperties: true, memoryAddressLimit: true, deviceName: true,
  } satisfies Record<keyof IortNamedComponent, true>],
  ['IortRootComplex', rootComplex, {
    ...node, memoryProperties: true, atsAttribute: true, pciSegmentNumber: true, memoryAddressSizeLimit: true, pasidCapabilities: true,
    reserved: true, flags: true,
  } satisfies Record<keyof IortRootComplex, true>],
  ['IortSmmu', smmu, {
    ...node, baseAddress: true, span: true, model: true, flags: true, globalInterrupts: true, contextInterrupts: true, pmuInterrupts: true,
  } satisfies Record<keyof IortSmmu, true>],
  ['IortSmmuV3', smmuV3, {
    ...node, baseAddress: true, flags: true, reserved: true, vatosAddress: true, model: true, eventGsiv: true, priGsiv: true, gerrGsiv: true,
    syncGsiv: true, proximityDomain: true, deviceIdMappingIndex: true,
  } satisfies Record<keyof IortSmmuV3, true>],
  ['IortPmcg', pmcg, {
    ...node, page0BaseAddress: true, overflowInterruptGsiv: true, nodeReference: true, page1BaseAddress: true,
  } satisfies Record<keyof IortPmcg, true>],
  ['IortRmr', rmrNode, { ...node, flags: true, memoryRanges: true } satisfies Record<keyof IortRmr, true>],
  ['IortIwb', iwb, { ...node, configFrameBase: true, iwbIndex: true, deviceName: true } satisfies Record<keyof IortIwb, true>],
  ['IortIdMapping', idMapping, {
    inputBase: true, numberOfIds: true, outputBase: true, outputReference: true, flags: true, trailing: true,
  } satisfies Record<keyof IortIdMapping | 'trailing', true>],
  ['IortMemoryAccessProperties', memoryAccessProperties, {
    cacheCoherency: true, allocationHints: true, reserved: true, memoryAccessFlags: true, trailing: true,
  } satisfies Record<keyof IortMemoryAccessProperties | 'trailing', true>],
  ['IortSmmuGlobalInterrupts', smmuGlobalInterrupts, {
    nsgIrpt: true, nsgIrptFlags: true, nsgCfgIrpt: true, nsgCfgIrptFlags: true, trailing: true,
  } satisfies Record<keyof IortSmmuGlobalInterrupts | 'trailing', true>],
  ['IortSmmuInterrupt', contextInterrupt, { gsiv: true, flags: true, trailing: true } satisfies Record<keyof IortSmmuInterrupt | 'trailing', true>],
  ['IortRmrMemoryRange', rmrMemoryRange, { baseAddress: true, length: true, reserved: true, trailing: true } satisfies Record<keyof IortRmrMemoryRange | 'trailing', true>],
];

describe('IORT model types are the declaration\'s models', () => {
  for (const [name, spec, keys] of CASES) {
    it(name, () => {
      expect(Object.keys(keys).sort()).toEqual(modelKeys(spec).sort());
    });
  }
});
