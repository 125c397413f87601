/** Addresses are numbers or hex strings in the document; checks compare them as 64-bit bigints. */
import type { Address } from '../topology-schema.js';

export function addressValue(a: Address): bigint {
  return BigInt(a);
}

export function formatAddress(a: bigint): string {
  return `0x${a.toString(16)}`;
}
