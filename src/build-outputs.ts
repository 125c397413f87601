/**
 * What `build` produces from a resolved topology, as named blobs, plus the
 * problems that kept a table from being built. Pure: the CLI decides where
 * the blobs go.
 */
import { dmarFromTopology } from './acpi/dmar/from-topology.js';
import { encodeTable } from './acpi/table.js';
import type { Diagnostic } from './diagnostic.js';
import { hasErrors } from './diagnostic.js';
import { renderMap } from './map/render-map.js';
import type { ResolvedTopology } from './model/resolved.js';
import type { Model } from './codec/index.js';

export interface BuildOutput {
  name: string;
  description: string;
  data: string | Uint8Array;
}

export interface BuildResult {
  outputs: BuildOutput[];
  /** Problems; a table with an error-severity problem is left out of `outputs`. */
  diagnostics: Diagnostic[];
}

export function buildOutputs(resolved: ResolvedTopology): BuildResult {
  const outputs: BuildOutput[] = [];
  const diagnostics: Diagnostic[] = [];

  const dmar = dmarFromTopology(resolved);
  diagnostics.push(...dmar.diagnostics);
  if (dmar.table && !hasErrors(dmar.diagnostics)) {
    const encoded = encodeTable(dmar.table as unknown as Model);
    diagnostics.push(...encoded.diagnostics);
    if (encoded.bytes) outputs.push({ name: 'DMAR.dat', description: 'ACPI DMAR (Intel VT-d)', data: encoded.bytes });
  }

  outputs.push(
    { name: 'map.json', description: 'translation map (JSON)', data: renderMap(resolved, 'json') },
    { name: 'map.txt', description: 'translation map (text)', data: renderMap(resolved, 'text') },
    { name: 'tree.txt', description: 'annotated PCI tree', data: renderMap(resolved, 'tree') },
    { name: 'topology.dot', description: 'Graphviz picture, coloured by IOMMU', data: renderMap(resolved, 'dot') },
  );
  return { outputs, diagnostics };
}
