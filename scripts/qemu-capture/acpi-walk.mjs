/**
 * ACPI tables in guest memory, found the way an OS finds them: from the RSDP
 * to the XSDT (or the RSDT when there is no XSDT), each table it lists, and
 * from the FADT the DSDT and FACS. Memory is read through a reader (an image
 * in tests, QMP pmemsave in a capture), so the walk reads only what it needs.
 *
 * Every table must lie inside memory and (except the FACS, which has no
 * checksum) sum to zero; a tree that fails is "not ready yet" to the capture
 * loop, which is how a half-written table set is never taken for the result.
 */

export const RSDP_SIGNATURE = 'RSD PTR ';
/** ACPI 1.0 RSDP: the checksum covers 20 bytes; ACPI 2.0+ is longer (Length @20) with an extended checksum. */
const RSDP_V1_LENGTH = 20;
const RSDP_V2_LENGTH = 36;
const HEADER_LENGTH = 36;
/** FADT fields (ACPI 6.x): FIRMWARE_CTRL @36, DSDT @40, X_FIRMWARE_CTRL @132, X_DSDT @140. */
const FADT = { facs: 36, dsdt: 40, xFacs: 132, xDsdt: 140 };

/**
 * @typedef {{ read(address: bigint, length: number): Promise<Uint8Array | undefined> }} GuestMemory
 * @typedef {{ signature: string, address: bigint, bytes: Uint8Array }} FoundTable
 * @typedef {{ rsdp: FoundTable, tables: FoundTable[], problems: string[] }} TableTree
 */

/** @param {Uint8Array} bytes */
export function sum8(bytes) {
  let s = 0;
  for (const b of bytes) s = (s + b) & 0xff;
  return s;
}

/** @param {Uint8Array} b @param {number} at */
export const u32At = (b, at) => new DataView(b.buffer, b.byteOffset, b.byteLength).getUint32(at, true);
/** @param {Uint8Array} b @param {number} at */
export const u64At = (b, at) => new DataView(b.buffer, b.byteOffset, b.byteLength).getBigUint64(at, true);

/**
 * A reader over an image of guest memory [base, base + image.length).
 * @param {Uint8Array} image
 * @param {bigint} base
 * @returns {GuestMemory}
 */
export function imageMemory(image, base) {
  return {
    async read(address, length) {
      if (address < base || address + BigInt(length) > base + BigInt(image.byteLength)) return undefined;
      const at = Number(address - base);
      return image.subarray(at, at + length);
    },
  };
}

/**
 * Addresses in an image where `signature` sits on an `align`-byte boundary
 * (for the RSDP, 16 in the BIOS search area; walkTables checks the rest).
 * @param {Uint8Array} image
 * @param {bigint} base
 * @param {string} signature
 * @param {number} align
 */
export function scanSignature(image, base, signature, align) {
  const buf = Buffer.from(image.buffer, image.byteOffset, image.byteLength);
  /** @type {bigint[]} */
  const found = [];
  for (let at = buf.indexOf(signature); at >= 0; at = buf.indexOf(signature, at + 1)) {
    const address = base + BigInt(at);
    if (address % BigInt(align) === 0n) found.push(address);
  }
  return found;
}

/** @param {GuestMemory} mem @param {bigint} address */
async function readRsdp(mem, address) {
  const v1 = await mem.read(address, RSDP_V1_LENGTH);
  if (!v1 || String.fromCharCode(...v1.subarray(0, 8)) !== RSDP_SIGNATURE || sum8(v1) !== 0) return undefined;
  if (v1[15] < 2) return { bytes: v1, rsdt: BigInt(u32At(v1, 16)), xsdt: 0n };
  const head = await mem.read(address, RSDP_V2_LENGTH);
  const length = head ? u32At(head, 20) : 0;
  const full = length >= RSDP_V2_LENGTH ? await mem.read(address, length) : undefined;
  if (!full || sum8(full) !== 0) return undefined;
  return { bytes: full, rsdt: BigInt(u32At(full, 16)), xsdt: u64At(full, 24) };
}

/**
 * The table tree below one RSDP; undefined when there is no valid RSDP there.
 * `problems` lists what is missing or broken; empty means every table was
 * read and checks out.
 * @param {GuestMemory} mem
 * @param {bigint} rsdpAddress
 * @returns {Promise<TableTree | undefined>}
 */
export async function walkTables(mem, rsdpAddress) {
  const rsdp = await readRsdp(mem, rsdpAddress);
  if (!rsdp) return undefined;
  /** @type {string[]} */
  const problems = [];
  /** @type {FoundTable[]} */
  const tables = [];
  const seen = new Set();

  /** @param {bigint} address @param {string} via @param {boolean} [checksum] */
  const take = async (address, via, checksum = true) => {
    if (address === 0n || seen.has(address)) return undefined;
    seen.add(address);
    const head = await mem.read(address, 8);
    const length = head ? u32At(head, 4) : 0;
    const bytes = length >= 8 ? await mem.read(address, length) : undefined;
    if (!bytes) {
      problems.push(`${via} points at 0x${address.toString(16)}, outside guest memory or too short`);
      return undefined;
    }
    const signature = String.fromCharCode(...bytes.subarray(0, 4));
    if (checksum && (bytes.length < HEADER_LENGTH || sum8(bytes) !== 0)) {
      problems.push(`${signature} at 0x${address.toString(16)} (from ${via}) has a bad checksum`);
      return undefined;
    }
    const table = { signature, address, bytes };
    tables.push(table);
    return table;
  };

  const useXsdt = rsdp.xsdt !== 0n;
  const root = await take(useXsdt ? rsdp.xsdt : rsdp.rsdt, useXsdt ? 'RSDP.XsdtAddress' : 'RSDP.RsdtAddress');
  const found = { rsdp: { signature: RSDP_SIGNATURE, address: rsdpAddress, bytes: rsdp.bytes }, tables, problems };
  if (!root) {
    if (problems.length === 0) problems.push('the RSDP names no root table');
    return found;
  }
  const entrySize = useXsdt ? 8 : 4;
  for (let at = HEADER_LENGTH; at + entrySize <= root.bytes.length; at += entrySize) {
    const address = useXsdt ? u64At(root.bytes, at) : BigInt(u32At(root.bytes, at));
    const table = await take(address, `${root.signature}[${(at - HEADER_LENGTH) / entrySize}]`);
    if (table?.signature === 'FACP') {
      // DSDT and FACS hang off the FADT; its 64-bit fields win when present and set.
      const pointer = (/** @type {number} */ off32, /** @type {number} */ off64) => {
        const wide = table.bytes.length >= off64 + 8 ? u64At(table.bytes, off64) : 0n;
        return wide !== 0n ? wide : BigInt(u32At(table.bytes, off32));
      };
      await take(pointer(FADT.dsdt, FADT.xDsdt), 'FACP.Dsdt');
      await take(pointer(FADT.facs, FADT.xFacs), 'FACP.FirmwareCtrl', false);
    }
  }
  return found;
}

/**
 * A stable key for "the same tables as last time": where each table is and
 * its bytes' checksum byte and length, in order.
 * @param {TableTree} tree
 */
export function treeFingerprint(tree) {
  return [tree.rsdp, ...tree.tables].map((t) => `${t.signature}@${t.address.toString(16)}:${t.bytes[9] ?? 0}:${t.bytes.length}`).join(' ');
}
