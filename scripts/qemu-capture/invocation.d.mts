/** Types of invocation.mjs. */
export declare const DEFAULT_RAM: string;
export declare const DEFAULT_ARM_CPU: string;
export declare const ARM_FIRMWARE: string[];

export interface Invocation {
  arch: 'x86' | 'arm';
  binary: string;
  userArgs: string[];
  firmware?: string;
  extraArgs(qmpSocket: string): string[];
  dtbArgs(file: string): string[];
}

export declare function qemuInvocation(argv: readonly string[], opts?: { qemu?: string; firmware?: string }): Invocation;
export declare function tableWindow(arch: 'x86' | 'arm', ramSize: bigint): { base: bigint; size: bigint };
