/**
 * Every limit ridmap puts on what it reads, in one place. Inputs are
 * untrusted (a guest's firmware tables, a file from a bug report): each
 * limit bounds the time or memory one input can cost, and each says what
 * happens when it is exceeded, always a diagnostic, never a crash.
 *
 * The values sit far above anything real (see each comment) and far below
 * what would hurt: they were measured, not guessed (numbers in comments are
 * from Node 20 on one core of a small CI machine).
 */
import type { Diagnostic, Severity } from './diagnostic.js';

const KiB = 1024;
const MiB = 1024 * KiB;

/**
 * Any file ridmap reads (`readInputBytes`); larger ones are refused before
 * reading (`unreadable-input`). The largest real input, an acpidump of a big
 * server with every SSDT, is about 10 MiB of text; 64 MiB of acpidump text
 * parses in ~1.5 s with ~250 MB of heap.
 */
export const MAX_INPUT_BYTES = 64 * MiB;

/**
 * What one input of the web page (A or B) holds in total, files and pasted
 * text together; a file that would go over it is refused before it is read
 * (`unreadable-input`). Each file is copied to the page's worker and decoded
 * there: a drop of 12 files of 60 MB took 6.9 GB of browser memory. Real
 * inputs are one acpidump or a few tables, well under 64 MiB.
 */
export const MAX_PAGE_INPUT_BYTES = 256 * MiB;

/**
 * Characters of a topology text (`parseTopology`; no more than its UTF-8
 * bytes); longer ones are refused (`topology-too-large`). Real topologies
 * are a few KiB; the YAML document model costs ~180 bytes of heap per
 * character (1 Mi characters: ~2 s, ~180 MB).
 */
export const MAX_TOPOLOGY_CHARS = 1 * MiB;

/**
 * Characters of a topology written as plain JSON (plain-json.ts), which is
 * read by JSON.parse after one linear scan, without the YAML document model:
 * generated topologies of 100k endpoints are several MiB.
 */
export const MAX_JSON_TOPOLOGY_CHARS = 64 * MiB;

/**
 * The largest Length that makes a file with a known signature look like a
 * raw ACPI table (`sniff`). A DSDT is a few MiB at most.
 */
export const MAX_ACPI_TABLE_BYTES = 64 * MiB;

/**
 * Tables ridmap decodes field by field (DMAR, VIOT, IORT) larger than this
 * are decoded as header + raw bytes with an error (`acpi-table-too-large`):
 * the model costs ~27 bytes of heap per table byte (a 32 MiB DMAR of device
 * scopes: ~870 MB, ~5 s). Real ones are a few KiB; a big server's IORT tens of KiB.
 */
export const MAX_MODELLED_TABLE_BYTES = 1 * MiB;

/**
 * What a `ridmap snapshot` archive may unpack to (`sysfs-snapshot-invalid`
 * past it; the compressed file is bounded by MAX_INPUT_BYTES). A big server's
 * snapshot is ~1000 functions of 4 KiB config space plus a few tables: ~5 MiB.
 */
export const MAX_SNAPSHOT_BYTES = 256 * MiB;

/** Entries (files, directories, links) one snapshot archive may hold; the big server above has ~3000. */
export const MAX_SNAPSHOT_ENTRIES = 100_000;

/**
 * How many diagnostics of one code one input lists; the rest are counted in
 * one summary diagnostic of the same code. A million junk lines in an
 * acpidump would otherwise be a million warnings (~350 MB, and unreadable).
 */
export const MAX_REPEATED_DIAGNOSTICS = 100;

/** YAML alias dereferences allowed per topology (`yaml-alias-limit`); topologies rarely need any. */
export const MAX_YAML_ALIAS_COUNT = 100;

/** Nodes alias expansion may copy in total (`yaml-alias-limit`): bounds one alias to a huge anchor. */
export const MAX_YAML_ALIASED_NODES = 10_000;

/**
 * Collection nesting allowed in a topology (`yaml-too-deep`); a topology
 * needs about 2 levels per bridge, and buses run out long before 128.
 */
