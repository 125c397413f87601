/**
 * The imported topology must be one ridmap accepts: validated, and its buses
 * numbered under the firmware policy. What the validator finds is reported
 * against the argument that created the node it points at, so a QEMU command
 * line that Linux would enumerate differently (a slot without function 0, a
 * link device other than 0, an expander whose buses run into the next one)
 * is an error about that argument.
 */
import { InputError, type Diagnostic } from '../../diagnostic.js';
import { parentPath } from '../../model/doc-path.js';
import { resolveTopology } from '../../model/resolve.js';
import { validateTopology } from '../../model/validate-topology.js';
import type { BuiltTopology } from './build-topology.js';
import { problem } from './problems.js';

function asArgProblem(d: Diagnostic, built: BuiltTopology): Diagnostic {
  let arg;
  for (let p: string | undefined = d.path ?? ''; p !== undefined && !arg; p = parentPath(p)) arg = built.sources.get(p);
  return problem('qemu-topology', arg, `${d.message} [${d.code}${d.path ? ` at ${d.path}` : ''}]`);
}

export function checkImported(built: BuiltTopology): void {
  const errors = validateTopology(built.topology).filter((d) => d.severity === 'error');
  if (errors.length > 0) throw new InputError(errors.map((d) => asArgProblem(d, built)));
  try {
    resolveTopology(built.topology);
  } catch (e) {
    if (e instanceof InputError) throw new InputError(e.diagnostics.map((d) => asArgProblem(d, built)));
    throw e;
  }
}
