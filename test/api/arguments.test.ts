/**
 * Every function of the library API (src/index.ts) checks its arguments: a
 * wrong type, an out-of-range number or one argument too many throws
 * InputError (`invalid-argument`, or the topology's own validation codes)
 * naming the function and the argument, never a TypeError from inside or a
 * wrong answer (`rid(-1, 0)` was 0xff00; writeFileAtomic wrote 0 bytes for
 * an ArrayBuffer and half of a Uint16Array).
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import * as ridmap from '../../src/index.js';
import { InputError } from '../../src/index.js';
import { TABLES_DIR } from '../support/paths.js';

type Api = Record<string, (...args: unknown[]) => unknown>;
const api = ridmap as unknown as Api;

/** For each exported function: calls that must be refused, and a part of the message each must give. */
const REFUSED: Record<string, [unknown[], string][]> = {
  formatDiagnostic: [[[null], 'formatDiagnostic: diagnostic must be a diagnostic'], [[{ severity: 'bad', code: 'x', message: 'm' }], 'its severity must be one of error, warning, info']],
  hasErrors: [[[null], 'hasErrors: diagnostics must be an array, not null'], [[[5]], 'diagnostics [0] must be a diagnostic']],
  validateTopology: [[[{}, 'extra'], 'validateTopology: takes 1 argument']],
  topologyJsonSchema: [[[1], 'topologyJsonSchema: takes 0 arguments']],
  parseTopology: [[[5, 'x.yaml'], 'parseTopology: text must be a string, not number 5'], [['name: x', undefined], 'file must be a string']],
  resolveTopology: [[[null], 'resolveTopology: topology expected an object'], [[{}], 'resolveTopology: topology.name missing required property'], [['topo', { numbering: 'weird' }], 'resolveTopology: options must be options ({numbering?}): its numbering must be one of firmware']],
  rid: [[[-1, 0], 'rid: bus must be an integer from 0 to 255, not number -1'], [[0, 256], 'rid: devfn must be an integer from 0 to 255'], [[1, 2, 3], 'rid: takes 2 arguments, rid(bus, devfn); got 3'], [[1.5, 0], 'bus must be an integer']],
  formatBdf: [[[0x10000], 'formatBdf: rid must be an integer from 0 to 0xffff'], [['01:00.0'], 'formatBdf: rid must be an integer']],
  formatSbdf: [[[-1, 0], 'formatSbdf: segment must be an integer from 0 to 0xffff'], [[0, NaN], 'formatSbdf: rid must be an integer']],
  parseBdf: [[[5], 'parseBdf: text must be a string, not number 5']],
  lookupRid: [[[null, 0, 0], 'lookupRid: translations must be an array'], [[[], 0, -1], 'lookupRid: rid must be an integer from 0 to 0xffff'], [[[{ segment: 0 }], 0, 0], 'translations [0] must be a translation']],
  normalizeTranslations: [[[[{}]], 'normalizeTranslations: translations [0] must be a translation'], [['x'], 'must be an array']],
  mapToJson: [[[{}], 'mapToJson: map must be a translation map ({translations, ...}): its translations must be an array']],
  renderMap: [[[{}, 'json'], 'renderMap: resolved must be a resolved topology (from resolveTopology)'], [['RESOLVED', 'yaml'], 'renderMap: format must be one of text, json, tree, dot']],
  decodeInput: [[[new ArrayBuffer(8), 'x.dat'], 'decodeInput: data must be a Uint8Array or a string, not an ArrayBuffer'], [[new Uint8Array(8)], 'decodeInput: file must be a string']],
  decodeTable: [[[null], 'decodeTable: bytes must be a Uint8Array (a Buffer is one), not null'], [[new DataView(new ArrayBuffer(8))], 'pass new Uint8Array(buffer, byteOffset, byteLength)'], [[new Uint8Array(8), 5], 'decodeTable: options must be options']],
  encodeTable: [[[null], 'encodeTable: model must be a table model'], [[[]], 'encodeTable: model must be a table model']],
  encodeJsonDocument: [[[{}], 'encodeJsonDocument: text must be a string, not an object']],
  tablesFromJson: [[[5], 'tablesFromJson: text must be a string']],
  printTableText: [[[{}], 'printTableText: table must be a decoded table'], [['TABLE', 'x.dat'], 'printTableText: options must be options ({file?})']],
  printTablesText: [[[null], 'printTablesText: tables must be an array'], [[[{}]], 'tables [0] must be a decoded table']],
  printTablesJson: [[[[null]], 'printTablesJson: tables [0] must be a decoded table']],
  mapAcpiTables: [[[[{}]], 'mapAcpiTables: tables [0] must be a sourced table ({table, file})'], [[[], {}], 'mapAcpiTables: resolved must be a resolved topology']],
  tableResolver: [[[5], 'tableResolver: signature must be a string']],
  dmarFromTopology: [[[{}], 'dmarFromTopology: resolved must be a resolved topology']],
  resolveDmar: [[[{}], 'resolveDmar: table must be a DMAR model'], [['DMAR', 5], 'resolveDmar: resolved must be a resolved topology']],
  decodeViot: [[['abc'], 'decodeViot: bytes must be a Uint8Array'], [[new Uint16Array(4)], 'not a Uint16Array']],
  encodeViot: [[[undefined], 'encodeViot: table must be a table model']],
  resolveViot: [[[{}], 'resolveViot: table must be a VIOT model ({nodes, ...})']],
  viotFromTopology: [[[null], 'viotFromTopology: resolved must be a resolved topology']],
  buildOutputs: [[[{ topology: {} }], 'buildOutputs: resolved must be a resolved topology (from resolveTopology): its hostBridges must be an array']],
  loadInput: [[['x.dat', new ArrayBuffer(4)], 'loadInput: bytes must be a Uint8Array'], [[5, new Uint8Array(4)], 'loadInput: file must be a string'], [['x.dts', new Uint8Array(4), { readInclude: 'dir' }], 'its readInclude must be a function']],
  buildReport: [[[[{ name: 'a', bytes: 'text' }]], 'buildReport: files [0] must be a named input ({name, bytes}): its bytes must be a Uint8Array']],
  buildDiff: [[[[], null], 'buildDiff: b must be an array']],
  loadTopologyFile: [[[''], 'loadTopologyFile: path must not be empty'], [[undefined], 'loadTopologyFile: path must be a string']],
  writeFileAtomic: [[['', 'x'], 'writeFileAtomic: path must not be empty']],
};

