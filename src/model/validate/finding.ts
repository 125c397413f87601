/** The one way validators make a diagnostic: always an error, always a documented code and a path. */
import type { Diagnostic } from '../../diagnostic.js';
import type { TopologyCode } from '../validate-topology.js';

export function finding(code: TopologyCode, path: string, message: string): Diagnostic {
  return { severity: 'error', code, path, message };
}
