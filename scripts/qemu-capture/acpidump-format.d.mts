/** Types of acpidump-format.mjs. */
export interface DumpTable {
  signature: string;
  address: bigint;
  bytes: Uint8Array;
}
export declare function acpidumpTable(table: DumpTable): string;
export declare function acpidumpText(tables: readonly DumpTable[]): string;
export declare function tableFileNames(tables: readonly { signature: string }[]): string[];
