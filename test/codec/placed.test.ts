/**
 * Parts placed by offset and count fields, optional tail fields, nested
 * groups, layouts chosen by a field, and references to list items: the
 * engine features IORT and VIOT are declared with (placed-specs.ts).
 */
import { describe, expect, it } from 'vitest';
import { decode, encode, fromJson, printToString, toJson, type Model } from '../../src/codec/index.js';
import { shelf } from './placed-specs.js';

const model = (): Model => ({
  signature: 0x464c4853,
  revision: 1,
  nodes: [
    { type: 'Box', revision: 1, id: 7, props: { a: 1, b: 2 }, more: 5, most: 9,
      pairs: [{ input: 1, target: { node: 1 } }, { input: 2, target: { node: 2 } }], extra: { value: 0xabc } },
    { type: 'Label', revision: 0, id: 8, name: 'AB', pairs: [{ input: 3, target: { node: 0 } }], layout: { gaps: { pairs: new Uint8Array([0, 0]) } } },
    { type: 'Tally', revision: 0, id: 9, ids: [4, 5] },
    { type: 'Tally', revision: 1, id: 10, flags: 3, ids: [6] },
  ],
});

function bytesOf(m: Model): Uint8Array {
  const e = encode(shelf, m);
  expect(e.diagnostics).toEqual([]);
  return e.bytes!;
}

const u16 = (b: Uint8Array, at: number, v: number) => new DataView(b.buffer, b.byteOffset).setUint16(at, v, true);
const u32 = (b: Uint8Array, at: number, v: number) => new DataView(b.buffer, b.byteOffset).setUint32(at, v, true);
const codes = (b: Uint8Array) => decode(shelf, b).diagnostics.map((d) => `${d.severity} ${d.code} ${d.path}@${d.offset}`);

/** decode → encode and decode → JSON → encode give the bytes back. */
function expectRoundTrip(b: Uint8Array): Model {
  const d = decode(shelf, b);
  expect(encode(shelf, d.value).bytes).toEqual(b);
  const j = fromJson(shelf, JSON.parse(JSON.stringify(toJson(shelf, d.value))));
  expect(j.diagnostics).toEqual([]);
  expect(encode(shelf, j.value).bytes).toEqual(b);
  return d.value;
}

describe('placed parts', () => {
  it('encode fills counts, offsets and references; decode gives the model back with {node: i} references', () => {
    const b = bytesOf(model());
    const v = new DataView(b.buffer);
    expect([v.getUint32(12, true), v.getUint32(16, true)]).toEqual([4, 20]);
    // Box: pairs right after the optional fields (offset 24), the single Extra after them (40).
    expect([v.getUint16(28, true), v.getUint16(30, true), v.getUint16(32, true)]).toEqual([2, 24, 40]);
    // Its first pair names node 1, which starts at 20 + 44.
    expect(v.getUint32(48, true)).toBe(64);
    expect(codes(b)).toEqual([]);
    const back = expectRoundTrip(b);
    const json = toJson(shelf, back) as { nodes: Record<string, unknown>[] };
    expect(json.nodes[0]!['pairs']).toEqual([{ input: 1, target: { node: 1 } }, { input: 2, target: { node: 2 } }]);
    expect(json.nodes[0]!['extra']).toEqual({ value: 0xabc });
    expect(json.nodes[2]!['ids']).toEqual([4, 5]);
  });

  it('keeps parts in another order, the bytes before each and offsets of empty ones; text walks them in byte order', () => {
    const m = model();
    (m['nodes'] as Model[])[0]!['layout'] = { order: ['extra', 'pairs'], gaps: { pairs: new Uint8Array([0xee]) } };
    const b = bytesOf(m);
    expect(new DataView(b.buffer).getUint16(30, true)).toBe(29); // pairs after extra (24..28) and one gap byte
    const back = expectRoundTrip(b);
    expect((back['nodes'] as Model[])[0]!['layout']).toEqual({ order: ['extra', 'pairs'], gaps: { pairs: new Uint8Array([0xee]) } });
    const text = printToString(shelf, back);
    expect(text.indexOf('Extra Value')).toBeLessThan(text.indexOf('Input'));
    expect(text).toContain('[030h 0048 001h]                     Padding : EE');
    // An empty array whose offset field is not 0 keeps it.
    const e = model();
    Object.assign((e['nodes'] as Model[])[0]!, { pairs: [], layout: { emptyOffsets: { pairs: 0x30 } } });
    expect((expectRoundTrip(bytesOf(e))['nodes'] as Model[])[0]!['layout']).toEqual({ emptyOffsets: { pairs: 0x30 } });
  });

  it('reads optional fields while there is room before the first placed part, a field and its reserved bytes together', () => {
    const m = model();
    const box = (m['nodes'] as Model[])[0]!;
    delete box['most'];
    let back = expectRoundTrip(bytesOf(m));
    expect((back['nodes'] as Model[])[0]).not.toHaveProperty('most');
    expect((back['nodes'] as Model[])[0]!['more']).toBe(5);
    delete box['more'];
    back = expectRoundTrip(bytesOf(m));
    expect((back['nodes'] as Model[])[0]).not.toHaveProperty('more');
    // A later field without the ones before it cannot be placed.
    box['most'] = 1;
    expect(encode(shelf, m).diagnostics.map((d) => d.code)).toEqual(['encode-missing']);
  });

  it('picks a layout by a field (revision 0 has no Flags) and labels a field by the root revision', () => {
    const b = bytesOf(model());
    const back = decode(shelf, b).value;
    expect((back['nodes'] as Model[])[2]).not.toHaveProperty('flags');
    expect((back['nodes'] as Model[])[3]!['flags']).toBe(3);
    expect(printToString(shelf, back)).toContain('Id : 0000000A');
    expect(printToString(shelf, { ...back, revision: 0 })).toContain('Reserved : 0000000A');
  });
});

