/** Types of rsdp-locate.mjs. */
import type { GuestMemory } from './acpi-walk.mjs';
export declare const BIOS_RSDP_AREA: { base: bigint; size: number };
export declare function biosRsdps(biosArea: Uint8Array): bigint[];
export declare function efiSystemTables(image: Uint8Array, base: bigint): bigint[];
export declare function efiRsdps(mem: GuestMemory, systemTable: bigint): Promise<bigint[]>;
