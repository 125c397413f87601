/**
 * A table as every command sees it, whatever its format: its model and
 * decode diagnostics, its bytes, and what can be done with it (resolve it to
 * a translation map, round-trip it, print it). The one input reader
 * (load-input.ts) makes these, so `decode`, `map`, `check`, `diff` and
 * `golden` treat ACPI tables, DTBs and DTS alike.
 */
import type { DecodedTable } from '../acpi/table.js';
import type { Model, StructSpec } from '../codec/index.js';
import type { Diagnostic } from '../diagnostic.js';
import type { TextSink } from '../codec/text-sink.js';
import type { DtTree } from '../dt/index.js';
import type { ResolvedTopology } from '../model/resolved.js';
import type { TranslationMap } from '../model/translation-map.js';

export type RoundTrip =
  /** `checksum`: the bytes come back except the stored checksum, which was wrong and which encode computes. */
  | { status: 'identical'; size: number; checksum?: { stored: number; computed: number } }
  /** What must come back did, but not byte for byte (a Device Tree: the tree, not its layout or its source text). */
  | { status: 'equivalent'; detail: string }
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
  /** The table's bytes as read (or as built); for a DTS, the DTB it compiles to (its source text when it does not compile). */
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
  /**
   * printText's text written into a (streaming) sink without making the
   * string, where the format can (a clean DTB); false, with nothing written,
   * where it cannot: then printText.
   */
  writeText?(sink: TextSink): boolean;
  /** What printText had to leave out (a DT name DTS cannot spell), one phrase each; absent for formats that leave nothing out. */
  leftOutOfText?(): string[];
  /** What the format's own reader made of the input, for `decode`, which prints it in that format's forms. */
  decoded: Decoded;
}

/**
 * An ACPI table as decodeTable gives it, or a Device Tree with what reading
 * it reported. The subject's `diagnostics` add the named DT checks to the
 * latter; `decode` and `map`, which run no checks, report only what reading
 * found.
 */
export type Decoded = { table: DecodedTable } | { tree: DtTree; diagnostics: Diagnostic[] };
