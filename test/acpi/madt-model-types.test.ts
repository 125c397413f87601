/**
 * The MADT model types (model.ts) against the declaration (spec.ts), for the
 * structures typed field by field: each type's keys are spelled once here
 * with `satisfies Record<keyof T, true>`, which the compiler holds to exactly
 * the type's keys, and the test holds them to exactly the keys the
 * declaration gives a model (modelKeys).
 */
import { describe, expect, it } from 'vitest';
import { modelKeys, type StructSpec } from '../../src/codec/index.js';
import type { MadtGicc, MadtGicIts, MadtIoApic, MadtLocalApic, MadtLocalX2apic, MadtTable } from '../../src/acpi/madt/model.js';
import { madtDeclarations } from '../../src/acpi/madt/spec.js';

const { gicc, gicIts, ioApic, localApic, localX2apic, madtSpec } = madtDeclarations();

const kept = { type: true, trailing: true } as const;
const reserved = { ...kept, reserved: true } as const;

const CASES: [string, StructSpec, Record<string, true>][] = [
  ['MadtTable', madtSpec, {
    signature: true, revision: true, oemId: true, oemTableId: true, oemRevision: true, creatorId: true, creatorRevision: true,
    address: true, flags: true, structures: true, trailing: true,
  } satisfies Record<keyof MadtTable, true>],
  ['MadtLocalApic', localApic, { ...kept, processorId: true, id: true, lapicFlags: true } satisfies Record<keyof MadtLocalApic, true>],
  ['MadtIoApic', ioApic, { ...reserved, id: true, address: true, globalIrqBase: true } satisfies Record<keyof MadtIoApic, true>],
  ['MadtLocalX2apic', localX2apic, { ...reserved, localApicId: true, lapicFlags: true, uid: true } satisfies Record<keyof MadtLocalX2apic, true>],
  ['MadtGicIts', gicIts, { ...reserved, flags: true, translationId: true, baseAddress: true, reserved2: true } satisfies Record<keyof MadtGicIts, true>],
  ['MadtGicc', gicc, {
    ...reserved, cpuInterfaceNumber: true, uid: true, flags: true, parkingVersion: true, performanceInterrupt: true, parkedAddress: true,
    baseAddress: true, gicvBaseAddress: true, gichBaseAddress: true, vgicInterrupt: true, gicrBaseAddress: true, armMpidr: true,
    efficiencyClass: true, reserved2: true, speInterrupt: true, trbeInterrupt: true,
  } satisfies Record<keyof MadtGicc, true>],
];

describe('MADT model types are the declaration\'s models', () => {
  for (const [name, spec, keys] of CASES) {
    it(name, () => {
      expect(Object.keys(keys).sort()).toEqual(modelKeys(spec).sort());
    });
  }
});
