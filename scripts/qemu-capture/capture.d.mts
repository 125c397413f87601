/** Types of capture.mjs, for the TypeScript tests that drive it. */
export declare const TIMEOUTS: {
  process: number;
  qmpConnect: number;
  tablesReady: { x86: number; arm: number };
  command: number;
  quit: number;
  dtb: number;
};

export declare class CaptureError extends Error {}

export interface CaptureManifest {
  binary: string;
  qemuVersion: { major: number; minor: number; micro: number };
  args: string[];
  addedArgs: string[];
  seconds: { tablesReady: number; total: number };
  rsdp: string;
  tables: { signature: string; address: string; length: number; file: string }[];
  dtb?: string;
}

export declare function captureQemu(
  argv: readonly string[],
  outDir: string,
  opts?: { qemu?: string; firmware?: string; log?: (line: string) => void },
): Promise<CaptureManifest>;
