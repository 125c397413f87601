/**
 * The snapshot's manifest.txt (scripts/ridmap-snapshot.sh writes it): one
 * fact a line, `KIND NAME KEY VALUE` about one thing (`pci 0000:00:1f.2
 * group 3`), or `snapshot KEY VALUE` about the snapshot itself (`snapshot
 * kernel 6.12.8-amd64`); VALUE is the rest of the line and may hold spaces (a
 * kernel command line). `#` lines are comments. The first fact is
 * `ridmap-snapshot version N`; a version this reader does not know is refused
 * rather than half read.
 */
import { snapshotInvalid } from './snapshot-error.js';

/** The manifest versions this reader understands. */
export const MANIFEST_VERSION = '1';

/** Kinds whose facts are about the snapshot (no NAME word). */
const HEADER_KINDS: ReadonlySet<string> = new Set(['ridmap-snapshot', 'snapshot']);

export interface ManifestFact {
  /** 1-based line in manifest.txt, for messages. */
  line: number;
  kind: string;
  /** '' for the snapshot's own facts. */
  name: string;
  key: string;
  /** The rest of the line, '' when the line stops after KEY. */
  value: string;
}

export function parseManifest(text: string, file: string): ManifestFact[] {
  const facts: ManifestFact[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i]!.replace(/\r$/, '');
    if (raw.trim() === '' || raw.startsWith('#')) continue;
    if (facts.length === 0 && !raw.startsWith('ridmap-snapshot version ')) {
      throw snapshotInvalid(file, 'the first fact must be "ridmap-snapshot version N": not a ridmap snapshot manifest', undefined, undefined, i + 1);
    }
    const header = HEADER_KINDS.has(raw.slice(0, raw.indexOf(' ')));
    const m = header ? /^(\S+) (\S+)(?: (.*))?$/.exec(raw) : /^(\S+) (\S+) (\S+)(?: (.*))?$/.exec(raw);
    if (!m) throw snapshotInvalid(file, `"${clip(raw)}" is not a fact (KIND NAME KEY VALUE)`, undefined, undefined, i + 1);
    const fact: ManifestFact = header
      ? { line: i + 1, kind: m[1]!, name: '', key: m[2]!, value: m[3] ?? '' }
      : { line: i + 1, kind: m[1]!, name: m[2]!, key: m[3]!, value: m[4] ?? '' };
    if (facts.length === 0) {
      if (fact.value !== MANIFEST_VERSION) {
        throw snapshotInvalid(file, `manifest version ${fact.value}; this ridmap reads version ${MANIFEST_VERSION} (a newer ridmap reads newer snapshots)`, undefined, undefined, fact.line);
      }
    }
    facts.push(fact);
  }
  if (facts.length === 0) throw snapshotInvalid(file, 'the manifest is empty', undefined, undefined, 1);
  return facts;
}

function clip(text: string): string {
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}
