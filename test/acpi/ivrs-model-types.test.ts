/**
 * The IVRS model types (model.ts) against the declaration (spec.ts): each
 * type's keys are spelled once here with `satisfies Record<keyof T, true>`,
 * which the compiler holds to exactly the type's keys, and the test holds
 * them to exactly the keys the declaration gives a model (modelKeys).
 */
import { describe, expect, it } from 'vitest';
import { modelKeys, type StructSpec } from '../../src/codec/index.js';
import type {
  IvrsAcpiHidEntry, IvrsAliasEntry, IvrsExtendedEntry, IvrsIvhd10, IvrsIvhdEfr, IvrsIvmd, IvrsPad8Entry, IvrsPadEntry, IvrsSpecialEntry, IvrsTable,
} from '../../src/acpi/ivrs/model.js';
import { ivrsDeclarations } from '../../src/acpi/ivrs/spec.js';

const {
  acpiHidEntry, aliasRangeStartEntry, aliasSelectEntry, allEntry, extRangeStartEntry, extSelectEntry, ivhd10, ivhd11, ivhd40,
  ivmd20, ivmd21, ivmd22, ivrsSpec, pad8Entry, padEntry, rangeEndEntry, rangeStartEntry, selectEntry, specialEntry,
} = ivrsDeclarations();

const kept = { type: true, trailing: true } as const;
const head = { ...kept, deviceId: true, dataSetting: true } as const;
const ivhd = { ...kept, flags: true, deviceId: true, capabilityOffset: true, baseAddress: true, pciSegment: true, info: true, entries: true } as const;

const simple = { ...head } satisfies Record<keyof IvrsPadEntry, true>;
const alias = { ...head, sourceDeviceId: true, reserved: true, reserved2: true } satisfies Record<keyof IvrsAliasEntry, true>;
const extended = { ...head, extendedData: true } satisfies Record<keyof IvrsExtendedEntry, true>;
const efr = { ...ivhd, attributes: true, efrImage: true, efrImage2: true } satisfies Record<keyof IvrsIvhdEfr, true>;
const ivmd = { ...kept, reserved: true, flags: true, deviceId: true, auxData: true, startAddress: true, memoryLength: true } satisfies Record<keyof IvrsIvmd, true>;

const CASES: [string, StructSpec, Record<string, true>][] = [
  ['IvrsTable', ivrsSpec, {
    signature: true, revision: true, oemId: true, oemTableId: true, oemRevision: true, creatorId: true, creatorRevision: true,
    ivInfo: true, reserved: true, blocks: true, trailing: true,
  } satisfies Record<keyof IvrsTable, true>],
  ['IvrsIvhd10', ivhd10, { ...ivhd, featureReporting: true } satisfies Record<keyof IvrsIvhd10, true>],
  ['IvrsIvhd11', ivhd11, efr],
  ['IvrsIvhd40', ivhd40, efr],
  ['IvrsIvmdAll', ivmd20, ivmd],
  ['IvrsIvmdSelect', ivmd21, ivmd],
  ['IvrsIvmdRange', ivmd22, ivmd],
  ['IvrsPadEntry', padEntry, simple],
  ['IvrsPad8Entry', pad8Entry, { ...head, reserved: true } satisfies Record<keyof IvrsPad8Entry, true>],
  ['IvrsAllEntry', allEntry, simple],
  ['IvrsSelectEntry', selectEntry, simple],
  ['IvrsRangeStartEntry', rangeStartEntry, simple],
  ['IvrsRangeEndEntry', rangeEndEntry, simple],
  ['IvrsAliasSelectEntry', aliasSelectEntry, alias],
  ['IvrsAliasRangeStartEntry', aliasRangeStartEntry, alias],
  ['IvrsExtSelectEntry', extSelectEntry, extended],
  ['IvrsExtRangeStartEntry', extRangeStartEntry, extended],
  ['IvrsSpecialEntry', specialEntry, { ...head, handle: true, sourceDeviceId: true, variety: true } satisfies Record<keyof IvrsSpecialEntry, true>],
  ['IvrsAcpiHidEntry', acpiHidEntry, { ...head, hid: true, cid: true, uidFormat: true, uid: true } satisfies Record<keyof IvrsAcpiHidEntry, true>],
];

describe('IVRS model types are the declaration\'s models', () => {
  for (const [name, spec, keys] of CASES) {
    it(name, () => {
      expect(Object.keys(keys).sort()).toEqual(modelKeys(spec).sort());
    });
  }
});
