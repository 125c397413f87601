import { describe, expect, it } from 'vitest';
import { deviceLookup } from '../../src/checks/device-lookup.js';
import type { DeviceEntry } from '../../src/model/translation-map.js';

const entry = (id: string, rid: number): DeviceEntry => ({ id, segment: 0, rid, aliases: [rid], iommu: null, outputIds: [], group: 'g0' });
const entries = Array.from({ length: 50 }, (_, i) => entry(`d${i}`, i));

describe('finding device entries by id without a Map of every device', () => {
  it('in order, with devices left out, finds each entry', () => {
    const find = deviceLookup(entries);
    for (let i = 0; i < 50; i += 3) expect(find(`d${i}`)).toBe(entries[i]);
  });

  it('out of order, before and after indexing, gives what a Map by id gives', () => {
    const find = deviceLookup(entries);
    const byId = new Map(entries.map((d) => [d.id, d]));
    const ids = [...entries.map((d) => d.id)].reverse().concat(['missing', 'd7', 'd7', 'd49', 'd0', 'nope']);
    for (const id of ids) expect(find(id)).toBe(byId.get(id));
  });

  it('an empty list finds nothing', () => {
    expect(deviceLookup([])('d0')).toBeUndefined();
  });
});
