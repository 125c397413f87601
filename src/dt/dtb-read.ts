/**
 * A DTB (FDT v17, v16 read too) to the live tree. Lenient (DESIGN practice
 * 3): every problem is a diagnostic with a stable code, the node or property
 * path and the byte offset in the blob; whatever is readable is kept. It never
 * throws and never loops without advancing: every token read moves forward
 * by at least 4 bytes inside a bounded block, and nesting stops at
 * FDT_MAX_DEPTH.
 *
 * Property values have no source form in a DTB; each is one `raw` chunk.
 */
import { inFile, type Diagnostic } from '../diagnostic.js';
import { readByteString } from './byte-string.js';
import {
  alignUp,
  FDT_BEGIN_NODE,
  FDT_END,
  FDT_END_NODE,
  FDT_HEADER_FIELDS,
  FDT_MAGIC,
  FDT_MAX_DEPTH,
  FDT_MIN_READ_VERSION,
  FDT_NOP,
  FDT_PROP,
  FDT_RESERVE_ALIGN,
  FDT_RESERVE_ENTRY_SIZE,
  FDT_TAG_ALIGN,
  FDT_V16_HEADER_SIZE,
  FDT_V17_HEADER_SIZE,
  FDT_VERSION,
  type FdtHeader,
} from './fdt.js';
import { childPropertyPath } from './layout.js';
import { childPath, createNode, emptyTree, type DtNode, type DtReservation, type DtTree } from './tree.js';

export interface DtbDecode {
  tree: DtTree;
  /** Undefined when not even the header could be read. */
  header?: FdtHeader;
  diagnostics: Diagnostic[];
}

export interface Block {
  name: string;
  start: number;
  end: number;
}

class Reader {
  readonly view: DataView;
  readonly diagnostics: Diagnostic[] = [];
  constructor(readonly bytes: Uint8Array) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }
  u32(at: number): number {
    return this.view.getUint32(at);
  }
  report(severity: Diagnostic['severity'], code: string, message: string, offset: number, path?: string): void {
    this.diagnostics.push({ severity, code, message, offset, ...(path === undefined ? {} : { path }) });
  }
}

/** `file`, when given, is put on every diagnostic. */
export function decodeDtb(bytes: Uint8Array, file?: string): DtbDecode {
  const decoded = decodeBlob(bytes);
  return file === undefined ? decoded : { ...decoded, diagnostics: inFile(file, decoded.diagnostics) };
}

/** Where the blocks are, as the header says and as far as they check out; diagnostics go to the reader. */
export interface DtbBlocks {
  header: FdtHeader;
  reservations: DtReservation[];
  struct: Block;
  strings: Block;
}

function decodeBlob(bytes: Uint8Array): DtbDecode {
  const r = new Reader(bytes);
  const tree = emptyTree();
  const blocks = readBlocks(r);
  if (!blocks) return { tree, diagnostics: r.diagnostics };
  tree.bootCpuidPhys = blocks.header.bootCpuidPhys;
  tree.memoryReservations = blocks.reservations;
  tree.root = readStructure(r, blocks.struct, blocks.strings) ?? tree.root;
  return { tree, header: blocks.header, diagnostics: r.diagnostics };
}

/**
 * The blocks of a blob whose header, memory reservations and block bounds
 * read without a diagnostic; undefined otherwise. For a reader of the
 * structure block other than the tree's (dtb-print.ts), which must see
 * exactly what decodeDtb would call clean.
 */
export function cleanDtbBlocks(bytes: Uint8Array): DtbBlocks | undefined {
  const r = new Reader(bytes);
  const blocks = readBlocks(r);
  return blocks && r.diagnostics.length === 0 ? blocks : undefined;
}

function readBlocks(r: Reader): DtbBlocks | undefined {
  const bytes = r.bytes;
  const header = readHeader(r);
  if (!header) return undefined;
  const headerSize = header.sizeDtStruct === undefined ? FDT_V16_HEADER_SIZE : FDT_V17_HEADER_SIZE;
  let limit = bytes.length;
  if (header.totalsize > bytes.length) {
    r.report('error', 'dtb-truncated', `totalsize is ${header.totalsize} bytes but the blob has ${bytes.length}`, 4, 'header/totalsize');
  } else if (header.totalsize < headerSize) {
    r.report('error', 'dtb-bad-totalsize', `totalsize ${header.totalsize} is smaller than the ${headerSize}-byte header`, 4, 'header/totalsize');
  } else {
    limit = header.totalsize;
  }

  const reservations = readReservations(r, header.offMemRsvmap, limit, headerSize);
  const strings: Block = { name: 'strings block', start: header.offDtStrings, end: header.offDtStrings + header.sizeDtStrings };
  const struct: Block = {
    name: 'structure block',
    start: header.offDtStruct,
    // v16 does not say where the structure ends: up to the next block, or the end of the blob.
    end: header.sizeDtStruct === undefined ? nextBlockStart(header, limit) : header.offDtStruct + header.sizeDtStruct,
  };
  const blocks = [reservations.block, struct, strings];
  checkBlocks(r, blocks, headerSize, limit);
  if (header.offDtStruct % FDT_TAG_ALIGN !== 0) {
    r.report('warning', 'dtb-misaligned', `structure block at ${header.offDtStruct} is not 4-byte aligned`, 8, 'header/off_dt_struct');
  }
  return { header, reservations: reservations.entries, struct: clamp(struct, limit), strings: clamp(strings, limit) };
}

