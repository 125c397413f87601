/**
 * The nodes whose output references go round in circles, found from the
 * references alone: for the table's findings (findings.ts, from the model)
 * and for a clean table's decode (no model: clean-findings.ts), so that both
 * say the same.
 */

/**
 * The strongly connected components of more than one node (Tarjan's), each
 * in ascending order, in the order the search completes them. `edges[i]` are
 * the nodes node i references (self references, repeats and indexes outside
 * the table are left out here). Iterative, with the call stack kept as an
 * array: a table decides how deep the references go (a chain of 5,000 SMMU
 * nodes overflowed the recursive version).
 */
export function referenceCycles(edges: readonly (readonly number[])[]): number[][] {
  const count = edges.length;
  const out = edges.map((to, i) => [...new Set(to)].filter((k) => k !== i && k >= 0 && k < count));
  const index: number[] = new Array(count).fill(-1);
  const low: number[] = new Array(count).fill(0);
  const onStack: boolean[] = new Array(count).fill(false);
  const stack: number[] = [];
  const cycles: number[][] = [];
  let counter = 0;
  // Each frame: a node being visited and the next of its edges to follow.
  const frames: { v: number; next: number }[] = [];
  const enter = (v: number) => {
    index[v] = low[v] = counter++;
    stack.push(v);
    onStack[v] = true;
    frames.push({ v, next: 0 });
  };
  const finish = (v: number) => {
    if (low[v] !== index[v]) return;
    const component: number[] = [];
    let w: number;
    do {
      w = stack.pop()!;
      onStack[w] = false;
      component.push(w);
    } while (w !== v);
    if (component.length > 1) cycles.push(component.sort((a, b) => a - b));
  };
  for (let root = 0; root < count; root++) {
    if (index[root] !== -1) continue;
    enter(root);
    while (frames.length > 0) {
      const frame = frames[frames.length - 1]!;
      const v = frame.v;
      const next = out[v]!;
      if (frame.next < next.length) {
        const w = next[frame.next++]!;
        if (index[w] === -1) enter(w);
        else if (onStack[w]) low[v] = Math.min(low[v]!, index[w]!);
        continue;
      }
      frames.pop();
      finish(v);
      // Back in the caller: what the callee reached, the caller reaches.
      const caller = frames[frames.length - 1];
      if (caller) low[caller.v] = Math.min(low[caller.v]!, low[v]!);
    }
  }
  return cycles;
}