describe('a list placed by offset and count fields', () => {
  it('keeps bytes between the fixed fields and the first item, and after the last one (reported)', () => {
    const m = { ...model(), padding: new Uint8Array([1, 2, 3]), trailing: new Uint8Array([9, 9]) };
    const b = bytesOf(m);
    expect(new DataView(b.buffer).getUint32(16, true)).toBe(23);
    expect(codes(b)).toEqual([`warning bin-after-items Shelf@${b.length - 2}`]);
    const back = expectRoundTrip(b);
    expect(back['padding']).toEqual(new Uint8Array([1, 2, 3]));
    expect(printToString(shelf, back)).toContain('Optional Padding : 01 02 03');
  });

  it('reports an offset inside the fixed fields or past the end, and a count past the items', () => {
    let b = bytesOf(model());
    u32(b, 16, 8);
    expect(codes(b)).toEqual(['error bin-offset-outside Shelf@16']);
    b = bytesOf(model());
    u32(b, 16, 0x1000);
    expect(codes(b)).toEqual(['error bin-offset-outside Shelf@16']);
    expect(decode(shelf, b).value['nodes']).toEqual([]);
    b = bytesOf(model());
    u32(b, 12, 5);
    // Renamed by the root's codes: the table's own finding.
    expect(codes(b)).toEqual([`error shelf-node-count Shelf@${b.length}`]);
  });

  it('stops at an item too short for the common header', () => {
    const b = bytesOf(model());
    u16(b, 21, 4);
    expect(codes(b)).toEqual(['error bin-length-short Shelf/Box[0]@20']);
  });
});

describe('parts that cannot be where their fields say', () => {
  it('a part past the end keeps the structure raw, references included', () => {
    const b = bytesOf(model());
    u16(b, 28, 9);
    expect(codes(b)).toEqual(['error bin-part-outside Shelf/Box[0]@44']);
    const node = (decode(shelf, b).value['nodes'] as Model[])[0]!;
    expect(node).toEqual({ type: 1, revision: 1, raw: b.slice(24, 64) });
  });

  it('parts that overlap each other or the fixed fields', () => {
    let b = bytesOf(model());
    u16(b, 32, 0x1c);
    expect(codes(b)).toEqual(['error bin-part-overlap Shelf/Box[0]@48']);
    b = bytesOf(model());
    u16(b, 30, 0x4);
    expect(codes(b)).toEqual(['error bin-part-overlap Shelf/Box[0]@24']);
  });

  it('a name without its NUL before the first part', () => {
    const b = bytesOf(model());
    b.fill(0x43, 0x4e, 0x51);
    expect(codes(b)).toContain('error bin-unterminated-string Shelf/Label[0]@76');
  });
});

describe('references', () => {
  it('an offset that is no item start is kept as {offset: n} and reported; encode writes it back', () => {
    const b = bytesOf(model());
    u32(b, 48, 65);
    expect(codes(b)).toEqual(['error bin-dangling-reference Shelf/Box[0]/Pair[0].target@48']);
    const back = decode(shelf, b).value;
    expect(((back['nodes'] as Model[])[0]!['pairs'] as Model[])[0]!['target']).toEqual({ offset: 65 });
    expect(encode(shelf, back).bytes).toEqual(b);
  });

  it('encode refuses a reference to no item', () => {
    const m = model();
    ((m['nodes'] as Model[])[0]!['pairs'] as Model[])[0]!['target'] = { node: 4 };
    expect(encode(shelf, m).diagnostics.map((d) => `${d.code} ${d.path}`)).toEqual(['encode-bad-reference Shelf/Box[0]/Pair[0].target']);
    const j = fromJson(shelf, { ...toJson(shelf, decode(shelf, bytesOf(model())).value), revision: 'x' });
    expect(j.diagnostics.map((d) => d.code)).toEqual(['json-type']);
  });
});

describe('the layout in JSON', () => {
  it('names placed parts only, each once', () => {
    const json = toJson(shelf, decode(shelf, bytesOf(model())).value) as { nodes: Record<string, unknown>[] };
    json.nodes[0]!['layout'] = { order: ['extra', 'extra'], gaps: { colour: '00' }, emptyOffsets: { pairs: 4 } };
    expect(fromJson(shelf, json).diagnostics.map((d) => `${d.code} ${d.path}`)).toEqual([
      'json-unknown-key $.nodes[0].layout.gaps.colour',
      'json-bad-value $.nodes[0].layout.order',
    ]);
  });
});
