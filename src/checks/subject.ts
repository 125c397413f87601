/**
 * A table as `check`, `diff` and `golden` see it, whatever its format: its
 * model and decode diagnostics, its bytes, and what can be done with it
 * (resolve it to a translation map, round-trip it, print it). The reader of
 * each input kind (load-input.ts) makes these, so the three commands treat
 * ACPI tables and (once the Device Tree reader registers) DTBs alike.
 */
import type { Model, StructSpec } from '../codec/index.js';
import type { Diagnostic } from '../diagnostic.js';
import type { ResolvedTopology } from '../model/resolved.js';
import type { TranslationMap } from '../model/translation-map.js';

export type RoundTrip =
  | { status: 'identical'; size: number }
  | { status: 'differs'; detail: string; offset?: number }
  | { status: 'skipped'; reason: string };

export interface TableSubject {
  /** Format name: the ACPI signature (`DMAR`, `VIOT`, `IORT`, `SSDT`) or `DT`. */
  format: string;
  /** Root of structure paths in diagnostics, which also tells repeated tables apart (`DMAR`, `SSDT[3]`). */
  name: string;
  /** The input file, or `topology.yaml#DMAR.dat` for a table built from a topology. */
  file: string;
  /** Decoded field by field (false: kept as header + bytes; checks skip it, diff compares bytes). */
  modelled: boolean;
  model: Model;
  /** The declaration the model follows (drives the structural diff); absent for formats that are not struct-declared. */
  spec?: StructSpec;
  /** The table's bytes as read (or as built). */
  bytes: Uint8Array;
  /** Decode diagnostics, with this table's paths and offsets. */
  diagnostics: Diagnostic[];
  /** For a table built from a topology: that topology's file. */
  builtFrom?: string;
  /** For a built table whose builder gives it in decoded form: the model the builder encoded. */
  built?: Model;
  /** The translation map the table says (with a topology: device entries too); absent when the format has no resolver. */
  resolve?: (resolved?: ResolvedTopology) => TranslationMap;
  /** Decode then encode: the same bytes? */
  roundTrip(): RoundTrip;
  /** Human-readable decoded text (what `ridmap decode` prints). */
  printText(): string;
}
