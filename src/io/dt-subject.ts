/**
 * Device Trees as subjects (subject.ts): a DTB or a DTS is one `DT` subject
 * whose named DT checks join what reading it reported, and which resolves as
 * Linux's of_map_id does. The two differ in how they are read, in what their
 * bytes are and in what their round trip can promise.
 */
import { equalBytes, type Model } from '../codec/index.js';
import { hasErrors, InputError, type Diagnostic } from '../diagnostic.js';
import type { Parser } from 'web-tree-sitter';
import { checkDt, decodeDtb, DTS_REFUSED, dtsParser, encodeDtb, formatDts, cleanDtb, namesDtsCannotWrite, parseDtsWith, parsePlain, printDtb, writeCleanDtb, resolveDt, treeToJson, type DtTree, type ParseDtsOptions } from '../dt/index.js';
import type { RoundTrip, TableSubject } from './subject.js';

/** What reading a tree gave: the tree and what reading it reported (subject.ts's Decoded). */
interface DtRead {
  readonly tree: DtTree;
  readonly diagnostics: Diagnostic[];
}

/**
 * A DTB: its bytes are the blob as read. The tree is decoded when first
 * needed: `decode` of a blob that reads cleanly prints it straight from its
 * bytes (dtb-print.ts) and never builds it; anything that needs the tree
 * (check, map, diff, JSON), or a blob that does not read cleanly, decodes it.
 */
export function dtbSubject(bytes: Uint8Array, file: string): TableSubject {
  let decoded: DtRead | undefined;
  const decode = () => (decoded ??= decodeDtb(bytes, file));
  /** Whether the blob is clean (dtb-print.ts): asked once, and only while the tree is not built. */
  let clean: boolean | undefined;
  const isClean = () => (clean ??= !decoded && cleanDtb(bytes));
  const read: DtRead = {
    get tree() {
      return decode().tree;
    },
    // Clean is no diagnostic at all; otherwise the tree's reading says what.
    get diagnostics() {
      return isClean() ? [] : decode().diagnostics;
    },
  };
  return dtSubject(read, file, () => bytes, () => dtbRoundTrip(read.tree, bytes, read.diagnostics), {
    printText: () => (isClean() ? printDtb(bytes)! : formatDts(read.tree)),
    writeText: (sink) => {
      if (!isClean()) return false;
      writeCleanDtb(bytes, sink);
      return true;
    },
    // A clean blob's names are all ones DTS spells; else the tree's printer says what it left out.
    leftOutOfText: () => (isClean() ? [] : namesDtsCannotWrite(read.tree)),
  });
}

/**
 * A DTS: its bytes are the DTB it compiles to (byte for byte what dtc makes
 * of it), so that `diff board.dts board.dtb` compares like with like. A tree
 * that does not compile (a duplicate label, which the DT checks name) keeps
 * the source text's bytes.
 *
 * Plain DTS (generated trees, `dtc -O dts`, ridmap's own) is read without
 * the tree-sitter grammar, whose wasm costs more to load than such a file
 * takes to read; anything else loads it, and it stays loaded so that the
 * round trip parses again only when asked.
 *
 * A source dtc refuses outright (DTS_REFUSED: a syntax error, a reference
 * that names no node) is no tree to check but unreadable input, as a missing
 * file is: InputError, so that every command exits 2 on it, as dtc does.
 */
export async function dtsSubject(text: string, file: string, opts: ParseDtsOptions): Promise<TableSubject> {
  const plain = parsePlain(text);
  const parser = plain ? undefined : await dtsParser();
  const { tree, diagnostics } = plain ?? parseDtsWith(parser!, text, file, opts);
  if (diagnostics.some((d) => DTS_REFUSED.has(d.code))) throw new InputError(diagnostics);
  return dtSubject({ tree, diagnostics }, file, () => compiled(tree) ?? new TextEncoder().encode(text), () => dtsRoundTrip(parser, tree, diagnostics, file), {
    printText: () => formatDts(tree),
    leftOutOfText: () => namesDtsCannotWrite(tree),
  });
}

