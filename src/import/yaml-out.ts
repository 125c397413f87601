/**
 * An imported topology as YAML in the house style of tables/*.yaml: a
 * schema header for editors, what it came from (a QEMU command line, a
 * host snapshot), leaves as
 * one-line flow maps, addresses and PCI IDs in hex, and comments where the
 * YAML would otherwise hide something (built-in functions, ignored options).
 */
import { Document, isMap, isScalar, visit } from 'yaml';
import type { Topology } from '../model/topology-schema.js';

export interface YamlNotes {
  schemaRef: string;
  /** The importer, as the header names it: `ridmap import qemu`. */
  importedBy: string;
  /** What it read, as shell words (the command line, a snapshot's file name). */
  from: readonly string[];
  /** Lines for the header: what was ignored or guessed. */
  header: readonly string[];
  /** Document path (hostBridges[0].children[2]) → comment above that node. */
  comments: ReadonlyMap<string, string>;
  /** The line above `from` (default: `Imported by \`importedBy\` from:`); `ridmap plan` says it planned the guest for it. */
  origin?: string;
}

const HEX_KEYS = new Set(['base', 'vendorId', 'deviceId', 'ecam', 'rootBus', 'busLimit', 'capabilityOffset', 'ivhdFlags', 'featureReporting', 'efr']);
const WRAP = 100;

/** One argument as a POSIX shell word: as is when it is safe, else single-quoted. */
export function shellWord(w: string): string {
  return /^[\w@%+=:,./-]+$/.test(w) ? w : `'${w.replace(/'/g, `'\\''`)}'`;
}

/** The command line as shell words, wrapped into comment lines. */
function commandLines(argv: readonly string[]): string[] {
  const words = argv.map(shellWord);
  const lines: string[] = [];
  let line = '  ';
  for (const w of words) {
    if (line.trim() && line.length + w.length + 1 > WRAP) {
      lines.push(`${line} \\`);
      line = '    ';
    }
    line += (line.trim() ? ' ' : '') + w;
  }
  lines.push(line);
  return lines;
}

/** Path segments of a document path: `hostBridges[0].children[2]` → ['hostBridges', 0, 'children', 2]. */
function segments(path: string): (string | number)[] {
  return [...path.matchAll(/([A-Za-z_$][\w$]*)|\[(\d+)\]/g)].map((m) => (m[2] !== undefined ? Number(m[2]) : m[1]!));
}

export function topologyYaml(topology: Topology, notes: YamlNotes): string {
  const doc = new Document(topology);
  doc.commentBefore = [
    ` yaml-language-server: $schema=${notes.schemaRef}`,
    '',
    ` ${notes.origin ?? `Imported by \`${notes.importedBy}\` from:`}`,
    ...commandLines(notes.from),
    ...(notes.header.length > 0 ? ['', ...notes.header.map((l) => ` ${l}`)] : []),
  ].join('\n');

  visit(doc, {
    Pair(_, pair) {
      const v = isScalar(pair.value) ? pair.value.value : undefined;
      if (isScalar(pair.key) && HEX_KEYS.has(String(pair.key.value)) && typeof v === 'number' && v !== 0 && isScalar(pair.value)) {
        pair.value.format = 'HEX';
      }
    },
    Map(_, map) {
      // Leaves (no nested collections) read best on one line, as in tables/*.yaml.
      if (map.items.every((p) => isScalar(p.value))) map.flow = true;
    },
    Seq(_, seq) {
      if (seq.items.every((item) => isScalar(item))) seq.flow = true;
    },
  });
  for (const [path, comment] of notes.comments) {
    const node = doc.getIn(segments(path), true);
    // A one-line node takes its comment at the end of the line; a block one above it.
    if (isMap(node) && node.flow) node.comment = ` ${comment}`;
    else if (isMap(node)) node.commentBefore = ` ${comment}`;
  }
  return doc.toString({ lineWidth: 0 });
}
