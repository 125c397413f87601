/**
 * Broken DMAR tables, one per diagnostic code they must raise. The bytes are
 * generated here from smallDmar() and stored as test/fixtures/acpi-invalid/
 * <code>.hex so that they can be read, diffed and fed to the CLI; the test
 * checks that the files still equal what this file generates
 * (RIDMAP_UPDATE_FIXTURES=1 rewrites them).
 *
 * smallDmar() layout: header 0x00-0x2f, DRHD at 0x30 (Length at 0x32), IOAPIC
 * scope at 0x40 (Length at 0x41), its path at 0x46, table end 0x48.
 */
import type { Severity } from '../../src/diagnostic.js';
import { append, encodeModel, patch, smallDmar } from './dmar-fixtures.js';

export interface InvalidCase {
  /** File name without .hex: the code, plus `.variant` when one code has several cases. */
  name: string;
  description: string;
  expect: { severity: Severity; code: string; offset: number };
  /** Every code decode reports, in order. */
  codes: string[];
  bytes: () => Uint8Array;
}

const small = (): Uint8Array => encodeModel(smallDmar());

export const invalidCases: readonly InvalidCase[] = [
  {
    name: 'acpi-header-truncated',
    description: 'only 20 bytes: the ACPI header is cut inside the OEM Table ID',
    expect: { severity: 'error', code: 'acpi-header-truncated', offset: 0 },
    codes: ['acpi-header-truncated', 'bin-truncated'],
    bytes: () => small().slice(0, 20),
  },
  {
    name: 'acpi-length-beyond-buffer',
    description: 'Length says 256 bytes, 72 are present',
    expect: { severity: 'error', code: 'acpi-length-beyond-buffer', offset: 4 },
    codes: ['acpi-length-beyond-buffer'],
    bytes: () => patch(small(), [[4, 4, 256]]),
  },
  {
    name: 'acpi-length-short',
    description: 'Length 20 is shorter than the 36-byte header',
    expect: { severity: 'error', code: 'acpi-length-short', offset: 4 },
    codes: ['acpi-length-short'],
    bytes: () => patch(small(), [[4, 4, 20]]),
  },
  {
    name: 'acpi-bad-checksum',
    description: 'checksum byte off by one (a warning: firmware fixes checksums at install time)',
    expect: { severity: 'warning', code: 'acpi-bad-checksum', offset: 9 },
    codes: ['acpi-bad-checksum'],
    bytes: () => {
      const b = small();
      b[9] = (b[9]! + 1) & 0xff;
      return b;
    },
  },
  {
    name: 'acpi-bytes-after-table',
    description: '4 bytes after the table Length (not part of the table)',
    expect: { severity: 'warning', code: 'acpi-bytes-after-table', offset: 0x48 },
    codes: ['acpi-bytes-after-table'],
    bytes: () => Uint8Array.from([...small(), 0xde, 0xad, 0xbe, 0xef]),
  },
  {
    name: 'bin-truncated',
    description: 'table Length 0x32: 2 bytes where a remapping structure header needs 4',
    expect: { severity: 'error', code: 'bin-truncated', offset: 0x30 },
    codes: ['bin-truncated'],
    bytes: () => patch(small().slice(0, 0x32), [[4, 4, 0x32]]),
  },
  {
    name: 'bin-zero-length',
    description: 'DRHD Length 0: the walk must stop, not loop',
    expect: { severity: 'error', code: 'bin-zero-length', offset: 0x30 },
    codes: ['bin-zero-length'],
    bytes: () => patch(small(), [[0x32, 2, 0]]),
  },
  {
    name: 'bin-length-short',
    description: 'an RHSA whose Length 8 is shorter than its 20-byte fixed part (kept raw)',
    expect: { severity: 'error', code: 'bin-length-short', offset: 0x48 },
    codes: ['bin-length-short'],
    bytes: () => append(small(), [3, 0, 8, 0, 0, 0, 0, 0]),
  },
  {
    name: 'bin-length-overrun',
    description: 'device scope Entry Length 16 runs 8 bytes past its DRHD',
    expect: { severity: 'error', code: 'bin-length-overrun', offset: 0x40 },
    codes: ['bin-length-overrun'],
    bytes: () => patch(small(), [[0x41, 1, 16]]),
  },
  {
    name: 'bin-length-overrun.drhd',
    description: 'DRHD Length 0x30 runs past the end of the table',
    expect: { severity: 'error', code: 'bin-length-overrun', offset: 0x30 },
    codes: ['bin-length-overrun'],
    bytes: () => patch(small(), [[0x32, 2, 0x30]]),
  },
  {
    name: 'bin-partial-element',
    description: 'device scope path of 3 bytes: one whole (device, function) hop and an odd byte',
    expect: { severity: 'warning', code: 'bin-partial-element', offset: 0x48 },
    codes: ['bin-partial-element'],
    bytes: () => patch(append(small(), [0xaa]), [[0x32, 2, 0x19], [0x41, 1, 9]]),
  },
  {
    name: 'bin-unknown-type',
    description: 'a remapping structure of reserved type 9 (kept as raw bytes)',
    expect: { severity: 'warning', code: 'bin-unknown-type', offset: 0x48 },
    codes: ['bin-unknown-type'],
    bytes: () => append(small(), [9, 0, 8, 0, 1, 2, 3, 4]),
  },
  {
    name: 'bin-reserved-nonzero',
    description: 'the DMAR header Reserved bytes are not zero (kept)',
    expect: { severity: 'warning', code: 'bin-reserved-nonzero', offset: 0x26 },
    codes: ['bin-reserved-nonzero'],
    bytes: () => patch(small(), [[0x26, 1, 0x5a]]),
  },
  {
    name: 'bin-reserved-bits',
    description: 'DMAR Flags bit 7 (reserved) set',
    expect: { severity: 'warning', code: 'bin-reserved-bits', offset: 0x25 },
    codes: ['bin-reserved-bits'],
    bytes: () => patch(small(), [[0x25, 1, 0x81]]),
  },
  {
    name: 'bin-unknown-enum',
    description: 'device scope type 9 (reserved)',
    expect: { severity: 'warning', code: 'bin-unknown-enum', offset: 0x40 },
    codes: ['bin-unknown-enum'],
    bytes: () => patch(small(), [[0x40, 1, 9]]),
  },
  {
    name: 'bin-trailing-bytes',
    description: 'an RHSA with Length 24: 4 bytes after its last field',
    expect: { severity: 'warning', code: 'bin-trailing-bytes', offset: 0x5c },
    codes: ['bin-trailing-bytes'],
    bytes: () => append(small(), [3, 0, 24, 0, 0, 0, 0, 0, 0, 0x10, 0xd9, 0xfe, 0, 0, 0, 0, 0, 0, 0, 0, 0xee, 0xee, 0xee, 0xee]),
  },
  {
    name: 'bin-unterminated-string',
    description: 'an ANDD whose device name has no NUL inside its Length',
    expect: { severity: 'error', code: 'bin-unterminated-string', offset: 0x50 },
    codes: ['bin-unterminated-string'],
    bytes: () => append(small(), [4, 0, 12, 0, 0, 0, 0, 1, 0x5c, 0x5f, 0x53, 0x42]),
  },
];

/** The .hex file text: comment lines, then 16 bytes a line. */
export function fixtureText(c: InvalidCase): string {
  const b = c.bytes();
  const lines = [
    `# ${c.name}: ${c.description}`,
    `# expect: ${c.expect.severity} [${c.expect.code}] at 0x${c.expect.offset.toString(16)}`,
  ];
  for (let i = 0; i < b.length; i += 16) {
    lines.push(Array.from(b.subarray(i, i + 16), (x) => x.toString(16).padStart(2, '0')).join(' '));
  }
  return lines.join('\n') + '\n';
}

export function parseFixture(text: string): Uint8Array {
  const hex = text.split('\n').filter((l) => !l.startsWith('#')).join(' ').trim();
  return Uint8Array.from(hex.split(/\s+/).filter(Boolean), (h) => parseInt(h, 16));
}
