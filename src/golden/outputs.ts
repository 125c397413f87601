/**
 * What a golden case holds, regenerated: everything `ridmap build` writes for
 * the topology, with each binary table stored as a hex dump (`DMAR.hex`)
 * plus its decoded text (`DMAR.txt`, what `ridmap decode` prints), and the
 * text outputs (map.json, map.txt, tree.txt, topology.dot) as they are.
 */
import { BUILD_OUTPUT_NAMES } from '../build-outputs.js';
import { buildTopologyInput, builtTables, type BuiltTopology } from '../io/topology-input.js';
import { readInputText } from '../io/read-input.js';
import type { GoldenCase } from './case-file.js';
import { formatHexFile } from './hex-file.js';

export interface CaseFile {
  name: string;
  text: string;
  /** For a hex dump: the table bytes it shows. */
  bytes?: Uint8Array;
}

export interface CaseOutputs {
  files: CaseFile[];
  built: BuiltTopology;
}

/** `DMAR.dat` → `DMAR`; other binary names keep their extension (`board.dtb` → `board.dtb`). */
const stem = (name: string) => name.replace(/\.dat$/, '');

/** The files a build output is stored as: a binary one as its hex dump and its decoded text (`DMAR.hex`, `DMAR.txt`). */
function caseFileNames(name: string, binary: boolean): string[] {
  return binary ? [`${stem(name)}.hex`, `${stem(name)}.txt`] : [name];
}

export function caseOutputs(c: GoldenCase): CaseOutputs {
  const built = buildTopologyInput(c.topology, readInputText(c.topology), c.numbering);
  const files = built.build.outputs.flatMap((o): CaseFile[] => {
    if (typeof o.data === 'string') return [{ name: o.name, text: o.data }];
    const [hex, decoded] = caseFileNames(o.name, true) as [string, string];
    const text = builtTables(o.name, o.data).map((t) => t.printText()).join('\n');
    return [{ name: hex, text: formatHexFile(o.data), bytes: o.data }, ...(text ? [{ name: decoded, text }] : [])];
  });
  return { files, built };
}

/**
 * The names golden owns in a case directory: the stored forms of every
 * output a build may make (BUILD_OUTPUT_NAMES), whatever the case's topology.
 * `golden update` replaces these, and removes those the topology no longer
 * produces; every other file (case.yaml, a README, the firmware source the
 * case documents, subdirectories) is the user's and never touched.
 */
const OWNED_NAMES: ReadonlySet<string> = new Set(BUILD_OUTPUT_NAMES.flatMap((o) => caseFileNames(o.name, o.binary)));

export function isOutputName(name: string): boolean {
  return OWNED_NAMES.has(name);
}
