/**
 * What makes two MCFG allocations "the same one" in two tables, for the
 * diff: the PCI segment group and first bus they give configuration space
 * for (one ECAM window per segment and bus range).
 */
import type { Model } from '../../codec/index.js';

/** By the declaration's typeName. */
export const MCFG_IDENTITIES: Readonly<Record<string, (m: Model) => string>> = {
  McfgAllocation: (m) => `segment ${String(m['segment'])} bus ${String(m['startBus'])}`,
};
