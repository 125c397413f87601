/**
 * Hand-built DMAR tables: one with every remapping structure and every
 * device-scope type (built as a model, so encode makes the bytes), and a
 * helper to patch encoded bytes for unusual or broken tables.
 */
import { computeChecksum } from '../../src/acpi/header.js';
import type { DmarDeviceScope, DmarTable } from '../../src/acpi/dmar/model.js';
import { encodeTable } from '../../src/acpi/table.js';
import type { Model } from '../../src/codec/index.js';

const scope = (type: number, startBusNumber: number, path: [number, number][], extra: Partial<DmarDeviceScope> = {}): DmarDeviceScope => ({
  type,
  flags: 0,
  enumerationId: 0,
  startBusNumber,
  path: path.map(([device, fn]) => ({ device, function: fn })),
  ...extra,
});

function header(oemTableId: string): Omit<DmarTable, 'hostAddressWidth' | 'flags' | 'remappingStructures'> {
  // Padded as decode reads them back (encode pads with spaces).
  return { signature: 'DMAR', revision: 1, oemId: 'RIDMAP', oemTableId: oemTableId.padEnd(8), oemRevision: 1, creatorId: 'RDMP', creatorRevision: 0x20250101 };
}

/**
 * Every structure type and every scope type. SATC, SIDP and a reserved type
 * come last: iasl 2020 stops at the first type it does not know, so the
 * structures before them are still checked against it.
 */
export function everyStructureDmar(): DmarTable {
  return {
    ...header('EVERY'),
    hostAddressWidth: 45,
    flags: 0x7,
    remappingStructures: [
      {
        type: 'DRHD', flags: 0, size: 3, segmentNumber: 0, registerBaseAddress: 0xfed90000n,
        deviceScopes: [
          scope(1, 0, [[0x02, 0]]),
          scope(2, 0, [[0x1c, 0], [0x00, 0], [0x01, 0]]),
          scope(1, 0x80, [[0x1c, 4], [0x00, 2]]),
        ],
      },
      {
        type: 'DRHD', flags: 1, size: 0, segmentNumber: 0, registerBaseAddress: 0xfed91000n,
        deviceScopes: [
          scope(3, 0xf0, [[0x1f, 0]], { enumerationId: 2 }),
          scope(4, 0x00, [[0x1f, 7]], { enumerationId: 0 }),
          scope(5, 0x00, [[0x15, 0]], { enumerationId: 1 }),
          scope(5, 0x00, [[0x15, 1]], { enumerationId: 2 }),
        ],
      },
      {
        type: 'RMRR', segmentNumber: 0, baseAddress: 0x7c000000n, limitAddress: 0x7c7fffffn,
        deviceScopes: [scope(1, 0, [[0x14, 0]]), scope(1, 0, [[0x1a, 0]])],
      },
      { type: 'ATSR', flags: 0, segmentNumber: 0, deviceScopes: [scope(2, 0, [[0x1c, 0]]), scope(2, 0, [[0x01, 0]])] },
      { type: 'ATSR', flags: 1, segmentNumber: 1, deviceScopes: [] },
      { type: 'RHSA', registerBaseAddress: 0xfed90000n, proximityDomain: 1 },
      { type: 'ANDD', acpiDeviceNumber: 1, acpiObjectName: '\\_SB.PCI0.I2C0', padding: new Uint8Array(5) },
      { type: 'ANDD', acpiDeviceNumber: 2, acpiObjectName: '\\_SB.PCI0.SPI1' },
      { type: 'SATC', flags: 1, segmentNumber: 0, deviceScopes: [scope(1, 0, [[0x02, 0]], { flags: 0x10 }), scope(1, 0, [[0x0b, 0]])] },
      {
        type: 'SIDP', segmentNumber: 0,
        deviceScopes: [scope(1, 0, [[0x02, 0]], { flags: 0x1f }), scope(1, 0, [[0x05, 0]], { flags: 0x08 })],
      },
      { type: 7, raw: Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8]) },
    ],
  };
}

/** A small table: one DRHD with one IOAPIC scope (72 bytes). Offsets: DRHD 0x30, scope 0x40, path 0x46. */
export function smallDmar(): DmarTable {
  return {
    ...header('SMALL'),
    hostAddressWidth: 38,
    flags: 1,
    remappingStructures: [
      { type: 'DRHD', flags: 1, size: 0, segmentNumber: 0, registerBaseAddress: 0xfed91000n, deviceScopes: [scope(3, 0xf0, [[0x1f, 0]], { enumerationId: 2 })] },
    ],
  };
}

/** Just over 1 MB of device scopes (16 DRHDs of 8,000 scopes of every type): the size the decoder and the page must handle briskly. */
export function largeDmar(): DmarTable {
  const remappingStructures = Array.from({ length: 16 }, (_, d) => ({
    type: 'DRHD' as const, flags: 0, size: 0, segmentNumber: 0, registerBaseAddress: BigInt(0xfed90000 + d * 4096),
    deviceScopes: Array.from({ length: 8000 }, (_, i) => scope(1 + (i % 5), d, [[i % 32, i % 8]])),
  }));
  return { ...smallDmar(), remappingStructures };
}

export function encodeModel(model: DmarTable | Model): Uint8Array {
  const e = encodeTable(model as unknown as Model);
  if (!e.bytes) throw new Error(e.diagnostics.map((d) => d.message).join('\n'));
  return e.bytes;
}

/** Little-endian write into a copy of `bytes`, then the checksum made right again (unless told not to). */
export function patch(bytes: Uint8Array, edits: readonly [offset: number, size: number, value: number][], fixChecksum = true): Uint8Array {
  const out = Uint8Array.from(bytes);
  for (const [at, size, value] of edits) for (let i = 0; i < size; i++) out[at + i] = Math.floor(value / 2 ** (8 * i)) & 0xff;
  if (fixChecksum && out.length >= 36) {
    const len = Math.min(out.length, out[4]! | (out[5]! << 8) | (out[6]! << 16) | (out[7]! << 24));
    out[9] = computeChecksum(out, Math.max(len, 10));
  }
  return out;
}

/** Appends bytes and grows the table Length to match (checksum fixed). */
export function append(bytes: Uint8Array, extra: readonly number[]): Uint8Array {
  const out = new Uint8Array(bytes.length + extra.length);
  out.set(bytes);
  out.set(extra, bytes.length);
  return patch(out, [[4, 4, out.length]]);
}
