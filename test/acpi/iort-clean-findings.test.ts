/**
 * decode's IORT findings for a clean table, told from its references alone
 * (iort/clean-findings.ts): the rules findings.ts applies to the model
 * (test/acpi/clean-path.test.ts holds the two equal on every corpus table
 * and damaged case; these are the shapes those may not all have).
 */
import { describe, expect, it } from 'vitest';
import type { ReferenceGraph } from '../../src/codec/clean-walk.js';
import { iortQuietWhenClean } from '../../src/acpi/iort/clean-findings.js';

/** A graph of nodes by name and Output References `[from, to]` (a PMCG's Node Reference where the key says). */
function graph(nodes: string[], refs: [number, number, string?][]): ReferenceGraph {
  return {
    items: new Map([['nodes', nodes]]),
    references: refs.map(([from, to, key]) => ({ key: key ?? 'outputReference', from, list: 'nodes', to })),
  };
}

describe('IORT decode findings from a clean table\'s references', () => {
  it('references to the nodes before them: none', () => {
    expect(iortQuietWhenClean(graph(['ItsGroup', 'SmmuV3', 'RootComplex'], [[1, 0], [2, 1]]))).toBe(true);
  });

  it('references both ways that do not go round: none', () => {
    expect(iortQuietWhenClean(graph(['SmmuV3', 'RootComplex', 'ItsGroup'], [[0, 2], [1, 0]]))).toBe(true);
  });

  it('a cycle through two nodes (iort-reference-cycle)', () => {
    expect(iortQuietWhenClean(graph(['SmmuV3', 'SmmuV3', 'RootComplex'], [[0, 1], [1, 0], [2, 0]]))).toBe(false);
  });

  it('an ID mapping or a PMCG naming its own node (iort-self-reference)', () => {
    expect(iortQuietWhenClean(graph(['SmmuV3', 'RootComplex'], [[1, 1]]))).toBe(false);
    expect(iortQuietWhenClean(graph(['SmmuV3', 'Pmcg'], [[1, 1, 'nodeReference']]))).toBe(false);
  });

  it('a PMCG\'s Node Reference is not walked: no cycle through it', () => {
    expect(iortQuietWhenClean(graph(['SmmuV3', 'Pmcg'], [[0, 1], [1, 0, 'nodeReference']]))).toBe(true);
  });
});
