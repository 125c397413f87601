/** Reads a topology file (YAML or JSON; `-`: standard input) and validates it; problems throw InputError. */
import { parseTopology } from '../model/parse-topology.js';
import type { Topology } from '../model/topology-schema.js';
import { inputName, readInputText } from './read-input.js';

export function loadTopologyFile(path: string): Topology {
  return parseTopology(readInputText(path), inputName(path));
}
