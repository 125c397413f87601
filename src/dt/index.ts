/**
 * The Device Tree API the CLI calls: DTS and DTB in both directions, the
 * board DT of a topology, the translation map a DT says, and the named
 * checks. Pure: bytes and strings in and out; files are the caller's.
 */
import { encodeDtb as encodeLaidOut } from './dtb-write.js';
import { layoutTree } from './layout.js';
import type { DtTree } from './tree.js';

export { DT_CHECKS, checkDt, type DtCheck } from './checks.js';
export { decodeDtb, type DtbDecode } from './dtb-read.js';
export { cleanDtb, printDtb, writeCleanDtb, writeDtb } from './dtb-print.js';
export { DTS_REFUSED, parseDts, parseDtsWith, parsePlain, type DtsParse, type IncludedFile, type IncludeRefused, type ParseDtsOptions } from './dts-parse.js';
export { dtsParser } from './ts-parser.js';
export { plainDtsToDtb } from './dts-plain-dtb.js';
export { formatDts, namesDtsCannotWrite } from './dts-write.js';
export { dtFromTopology, topologyHasDt, type DtBuild } from './from-topology.js';
export { treeToJson, type DtTreeJson } from './json.js';
export { DT_SOURCE, resolveDt } from './resolve.js';
export type { DtChunk, DtNode, DtProperty, DtRef, DtTree } from './tree.js';

/**
 * The tree as a DTB, byte for byte what `dtc -I dts -O dtb` makes of
 * formatDts(tree). Throws InputError (every problem listed) for a tree dtc
 * would refuse: dangling references, undefined macros, duplicate labels.
 */
export function encodeDtb(tree: DtTree): Uint8Array {
  // The DTB writer needs the references laid out, not each value's bytes (it writes them in place).
  return encodeLaidOut(layoutTree(tree, { bytes: false }));
}