const topology = ridmap.loadTopologyFile(join(TABLES_DIR, 'q35-vtd-pci-bridge.yaml'));
const resolved = ridmap.resolveTopology(topology);
const dmar = ridmap.buildOutputs(resolved).outputs.find((o) => o.name === 'DMAR.dat')!.data as Uint8Array;
const table = ridmap.decodeTable(dmar);
/** Placeholders for the valid arguments beside the wrong one. */
const valid = (a: unknown): unknown => (a === 'RESOLVED' ? resolved : a === 'TABLE' ? table : a === 'DMAR' ? table.model : a === 'topo' ? topology : a);

async function refusal(f: (...args: unknown[]) => unknown, args: unknown[]): Promise<unknown> {
  try {
    await f(...args.map(valid));
  } catch (e) {
    return e;
  }
  return undefined;
}

describe('the library API checks its arguments', () => {
  const functions = Object.entries(api).filter(([name, v]) => typeof v === 'function' && name !== 'InputError').map(([name]) => name);

  it('every exported function has refusals listed here', () => {
    expect(functions.filter((name) => !REFUSED[name])).toEqual([]);
  });

  for (const [name, cases] of Object.entries(REFUSED)) {
    it(`${name} throws InputError naming what is wrong`, async () => {
      for (const [args, message] of cases) {
        const e = await refusal(api[name]!, args);
        expect(e, `${name}(${args.map(String).join(', ')})`).toBeInstanceOf(InputError);
        expect((e as InputError).message).toContain(message);
      }
    });
  }

  it('the async functions reject rather than throw', async () => {
    await expect(ridmap.loadInput(5 as never, new Uint8Array(4))).rejects.toBeInstanceOf(InputError);
  });

  it('valid arguments still work: rid, formatSbdf, lookupRid', () => {
    expect(ridmap.rid(0xff, 0xff)).toBe(0xffff);
    expect(ridmap.formatSbdf(1, ridmap.rid(2, 0x1b))).toBe('0001:02:03.3');
    expect(ridmap.lookupRid(resolved.map.translations, 0, ridmap.rid(0, 0x10))).toEqual({ iommu: 'vtd@0xfed90000', outputId: 0x10 });
  });
});

describe('writeFileAtomic writes exactly the bytes given, or refuses', () => {
  it('an ArrayBuffer, a DataView or a Uint16Array is refused and the old file kept', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'ridmap-api-')), 'out.dat');
    writeFileSync(file, 'old');
    for (const data of [new ArrayBuffer(8), new DataView(new ArrayBuffer(8)), new Uint16Array([1, 2, 3, 4])]) {
      expect(() => ridmap.writeFileAtomic(file, data as never)).toThrow(/writeFileAtomic: data must be a string or a Uint8Array/);
      expect(readFileSync(file, 'utf8')).toBe('old');
    }
    ridmap.writeFileAtomic(file, Buffer.from([1, 2, 3]));
    expect([...readFileSync(file)]).toEqual([1, 2, 3]);
    const view = new Uint8Array([9, 8, 7, 6]).subarray(1, 3);
    ridmap.writeFileAtomic(file, view);
    expect([...readFileSync(file)]).toEqual([8, 7]);
  });
});
