/**
 * A DTS file to the DTB `dtc -I dts -O dtb` makes of it (the CLI's `encode
 * board.dts`): includes read from disk as dts-include-reader.ts allows,
 * every problem of the source named at its file, line and column, and every
 * problem dtc would refuse the tree for (a dangling reference, an undefined
 * macro, a duplicate label or phandle) at its node path.
 */
import { hasErrors, inFile, InputError, type Diagnostic } from '../diagnostic.js';
import { encodeDtb, parseDts, plainDtsToDtb } from '../dt/index.js';
import { dtsIncludeReader } from './dts-include-reader.js';

export interface DtsCompile {
  /** Undefined when the source or the tree has errors. */
  dtb?: Uint8Array;
  diagnostics: Diagnostic[];
}

export async function compileDtsFile(file: string, text: string, includeDirs: readonly string[] = []): Promise<DtsCompile> {
  // Plain text of the shape generated trees have is written straight to its DTB (dts-plain-dtb.ts); what that
  // gives up on has the tree built, and checked, as below.
  const direct = plainDtsToDtb(text);
  if (direct) return { dtb: direct, diagnostics: [] };
  const { tree, diagnostics } = await parseDts(text, file, { readInclude: dtsIncludeReader(file, includeDirs) });
  if (hasErrors(diagnostics)) return { diagnostics };
  try {
    return { dtb: encodeDtb(tree), diagnostics };
  } catch (e) {
    if (!(e instanceof InputError)) throw e;
    return { diagnostics: [...diagnostics, ...inFile(file, e.diagnostics)] };
  }
}
