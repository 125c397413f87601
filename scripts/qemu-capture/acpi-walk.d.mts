/** Types of acpi-walk.mjs. */
export declare const RSDP_SIGNATURE: string;
export interface GuestMemory {
  read(address: bigint, length: number): Promise<Uint8Array | undefined>;
}
export interface FoundTable {
  signature: string;
  address: bigint;
  bytes: Uint8Array;
}
export interface TableTree {
  rsdp: FoundTable;
  tables: FoundTable[];
  problems: string[];
}
export declare function sum8(bytes: Uint8Array): number;
export declare function u32At(b: Uint8Array, at: number): number;
export declare function u64At(b: Uint8Array, at: number): bigint;
export declare function imageMemory(image: Uint8Array, base: bigint): GuestMemory;
export declare function scanSignature(image: Uint8Array, base: bigint, signature: string, align: number): bigint[];
export declare function walkTables(mem: GuestMemory, rsdpAddress: bigint): Promise<TableTree | undefined>;
export declare function treeFingerprint(tree: TableTree): string;
