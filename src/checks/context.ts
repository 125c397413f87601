/**
 * What checks see: the tables under check, the reference topology (when one
 * is known) under the baseline numbering and, on demand, under every other
 * numbering policy, and each table's translation map. Everything costly is
 * computed once per session and shared by the checks and the summary
 * (renumbering, consistency and round trip feed both).
 */
import type { BuildResult } from '../build-outputs.js';
import { InputError } from '../diagnostic.js';
import { renumberTopology } from '../model/renumber.js';
import type { ResolvedTopology } from '../model/resolved.js';
import type { Topology } from '../model/topology-schema.js';
import type { TranslationMap } from '../model/translation-map.js';
import { tablesLinuxReads, type ReadTables } from '../io/read-tables.js';
import type { TableSubject } from '../io/subject.js';

export interface TopologyUnderCheck {
  file: string;
  topology: Topology;
  /** Resolved under the baseline numbering, the one firmware writes tables for. */
  resolved: ResolvedTopology;
  /** Set when the topology was an input: what building it gave. */
  build?: BuildResult;
}

export type Renumbered = { resolved: ResolvedTopology } | { problem: string };

export class CheckSession {
  private readonly shared = new Map<string, unknown>();
  private readonly perTable = new WeakMap<TableSubject, Map<string, unknown>>();

  constructor(
    readonly tables: readonly TableSubject[],
    readonly topology: TopologyUnderCheck | undefined,
    /** Numbering policies for the renumbering check, the baseline first. */
    readonly policies: readonly string[],
  ) {}

  /** `compute()` once per session and key. */
  once<T>(key: string, compute: () => T): T {
    if (!this.shared.has(key)) this.shared.set(key, compute());
    return this.shared.get(key) as T;
  }

  /** `compute()` once per table and key. */
  onceFor<T>(table: TableSubject, key: string, compute: () => T): T {
    let m = this.perTable.get(table);
    if (!m) this.perTable.set(table, (m = new Map()));
    if (!m.has(key)) m.set(key, compute());
    return m.get(key) as T;
  }

  /** The tables Linux reads, and the repeats of a signature it ignores (repeated-tables.ts). */
  readTables(): ReadTables {
    return this.once('read-tables', () => tablesLinuxReads(this.tables));
  }

  /** Tables to check one by one: modelled ones, except copies of a table already checked (same bytes, same findings). */
  checkedTables(): TableSubject[] {
    return this.once('checked-tables', () => {
      const copies = new Set(this.readTables().repeats.filter((r) => r.identical).map((r) => r.table));
      return this.tables.filter((t) => t.modelled && !copies.has(t));
    });
  }

  /** The reference topology numbered under `policy`, or why it cannot be (a policy may run out of buses). */
  under(policy: string): Renumbered | undefined {
    const t = this.topology;
    if (!t) return undefined;
    if (policy === t.resolved.numbering) return { resolved: t.resolved };
    return this.once(`numbering:${policy}`, () => {
      try {
        // The baseline itself when the policy numbers every bus the same: its maps are then reused too (mapOf).
        return { resolved: renumberTopology(t.resolved, policy) };
      } catch (e) {
        if (e instanceof InputError) return { problem: e.diagnostics.map((d) => d.message).join('; ') };
        throw e;
      }
    });
  }

  /** The table's map, resolved against `resolved` (the baseline topology by default; `null` for none). */
  mapOf(table: TableSubject, resolved: ResolvedTopology | null = this.topology?.resolved ?? null): TranslationMap | undefined {
    if (!table.resolve) return undefined;
    return this.onceFor(table, `map:${resolved?.numbering ?? '-'}`, () => table.resolve!(resolved ?? undefined));
  }

  tableContext(table: TableSubject): TableContext {
    return { table, session: this, ...(this.topology ? { resolved: this.topology.resolved } : {}), map: () => this.mapOf(table) };
  }
}

export interface TableContext {
  table: TableSubject;
  session: CheckSession;
  /** The reference topology under the baseline numbering, when one is known. */
  resolved?: ResolvedTopology;
  /** The table's translation map (resolved with the topology when there is one). */
  map(): TranslationMap | undefined;
}

export type PlatformContext = CheckSession;