export const MAX_YAML_DEPTH = 128;

/**
 * Nesting beyond which the YAML parser is not run at all (`yaml-too-deep`,
 * found by a linear pre-scan of the lexer's tokens: flow brackets plus block
 * indentation, `- `, `? `). The parser recurses once per level and overflows
 * the stack near 900 flow or 1,250 block levels (less on a deeper call stack);
 * a stack overflow inside V8's regexp compiler can even abort the process.
 * Anything this deep is refused by MAX_YAML_DEPTH anyway.
 */
export const MAX_YAML_NESTING_PARSED = 2 * MAX_YAML_DEPTH;

/**
 * Includes one DTS parse follows in all (`dts-include-limit`), each counted
 * every time it is included (cpp and dtc include a file each time it is
 * named). A board DTS from the kernel tree includes tens of files; without a
 * count, a diamond of includes (each file including the next twice) costs
 * 2^depth parses.
 */
export const MAX_DTS_INCLUDES = 1000;

/**
 * Characters of DTS text one parse reads in all, the file itself and every
 * included copy (`dts-include-limit`): the same budget as one input file, so
 * that including a large file again and again costs no more than reading it
 * once (8 includes of a 60 MB file took 4.3 GB before).
 */
export const MAX_DTS_SOURCE_CHARS = MAX_INPUT_BYTES;

/**
 * Nesting of one DTS or `#if` expression (parentheses, unary operators,
 * `?:` chains) the evaluator follows (`dts-expression-limit`). dtc's own
 * parser stops at 10000 (bison's stack); real expressions nest a few levels.
 */
export const MAX_DTS_EXPRESSION_DEPTH = 1000;

/**
 * Tokens macro expansion may produce in one DTS parse, all expansions
 * together (`dts-expression-limit`). `#define A B B` chains double at each
 * step (40 steps: 2^40 tokens); real boards expand a few thousand.
 */
export const MAX_DTS_MACRO_TOKENS = 1 << 20;

/**
 * `#if`/`#ifdef` blocks nested inside each other in a DTS (`dts-too-deep`);
 * real ones nest a few levels.
 */
export const MAX_DTS_CONDITIONAL_DEPTH = 64;

/**
 * Characters of one line of lspci text (`readLspci`, `lspci-line-too-long`).
 * lspci itself builds a tree line in a 256-byte buffer and prints names of
 * at most 256 bytes; a longer line is not lspci's, and the cap bounds the
 * per-line work (a tree line is walked left to right once).
 */
export const MAX_LSPCI_LINE_CHARS = 4 * KiB;

/**
 * Functions one lspci text may show, counted each time a section shows one
 * (`readLspci`, `lspci-too-large`): a tree, -vvv and -xxx of one machine
 * count it three times. The largest real machines have tens of thousands
 * (SR-IOV virtual functions included); 256 Ki read in ~2 s and ~200 MB,
 * where 3 Mi short device lines (54 MB of text) took 45 s and 1.9 GB.
 */
export const MAX_LSPCI_FUNCTIONS = 256 * KiB;

/** How much of an input is looked at to tell text from binary and which text it is (`sniff`). */
export const SNIFF_PROBE_BYTES = 64 * KiB;

/**
 * Limits that still live beside their decoders (the DT and IORT/VIOT readers'
 * own, written while this file was; they can move here once that work
 * settles). Listed so that this file stays the one place to read;
 * test/hostile/limits.test.ts keeps the numbers in step with their homes.
 */
export const DECODER_LIMITS = [
  { name: 'FDT_MAX_DEPTH', value: 64, home: 'src/dt/fdt.ts', what: 'DTB node nesting decodeDtb follows; deeper is dtb-too-deep' },
  { name: 'MAX_INCLUDE_DEPTH', value: 32, home: 'src/dt/dts-parse.ts', what: 'DTS include nesting; deeper is dts-include-depth' },
  { name: 'MAX_WALK_STEPS', value: 16, home: 'src/acpi/iort/walk.ts', what: 'IORT ID-mapping hops one walk follows (cycles end there)' },
  { name: 'MAX_NC_IDS_PER_MAPPING', value: 0x1000, home: 'src/acpi/iort/resolve.ts', what: 'IDs walked per IORT named-component mapping' },
  { name: 'MAX_SEGMENTS_MAPPED', value: 16, home: 'src/acpi/viot/resolve.ts', what: 'PCI segments one VIOT PCI-range node is mapped over' },
] as const;

