/**
 * Named hazards of device trees: DTB blocks overlapping each other or lying
 * outside the blob, sizes claiming gigabytes, unterminated strings, nesting
 * past FDT_MAX_DEPTH; and DTS nested deeper than any real tree. Each must
 * decode in bounded time to a tree plus error diagnostics, and go through
 * everything that reads trees (exerciseDtb/exerciseDts) without an exception.
 */
import { describe, expect, it } from 'vitest';
import { decodeDtb, parseDts } from '../../src/dt/index.js';
import { FDT_MAX_DEPTH } from '../../src/dt/fdt.js';
import { exerciseDtb, exerciseDts } from '../../src/fuzz/checks.js';

const BOUND_MS = 2000;

const u32 = (...values: number[]) => {
  const out = new Uint8Array(values.length * 4);
  values.forEach((v, i) => new DataView(out.buffer).setUint32(i * 4, v >>> 0));
  return out;
};
const concat = (...parts: Uint8Array[]) => Uint8Array.from(parts.flatMap((p) => [...p]));
/** Text NUL-terminated and padded to 4 bytes (`terminate: false` leaves the NUL out). */
const text = (s: string, terminate = true) => {
  const b = [...Buffer.from(s, 'latin1'), ...(terminate ? [0] : [])];
  while (b.length % 4) b.push(terminate ? 0 : 0x41);
  return Uint8Array.from(b);
};

const BEGIN = (name: string, terminate = true) => concat(u32(1), text(name, terminate));
const END_NODE = u32(2);
const PROP = (nameoff: number, value: Uint8Array, len = value.length) => concat(u32(3, len, nameoff), value, new Uint8Array((4 - (value.length % 4)) % 4));
const END = u32(9);

type Header = Record<'totalsize' | 'offDtStruct' | 'offDtStrings' | 'offMemRsvmap' | 'sizeDtStrings' | 'sizeDtStruct', number>;

/** A v17 blob: header, an empty reservation block, the structure block, the strings block; `edit` overrides header fields. */
function blob(struct: Uint8Array, strings: Uint8Array, edit: Partial<Header> = {}): Uint8Array {
  const h: Header = {
    offMemRsvmap: 40,
    offDtStruct: 56,
    sizeDtStruct: struct.length,
    offDtStrings: 56 + struct.length,
    sizeDtStrings: strings.length,
    totalsize: 56 + struct.length + strings.length,
    ...edit,
  };
  const header = u32(0xd00dfeed, h.totalsize, h.offDtStruct, h.offDtStrings, h.offMemRsvmap, 17, 16, 0, h.sizeDtStrings, h.sizeDtStruct);
  return concat(header, new Uint8Array(16), struct, strings);
}

const strings = Buffer.from('compatible\0#iommu-cells\0', 'latin1');
const goodStruct = concat(BEGIN(''), PROP(0, Buffer.from('arm,smmu-v3\0')), BEGIN('smmu@9050000'), PROP(11, u32(1)), END_NODE, END_NODE, END);
const good = blob(goodStruct, strings);

async function decodesBounded(bytes: Uint8Array): Promise<string[]> {
  const started = performance.now();
  const d = decodeDtb(bytes);
  await exerciseDtb(bytes);
  expect(performance.now() - started).toBeLessThan(BOUND_MS);
  return d.diagnostics.filter((x) => x.severity === 'error').map((x) => x.code);
}

describe('DTB blocks outside the blob or overlapping, and sizes claiming gigabytes', () => {
  it('the well-formed blob these are made from decodes without error', async () => {
    expect(await decodesBounded(good)).toEqual([]);
  });

  it.each<[string, Partial<Header>]>([
    ['totalsize 0xffffffff', { totalsize: 0xffffffff }],
    ['the structure block past the end', { offDtStruct: 0xfffffff0 }],
    ['the strings block past the end', { offDtStrings: 0xfffffff0 }],
    ['the reservation block past the end', { offMemRsvmap: 0xfffffff0 }],
    ['size_dt_struct 0xffffffff', { sizeDtStruct: 0xffffffff }],
    ['size_dt_strings 0xffffffff', { sizeDtStrings: 0xffffffff }],
    ['the strings block on top of the structure block', { offDtStrings: 56 }],
    ['the structure block on top of the header', { offDtStruct: 0 }],
    ['the reservation block on top of the structure block (no terminator)', { offMemRsvmap: 56 }],
  ])('%s', async (_what, edit) => {
    expect((await decodesBounded(blob(goodStruct, strings, edit))).length).toBeGreaterThan(0);
  });

  it('a property length of 0xffffffff', async () => {
    const struct = concat(BEGIN(''), PROP(0, new Uint8Array(4), 0xffffffff), END_NODE, END);
    expect((await decodesBounded(blob(struct, strings))).length).toBeGreaterThan(0);
  });
});

describe('unterminated strings', () => {
  it('a node name with no NUL before the end of the structure block', async () => {
    expect((await decodesBounded(blob(concat(BEGIN(''), BEGIN('x'.repeat(64), false)), strings))).length).toBeGreaterThan(0);
  });

  it('a property name offset at the last byte of an unterminated strings block, and one far past it', async () => {
    const unterminated = Buffer.from('compatible', 'latin1');
    for (const nameoff of [unterminated.length - 1, 0xffffffff]) {
      const struct = concat(BEGIN(''), PROP(nameoff, u32(1)), END_NODE, END);
      expect((await decodesBounded(blob(struct, unterminated))).length).toBeGreaterThan(0);
    }
  });
});

describe('deep nesting', () => {
  it(`nodes nested past FDT_MAX_DEPTH (${FDT_MAX_DEPTH}) stop the walk with dtb-too-deep`, async () => {
    const depth = FDT_MAX_DEPTH + 1;
    const struct = concat(...Array.from({ length: depth }, (_, i) => BEGIN(i ? 'n' : '')), ...Array.from({ length: depth }, () => END_NODE), END);
    expect(await decodesBounded(blob(struct, strings))).toContain('dtb-too-deep');
  });

  it('a hundred thousand nested nodes', async () => {
    const struct = concat(BEGIN(''), ...Array.from({ length: 100_000 }, () => BEGIN('n')));
    expect(await decodesBounded(blob(struct, strings))).toContain('dtb-too-deep');
  });

  // DtsBuilder recurses items → body → member once per nesting level; it stops at FDT_MAX_DEPTH with
  // dts-too-deep (as decodeDtb does with dtb-too-deep) instead of overflowing the stack.
  it('DTS nested ten thousand levels deep', async () => {
    const depth = 10_000;
    const source = `/dts-v1/;\n/ {\n${'n {\n'.repeat(depth)}${'};\n'.repeat(depth)}};\n`;
    const started = performance.now();
    const parsed = await parseDts(source, 'deep.dts');
    await exerciseDts(source);
    expect(performance.now() - started).toBeLessThan(5 * BOUND_MS);
    expect(parsed.diagnostics.some((d) => d.severity === 'error')).toBe(true);
  });
});