function readHeader(r: Reader): FdtHeader | undefined {
  const size = r.bytes.length;
  if (size < 4 || r.u32(0) !== FDT_MAGIC) {
    const found = size < 4 ? `only ${size} bytes` : `0x${r.u32(0).toString(16).padStart(8, '0')}`;
    r.report('error', 'dtb-bad-magic', `not a DTB: magic is ${found}, expected 0xd00dfeed`, 0, 'header/magic');
    return undefined;
  }
  if (size < FDT_V16_HEADER_SIZE) {
    r.report('error', 'dtb-truncated', `the blob is ${size} bytes, shorter than the FDT header`, 0, 'header');
    return undefined;
  }
  const values = FDT_HEADER_FIELDS.map((_, i) => (i * 4 + 4 <= size ? r.u32(i * 4) : undefined));
  const header = Object.fromEntries(FDT_HEADER_FIELDS.map((f, i) => [f, values[i]])) as unknown as FdtHeader;
  if (header.version < FDT_MIN_READ_VERSION) {
    r.report('error', 'dtb-unsupported-version', `FDT version ${header.version}; versions from 16 are read`, 20, 'header/version');
    return undefined;
  }
  if (header.lastCompVersion > FDT_VERSION) {
    r.report('error', 'dtb-unsupported-version', `last_comp_version ${header.lastCompVersion}: not readable as version 17`, 24, 'header/last_comp_version');
  }
  if (header.version < FDT_VERSION || size < FDT_V17_HEADER_SIZE) {
    delete header.sizeDtStruct;
  }
  return header;
}

function readReservations(r: Reader, start: number, limit: number, headerSize: number): { entries: DtReservation[]; block: Block } {
  const entries: DtReservation[] = [];
  if (start % FDT_RESERVE_ALIGN !== 0) {
    r.report('warning', 'dtb-misaligned', `memory reservation block at ${start} is not 8-byte aligned`, 16, 'header/off_mem_rsvmap');
  }
  let at = start;
  for (; at >= headerSize && at + FDT_RESERVE_ENTRY_SIZE <= limit; at += FDT_RESERVE_ENTRY_SIZE) {
    const address = r.view.getBigUint64(at);
    const size = r.view.getBigUint64(at + 8);
    if (address === 0n && size === 0n) return { entries, block: { name: 'memory reservation block', start, end: at + FDT_RESERVE_ENTRY_SIZE } };
    entries.push({ address, size, labels: [] });
  }
  r.report('error', 'dtb-rsvmap-unterminated', 'the memory reservation block has no terminating zero entry inside the blob', at, 'memreserve');
  return { entries, block: { name: 'memory reservation block', start, end: at } };
}

function nextBlockStart(header: FdtHeader, limit: number): number {
  const after = [header.offMemRsvmap, header.offDtStrings].filter((o) => o > header.offDtStruct);
  return Math.min(limit, ...after);
}

function checkBlocks(r: Reader, blocks: readonly Block[], headerSize: number, limit: number): void {
  for (const b of blocks) {
    if (b.start < headerSize || b.end > limit || b.end < b.start) {
      r.report('error', 'dtb-block-outside', `${b.name} [${b.start}, ${b.end}) is not inside the blob [${headerSize}, ${limit})`, b.start, 'header');
    }
  }
  for (let i = 0; i < blocks.length; i++) {
    for (let j = i + 1; j < blocks.length; j++) {
      const a = blocks[i]!;
      const b = blocks[j]!;
      if (a.start < b.end && b.start < a.end && a.end > a.start && b.end > b.start) {
        r.report('error', 'dtb-blocks-overlap', `${a.name} [${a.start}, ${a.end}) overlaps the ${b.name} [${b.start}, ${b.end})`, Math.max(a.start, b.start), 'header');
      }
    }
  }
}

function clamp(b: Block, limit: number): Block {
  return { ...b, start: Math.min(b.start, limit), end: Math.max(Math.min(b.end, limit), Math.min(b.start, limit)) };
}

/** A NUL-terminated string at `at`, not reaching `end`; undefined when unterminated. */
export function cString(bytes: Uint8Array, at: number, end: number): string | undefined {
  for (let j = at; j < end; j++) if (bytes[j] === 0) return readByteString(bytes, at, j);
  return undefined;
}

