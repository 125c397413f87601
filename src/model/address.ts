/**
 * Addresses from the topology (schema `Address`): a JSON/YAML integer, or a
 * "0x..." string for values an IEEE double cannot hold exactly (above 2^53).
 * Everything past the schema handles them as bigint so that no 64-bit value
 * is ever rounded.
 */
import type { Address } from './topology-schema.js';

export function parseAddress(value: Address): bigint {
  // BigInt("0x...") parses hex; the schema has already checked the form.
  return typeof value === 'string' ? BigInt(value.toLowerCase()) : BigInt(value);
}

/** `0x` + lower-case hex without leading zeros: the form IOMMU identities use (DESIGN.md). */
export function formatAddress(value: bigint): string {
  return `0x${value.toString(16)}`;
}
