/**
 * What a golden case holds, regenerated: everything `ridmap build` writes for
 * the topology, with each binary table stored as a hex dump (`DMAR.hex`)
 * plus its decoded text (`DMAR.txt`, what `ridmap decode` prints), and the
 * text outputs (map.json, map.txt, tree.txt, topology.dot) as they are.
 */
import { buildTopologyInput, builtTables, type BuiltTopology } from '../checks/topology-input.js';
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

export function caseOutputs(c: GoldenCase): CaseOutputs {
  const built = buildTopologyInput(c.topology, readInputText(c.topology), c.numbering);
  const files = built.build.outputs.flatMap((o): CaseFile[] => {
    if (typeof o.data === 'string') return [{ name: o.name, text: o.data }];
    const text = builtTables(o.name, o.data).map((t) => t.printText()).join('\n');
    return [
      { name: `${stem(o.name)}.hex`, text: formatHexFile(o.data), bytes: o.data },
      ...(text ? [{ name: `${stem(o.name)}.txt`, text }] : []),
    ];
  });
  return { files, built };
}

/** Files of a case directory that are outputs (so a stale one is noticed): everything but case.yaml and dot files. */
export function isOutputName(name: string): boolean {
  return name !== 'case.yaml' && !name.startsWith('.');
}