function readStructure(r: Reader, struct: Block, strings: Block): DtNode | undefined {
  const names = new Map<number, string | undefined>();
  const nameAt = (nameoff: number) => {
    if (!names.has(nameoff)) names.set(nameoff, cString(r.bytes, strings.start + nameoff, strings.end));
    return names.get(nameoff);
  };
  const stack: { node: DtNode; path: string }[] = [];
  let root: DtNode | undefined;
  let at = struct.start;
  // Values are views into one copy of the structure block: the tree shares nothing with the
  // caller's bytes, and tens of thousands of properties do not each allocate a buffer of their own.
  const values = r.bytes.slice(struct.start, struct.end);

  /** Reports an error at the open node; `stop` also ends the walk, keeping what was read. */
  const fail = (code: string, message: string, offset: number) => r.report('error', code, message, offset, stack.at(-1)?.path);
  const stop = (code: string, message: string, offset: number) => {
    fail(code, message, offset);
    return root;
  };

  for (;;) {
    const here = at;
    if (at + 4 > struct.end) return stop('dtb-truncated', 'the structure block ends without FDT_END', here);
    const token = r.u32(at);
    at += 4;
    if (token === FDT_NOP) continue;

    if (token === FDT_BEGIN_NODE) {
      const name = cString(r.bytes, at, struct.end);
      if (name === undefined) return stop('dtb-unterminated-name', 'node name runs past the structure block', here);
      at = struct.start + alignUp(at + name.length + 1 - struct.start, FDT_TAG_ALIGN);
      const node = createNode(name);
      const parent = stack.at(-1);
      if (!parent) {
        if (root) return stop('dtb-multiple-roots', 'a second top-level node follows the root', here);
        if (name !== '') r.report('warning', 'dtb-root-name', `the root node is named "${name}", not ""`, here, '/');
        root = node;
        stack.push({ node, path: '/' });
        continue;
      }
      if (stack.length >= FDT_MAX_DEPTH) return stop('dtb-too-deep', `nodes nest deeper than ${FDT_MAX_DEPTH} levels`, here);
      parent.node.children.push(node);
      stack.push({ node, path: childPath(parent.path, node) });
      continue;
    }

    if (token === FDT_END_NODE) {
      if (stack.length === 0) return stop('dtb-unbalanced', 'FDT_END_NODE without an open node', here);
      stack.pop();
      continue;
    }

    if (token === FDT_PROP) {
      if (at + 8 > struct.end) return stop('dtb-truncated', 'property header runs past the structure block', here);
      const len = r.u32(at);
      const nameoff = r.u32(at + 4);
      at += 8;
      if (len > struct.end - at) return stop('dtb-truncated', `property value of ${len} bytes runs past the structure block`, here);
      const value = values.subarray(at - struct.start, at - struct.start + len);
      at = struct.start + alignUp(at + len - struct.start, FDT_TAG_ALIGN);
      const owner = stack.at(-1);
      if (!owner) return stop('dtb-property-outside-node', 'FDT_PROP outside any node', here);
      const name = nameoff < strings.end - strings.start ? nameAt(nameoff) : undefined;
      if (name === undefined) {
        const bad = nameoff >= strings.end - strings.start;
        r.report(
          'error',
          bad ? 'dtb-nameoff-out-of-range' : 'dtb-unterminated-string',
          bad
            ? `property name offset ${nameoff} is outside the ${strings.end - strings.start}-byte strings block; the property is dropped`
            : `property name at strings offset ${nameoff} is not NUL-terminated inside the strings block; the property is dropped`,
          here,
          owner.path,
        );
        continue;
      }
      addProperty(r, owner, name, value, here);
      continue;
    }

    if (token === FDT_END) {
      if (stack.length > 0) fail('dtb-unbalanced', `FDT_END with ${stack.length} node(s) still open`, here);
      if (!root) fail('dtb-no-root', 'the structure block has no root node', here);
      if (at < struct.end) r.report('warning', 'dtb-struct-trailing', `${struct.end - at} bytes follow FDT_END in the structure block`, at);
      return root;
    }

    return stop('dtb-bad-token', `unknown structure token 0x${token.toString(16)}`, here);
  }
}

function addProperty(r: Reader, owner: { node: DtNode; path: string }, name: string, value: Uint8Array, offset: number): void {
  // The property's path is made only for a warning: tens of thousands of properties need none.
  if (owner.node.children.length > 0) {
    r.report('warning', 'dtb-property-after-node', 'property follows a subnode (properties come first)', offset, childPropertyPath(owner.path, name));
  }
  if (owner.node.properties.some((p) => p.name === name)) {
    r.report('warning', 'dtb-duplicate-property', `second property named ${name}; both are kept`, offset, childPropertyPath(owner.path, name));
  }
  owner.node.properties.push({ name, labels: [], value: value.length === 0 ? [] : [{ kind: 'raw', bytes: value }] });
}
