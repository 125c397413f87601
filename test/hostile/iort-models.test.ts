/**
 * Random full IORT models, made from the every-node-type table by reordering
 * and repeating its nodes and drawing their numbers, names, array lengths,
 * mappings and references at random: encode gives bytes that decode to the
 * same model with no error, its JSON comes back the same, and printing and
 * resolving never throw. Encode may refuse a model (a reference it cannot
 * lay out), but only with diagnostics, never by throwing.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeIort, encodeIort, iortFromJson, iortToJson, printIortText } from '../../src/acpi/iort/index.js';
import type { IortIdMapping, IortNode, IortTable } from '../../src/acpi/iort/model.js';
import { resolveIort } from '../../src/acpi/iort/resolve.js';
import { everyNodeIort } from '../fixtures/iort/iort-tables.js';

const u32 = fc.integer({ min: 0, max: 0xffffffff });
const address = fc.bigInt({ min: 0n, max: 0xffff_ffff_ffffn }).map((v) => v & ~0xfffn);
const acpiName = fc.stringMatching(/^\\_SB_\.[A-Z][A-Z0-9]{0,3}$/);

/** One node drawn from a template node of the same type, with `count` nodes in the table to refer to. */
function nodeArb(template: IortNode, count: number): fc.Arbitrary<IortNode> {
  const ref = fc.integer({ min: 0, max: count - 1 }).map((node) => ({ node }));
  const mapping: fc.Arbitrary<IortIdMapping> = fc.record({
    inputBase: fc.integer({ min: 0, max: 0xffff }),
    numberOfIds: fc.integer({ min: 0, max: 0xffff }),
    outputBase: u32,
    outputReference: ref,
    flags: fc.constantFrom(0, 1),
  });
  const mappings = fc.array(mapping, { maxLength: 4 });
  const n = template as unknown as Record<string, unknown>;
  const drawn: Record<string, fc.Arbitrary<unknown>> = { idMappings: mappings };
  if ('baseAddress' in n) drawn['baseAddress'] = address;
  if ('deviceName' in n) drawn['deviceName'] = acpiName;
  if ('itsIdentifiers' in n) drawn['itsIdentifiers'] = fc.array(u32, { minLength: 1, maxLength: 4 });
  if ('contextInterrupts' in n) drawn['contextInterrupts'] = fc.array(fc.record({ gsiv: u32, flags: fc.constantFrom(0, 1) }), { maxLength: 4 });
  if ('memoryRanges' in n) drawn['memoryRanges'] = fc.array(fc.record({ baseAddress: address, length: address.map((l) => l + 0x1000n) }), { minLength: 1, maxLength: 3 });
  if ('pciSegmentNumber' in n) drawn['pciSegmentNumber'] = fc.integer({ min: 0, max: 0xffff });
  if ('nodeReference' in n) drawn['nodeReference'] = ref;
  return fc.record(drawn).map((d) => {
    const node = { ...n, ...d } as Record<string, unknown>;
    // An ITS group has no mappings; nor does an IWB here; the layout hints of the template are its own.
    if (template.type === 'ItsGroup' || template.type === 'Iwb') node['idMappings'] = [];
    delete node['layout'];
    if ('deviceIdMappingIndex' in node) node['deviceIdMappingIndex'] = Math.max(0, (node['idMappings'] as unknown[]).length - 1);
    return node as unknown as IortNode;
  });
}

const tableArb: fc.Arbitrary<IortTable> = fc
  .array(fc.constantFrom(...(everyNodeIort().nodes as IortNode[])), { minLength: 1, maxLength: 8 })
  .chain((templates) => fc.tuple(...templates.map((t) => nodeArb(t, templates.length))))
  .map((nodes) => ({ ...everyNodeIort(), nodes: nodes.map((n, i) => ({ ...n, identifier: i }) as IortNode) }));

describe('random full IORT models', () => {
  it('encode → decode gives the model back, JSON too; print and resolve never throw', () => {
    let encoded = 0;
    fc.assert(
      fc.property(tableArb, (table) => {
        const e = encodeIort(table);
        if (!e.bytes) {
          expect(e.diagnostics.length).toBeGreaterThan(0);
          return;
        }
        encoded++;
        const back = decodeIort(e.bytes);
        expect(back.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
        expect(back.table).toEqual(table);
        const json = iortFromJson(JSON.parse(JSON.stringify(iortToJson(back.table))));
        expect(json.diagnostics).toEqual([]);
        expect(json.table).toEqual(table);
        expect(printIortText(e.bytes)).toContain('Signature');
        resolveIort(back.table);
      }),
      { numRuns: 300 },
    );
    // The generator must make tables encode takes, or the property says nothing.
    expect(encoded).toBeGreaterThan(200);
  });
});