/** Stable codes of the limits that add their own diagnostics. */
export const LimitCode = {
  /** A topology text over MAX_TOPOLOGY_CHARS (error; nothing is parsed). */
  topologyTooLarge: 'topology-too-large',
  /** A modelled ACPI table over MAX_MODELLED_TABLE_BYTES (error; kept as raw bytes). */
  tableTooLarge: 'acpi-table-too-large',
  /** A DTS whose includes go over MAX_DTS_INCLUDES or MAX_DTS_SOURCE_CHARS (error; that include and the rest are not read). */
  dtsIncludeLimit: 'dts-include-limit',
  /** A DTS expression nested over MAX_DTS_EXPRESSION_DEPTH, or macros expanding past MAX_DTS_MACRO_TOKENS (error; that value is not read). */
  dtsExpressionLimit: 'dts-expression-limit',
} as const;

/**
 * Counts diagnostics per code while an input is read and says when one more
 * should be left out, so that the messages of the left-out ones are never
 * even built; `summaries()` then says how many were left out.
 */
export class RepeatLimiter {
  private readonly counts = new Map<string, { n: number; severity: Severity }>();

  constructor(private readonly max = MAX_REPEATED_DIAGNOSTICS) {}

  /** Counts one diagnostic of `code`; true while it is still to be listed. */
  take(code: string, severity: Severity): boolean {
    const c = this.counts.get(code);
    if (!c) {
      this.counts.set(code, { n: 1, severity });
      return 1 <= this.max;
    }
    c.n++;
    return c.n <= this.max;
  }

  /** One diagnostic per code that went over, with the same code and severity. */
  summaries(extra: Partial<Diagnostic> = {}): Diagnostic[] {
    const out: Diagnostic[] = [];
    for (const [code, { n, severity }] of this.counts) {
      if (n <= this.max) continue;
      out.push({ ...extra, severity, code, message: omittedMessage(n - this.max, this.max), omitted: n - this.max });
    }
    return out;
  }
}

const omittedMessage = (n: number, max: number) => `${n} more like this are not listed (only the first ${max} of each kind are)`;

const RANK: Record<Severity, number> = { info: 0, warning: 1, error: 2 };

/**
 * What a command prints: at most `max` diagnostics per code and input file,
 * whatever their severity, and for each code that went over one summary
 * (same code, the highest severity left out) counting the rest, including
 * what readers already left out (their summaries carry `omitted`). Linear in
 * the diagnostics; their order is kept, summaries last.
 */
export function capRepeats(ds: readonly Diagnostic[], max = MAX_REPEATED_DIAGNOSTICS): Diagnostic[] {
  const listed = new Map<string, number>();
  const left = new Map<string, { n: number; severity: Severity; code: string; file?: string }>();
  const out: Diagnostic[] = [];
  for (const d of ds) {
    const key = `${d.file ?? ''}\0${d.code}`;
    if (d.omitted === undefined) {
      const n = (listed.get(key) ?? 0) + 1;
      listed.set(key, n);
      if (n <= max) {
        out.push(d);
        continue;
      }
    }
    const l = left.get(key) ?? { n: 0, severity: d.severity, code: d.code, ...(d.file === undefined ? {} : { file: d.file }) };
    l.n += d.omitted ?? 1;
    if (RANK[d.severity] > RANK[l.severity]) l.severity = d.severity;
    left.set(key, l);
  }
  for (const { n, severity, code, file } of left.values()) {
    out.push({ severity, code, ...(file === undefined ? {} : { file }), message: omittedMessage(n, max), omitted: n });
  }
  return out;
}
