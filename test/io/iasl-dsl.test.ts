import { describe, expect, it } from 'vitest';
import { parseDslRawData } from '../../src/io/iasl-dsl.js';
import { plain } from '../acpi/bytes.js';
import { encodeModel, smallDmar } from '../acpi/dmar-fixtures.js';

function dsl(bytes: Uint8Array, declared = bytes.length): string {
  const lines = ['/*', ' * Intel ACPI Component Architecture', ' */', '', '[000h 0000 004h]                   Signature : "DMAR"', '',
    `Raw Table Data: Length ${declared} (0x${declared.toString(16).toUpperCase()})`, ''];
  for (let i = 0; i < bytes.length; i += 16) {
    const chunk = Array.from(bytes.subarray(i, i + 16));
    lines.push(`    ${i.toString(16).toUpperCase().padStart(4, '0')}: ${chunk.map((b) => b.toString(16).toUpperCase().padStart(2, '0')).join(' ').padEnd(47)}  // ${'.'.repeat(chunk.length)}`);
  }
  return lines.join('\n') + '\n';
}

describe('iasl .dsl Raw Table Data', () => {
  const dmar = encodeModel(smallDmar());
  it('takes the hex after "Raw Table Data:"', () => {
    const r = parseDslRawData(dsl(dmar));
    expect(r.diagnostics).toEqual([]);
    expect(plain(r.bytes!)).toEqual(plain(dmar));
  });
  it('reads CRLF files', () => {
    expect(plain(parseDslRawData(dsl(dmar).replace(/\n/g, '\r\n')).bytes!)).toEqual(plain(dmar));
  });
  it('warns when the dump is not the declared length', () => {
    const r = parseDslRawData(dsl(dmar, dmar.length + 4));
    expect(r.diagnostics).toMatchObject([{ code: 'dsl-length-mismatch', severity: 'warning', line: 7 }]);
  });
  it('is an error without Raw Table Data (an AML disassembly)', () => {
    const r = parseDslRawData('DefinitionBlock ("", "SSDT", 2, "INTEL", "x", 0x1000) {}\n');
    expect(r.bytes).toBeUndefined();
    expect(r.diagnostics).toMatchObject([{ code: 'dsl-no-raw-data', severity: 'error' }]);
  });
});
