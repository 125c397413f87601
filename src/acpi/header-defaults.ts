/**
 * The ACPI header of a table ridmap generates: the topology's `acpi` defaults,
 * else ridmap's own names. Length and checksum are derived by the encoder.
 */
import type { Topology } from '../model/topology-schema.js';
import type { AcpiHeader } from './header.js';

export const DEFAULT_OEM_ID = 'RIDMAP';
export const DEFAULT_CREATOR_ID = 'RDMP';

export function generatedHeader(topology: Topology, signature: string, revision: number): AcpiHeader {
  const acpi = topology.acpi ?? {};
  return {
    signature,
    revision,
    oemId: pad(acpi.oemId ?? DEFAULT_OEM_ID, 6),
    // The table ID names the platform; default: the signature behind a prefix, as EDK2 does.
    oemTableId: pad(acpi.oemTableId ?? `RIDM${signature}`, 8),
    oemRevision: acpi.oemRevision ?? 1,
    creatorId: pad(acpi.creatorId ?? DEFAULT_CREATOR_ID, 4),
    creatorRevision: acpi.creatorRevision ?? 1,
  };
}

/** Fixed-width header strings are space padded, as iasl and EDK2 write them, so a decoded table reads back the same. */
function pad(text: string, width: number): string {
  return text.padEnd(width, ' ');
}