/**
 * The JSON form, the named checks and (for a DTS) the compiled bytes cost
 * more than reading a large tree: each is made when first asked for (check,
 * diff), not for `decode`, which only prints the tree.
 */
/** printText (and writeText), and what it left out (leftOutOfText), as each kind of input prints. */
type DtPrint = Pick<TableSubject, 'printText' | 'writeText' | 'leftOutOfText'>;

function dtSubject(read: DtRead, file: string, bytesOf: () => Uint8Array, roundTrip: () => RoundTrip, print: DtPrint): TableSubject {
  let model: Model | undefined;
  let all: Diagnostic[] | undefined;
  let bytes: Uint8Array | undefined;
  return {
    format: 'DT',
    name: 'DT',
    file,
    // Reading is lenient: a tree that reads with errors is still a tree, as a partly decoded ACPI
    // table is still its model, so the checks run and table-structure reports what went wrong.
    modelled: true,
    get model() {
      return (model ??= treeToJson(read.tree) as unknown as Model);
    },
    get bytes() {
      return (bytes ??= bytesOf());
    },
    get diagnostics() {
      return (all ??= [...read.diagnostics, ...checkDt(read.tree)]);
    },
    resolve: (resolved) => resolveDt(read.tree, resolved),
    roundTrip,
    ...print,
    decoded: read,
  };
}

/**
 * A DTB is laid out afresh on encode (dtc's order, no free space), so a blob
 * from elsewhere (QEMU pads to 1 MiB) need not come back byte for byte; what
 * must come back is the tree.
 */
function dtbRoundTrip(tree: DtTree, bytes: Uint8Array, diagnostics: readonly Diagnostic[]): RoundTrip {
  if (hasErrors(diagnostics)) return { status: 'skipped', reason: 'the DTB does not decode cleanly' };
  let again: Uint8Array;
  try {
    again = encodeDtb(tree);
  } catch (e) {
    return { status: 'differs', detail: `the decoded tree does not encode: ${(e as Error).message}` };
  }
  if (equalBytes(again, bytes)) return { status: 'identical', size: bytes.length };
  return sameTree(decodeDtb(again).tree, tree)
    ? { status: 'equivalent', detail: 'laid out afresh (not byte for byte); the tree comes back the same' }
    : { status: 'differs', detail: 'encoding the decoded tree and decoding it again gives another tree' };
}

/**
 * A DTS cannot come back as written: comments, spacing, /include/s, macros
 * and bodies merged by label are gone once parsed. What must come back is
 * the tree, labels and references included: printed as DTS and parsed
 * again (plain, as what ridmap prints is; with the grammar the first parse
 * loaded otherwise), it is the same.
 */
function dtsRoundTrip(parser: Parser | undefined, tree: DtTree, diagnostics: readonly Diagnostic[], file: string): RoundTrip {
  if (hasErrors(diagnostics)) return { status: 'skipped', reason: 'the DTS does not parse cleanly' };
  const printed = formatDts(tree);
  const again = parsePlain(printed) ?? (parser && parseDtsWith(parser, printed, file));
  // Read plain, printed not (no input known does this: test/dt/dts-plain.test.ts): the grammar is not loaded to read it.
  if (!again) return { status: 'skipped', reason: 'read as plain DTS, the tree does not print as plain DTS' };
  const problem = again.diagnostics.find((d) => d.severity === 'error');
  if (problem) return { status: 'differs', detail: `the tree printed as DTS does not parse again: ${problem.message}` };
  return sameTree(again.tree, tree)
    ? { status: 'equivalent', detail: 'printed as DTS and parsed again, the tree comes back the same' }
    : { status: 'differs', detail: 'printing the parsed tree as DTS and parsing it again gives another tree' };
}

const sameTree = (a: DtTree, b: DtTree) => JSON.stringify(treeToJson(a)) === JSON.stringify(treeToJson(b));

/** The DTB dtc would make of the tree, or undefined when the tree is one dtc refuses. */
function compiled(tree: DtTree): Uint8Array | undefined {
  try {
    return encodeDtb(tree);
  } catch (e) {
    if (e instanceof InputError) return undefined;
    throw e;
  }
}
