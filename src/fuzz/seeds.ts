/**
 * Seed inputs for fuzzing and for the property tests, by input kind, from
 * everything real the repository can see: the shared corpus beside it
 * (../shared/corpus, when present), the example topologies and what `build`
 * makes of them, the test fixtures, and the crashes found so far.
 *
 * Files are classified by content, as the CLI does. Big acpidump files are
 * cut into their small tables (a whole dump is megabytes: slow to mutate,
 * and a DSDT teaches nothing about DMAR); every seed is at most
 * MAX_FUZZ_INPUT_BYTES. Library code is imported lazily: a coverage tracker
 * must be running before the code under test is compiled.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MAX_FUZZ_INPUT_BYTES, MAX_SEEDS_PER_KIND } from './budget.js';

/** The repository: this file is src/fuzz/seeds.ts or dist/fuzz/seeds.js. */
export const REPO_ROOT = resolve(fileURLToPath(import.meta.url), '../../..');
export const CORPUS_ROOT = resolve(REPO_ROOT, '../shared/corpus');
export const CRASH_DIR = join(REPO_ROOT, 'test/fixtures/hostile/crashes');

export type SeedKind = 'acpi-table' | 'acpidump' | 'dsl' | 'json' | 'dtb' | 'dts' | 'topology';

export interface Seed {
  /** Where it came from (a path relative to the repository or corpus, plus what was taken from it). */
  name: string;
  bytes: Uint8Array;
}

/** Files above this are not read at all (the corpus's biggest acpidump is 4 MiB). */
const MAX_FILE_BYTES = 8 * 1024 * 1024;
/** Tables of an acpidump kept as seeds: the IOMMU tables and small ones. */
const MAX_DUMP_SECTION_CHARS = 16 * 1024;

let collected: Promise<Map<SeedKind, Seed[]>> | undefined;

/** Seeds of one kind, at most MAX_SEEDS_PER_KIND, the same on every run. */
export async function seedsOf(kind: SeedKind): Promise<Seed[]> {
  collected ??= collect();
  return (await collected).get(kind) ?? [];
}

export function corpusPresent(): boolean {
  return existsSync(CORPUS_ROOT);
}

/** Saved crash inputs of a target (`<target>-<hash>.bin`). */
export function crashFiles(target?: string): string[] {
  if (!existsSync(CRASH_DIR)) return [];
  return readdirSync(CRASH_DIR)
    .filter((f) => f.endsWith('.bin') && (target === undefined || crashTarget(f) === target))
    .sort()
    .map((f) => join(CRASH_DIR, f));
}

/** The target a crash file belongs to: its name up to the last `-`. */
export function crashTarget(file: string): string {
  const name = basename(file, '.bin');
  return name.slice(0, name.lastIndexOf('-'));
}

async function collect(): Promise<Map<SeedKind, Seed[]>> {
  const seeds = new SeedSet();
  const files = [
    ...walk(join(REPO_ROOT, 'tables')),
    ...walk(join(REPO_ROOT, 'golden')),
    ...walk(join(REPO_ROOT, 'test/fixtures')).filter((f) => !f.startsWith(CRASH_DIR)),
    ...walk(CORPUS_ROOT),
  ];
  for (const file of files) await addFile(seeds, file);
  await addBuiltOutputs(seeds);
  await addDecodedJson(seeds);
  await addDeviceTrees(seeds);
  return seeds.sampled();
}

async function addFile(seeds: SeedSet, file: string): Promise<void> {
  const name = file.startsWith(CORPUS_ROOT) ? `corpus/${file.slice(CORPUS_ROOT.length + 1)}` : file.slice(REPO_ROOT.length + 1);
  const bytes = new Uint8Array(readFileSync(file));
  if (file.endsWith('.hex')) {
    const { hexToBytes } = await import('../codec/hexfmt.js');
    const table = hexToBytes(new TextDecoder().decode(bytes).split('\n').filter((l) => !l.startsWith('#')).join(''));
    if (table) seeds.add('acpi-table', name, table);
    return;
  }
  if (/\.dtsi?$/.test(file)) return seeds.add('dts', name, bytes);
  const kind = await classify(file, bytes);
  if (kind === 'acpidump') return addDumpSections(seeds, name, new TextDecoder().decode(bytes));
  if (kind === 'dsl') {
    const { parseDslRawData } = await import('../io/iasl-dsl.js');
    const raw = parseDslRawData(new TextDecoder().decode(bytes)).bytes;
    if (raw?.length) seeds.add('acpi-table', `${name} (raw data)`, raw);
  }
  if (kind) seeds.add(kind, name, bytes);
}

async function classify(file: string, bytes: Uint8Array): Promise<SeedKind | undefined> {
  const { classifyInput } = await import('../io/input-kind.js');
  try {
    return classifyInput(file, bytes).kind;
  } catch {
    return undefined; // not an input kind ridmap reads (README, SHA256SUMS, golden text)
  }
}

/** acpidump text: small sections (one table each) as acpidump seeds, their bytes as table seeds. */
async function addDumpSections(seeds: SeedSet, name: string, text: string): Promise<void> {
  const { parseAcpidump } = await import('../io/acpidump-text.js');
  const starts = [...text.matchAll(/^ *(RSD PTR|\S{4}) @ 0x[0-9A-Fa-f]+ *\r?$/gm)].map((m) => m.index!);
  const sections = starts.map((s, i) => text.slice(s, starts[i + 1] ?? text.length)).filter((s) => s.length <= MAX_DUMP_SECTION_CHARS);
  // The IOMMU tables first, then whatever else is small: the dump seed stays a realistic mix.
  const iommu = sections.filter((s) => /^ *(DMAR|IORT|VIOT|IVRS) @/.test(s));
  const others = sections.filter((s) => !iommu.includes(s)).slice(0, 3);
  if (iommu.length + others.length === 0) return;
  seeds.add('acpidump', `${name} (small tables)`, new TextEncoder().encode([...iommu, ...others].join('')));
  for (const section of iommu) {
    const table = parseAcpidump(section).tables[0];
    if (table) seeds.add('acpi-table', `${name} (${table.signature})`, table.bytes);
  }
}

/** What `build` makes of each example topology: the tables and trees ridmap itself writes. */
async function addBuiltOutputs(seeds: SeedSet): Promise<void> {
  const { parseTopology } = await import('../model/parse-topology.js');
  const { resolveTopology } = await import('../model/resolve.js');
  const { buildOutputs } = await import('../build-outputs.js');
  for (const file of walk(join(REPO_ROOT, 'tables')).filter((f) => /\.ya?ml$/.test(f))) {
    try {
      const resolved = resolveTopology(parseTopology(readFileSync(file, 'utf8'), file));
      for (const out of buildOutputs(resolved).outputs) {
        const bytes = typeof out.data === 'string' ? new TextEncoder().encode(out.data) : out.data;
        const kind = await classify(out.name, bytes);
        if (kind && kind !== 'topology') seeds.add(kind, `build ${basename(file)}: ${out.name}`, bytes);
      }
    } catch {
      // An example that does not build is another test's failure, not a missing seed.
    }
  }
}

/** `decode --format json` of the small table seeds: what users edit and feed to `encode`. */
async function addDecodedJson(seeds: SeedSet): Promise<void> {
  const { decodeTable, formatJsonDocument } = await import('../acpi/table.js');
  for (const seed of seeds.of('acpi-table').filter((s) => s.bytes.length <= 4096)) {
    seeds.add('json', `${seed.name} as JSON`, new TextEncoder().encode(formatJsonDocument([decodeTable(seed.bytes)])));
  }
}

/**
 * DTBs: the board trees of the example topologies and every DTS seed that
 * compiles (the corpus has DT sources only, no blobs), as DTS and as DTB.
 */
async function addDeviceTrees(seeds: SeedSet): Promise<void> {
  const dt = await import('../dt/index.js');
  const { parseTopology } = await import('../model/parse-topology.js');
  const { resolveTopology } = await import('../model/resolve.js');
  const trees: { name: string; tree: import('../dt/index.js').DtTree }[] = [];
  for (const file of walk(join(REPO_ROOT, 'tables')).filter((f) => /\.ya?ml$/.test(f))) {
    try {
      const resolved = resolveTopology(parseTopology(readFileSync(file, 'utf8'), file));
      if (dt.topologyHasDt(resolved)) trees.push({ name: `board DT of ${basename(file)}`, tree: dt.dtFromTopology(resolved).tree });
    } catch {
      // as in addBuiltOutputs
    }
  }
  for (const seed of seeds.of('dts')) {
    try {
      trees.push({ name: seed.name, tree: (await dt.parseDts(new TextDecoder().decode(seed.bytes), seed.name)).tree });
    } catch {
      // a parser crash is the dts target's finding, not a missing seed
    }
  }
  for (const { name, tree } of trees) {
    try {
      seeds.add('dtb', `${name} as DTB`, dt.encodeDtb(tree));
      seeds.add('dts', `${name} as DTS`, new TextEncoder().encode(dt.formatDts(tree)));
    } catch {
      // a tree dtc would refuse (a source that needed its includes) has no DTB
    }
  }
}

class SeedSet {
  private readonly byKind = new Map<SeedKind, Map<string, Seed>>();

  add(kind: SeedKind, name: string, bytes: Uint8Array): void {
    const cut = bytes.length > MAX_FUZZ_INPUT_BYTES ? cutAtLine(bytes) : bytes;
    if (cut.length === 0) return;
    const hash = createHash('sha256').update(cut).digest('hex');
    let seeds = this.byKind.get(kind);
    if (!seeds) this.byKind.set(kind, (seeds = new Map()));
    if (!seeds.has(hash)) seeds.set(hash, { name, bytes: cut });
  }

  of(kind: SeedKind): Seed[] {
    return [...(this.byKind.get(kind)?.values() ?? [])];
  }

  /** At most MAX_SEEDS_PER_KIND of each kind, spread evenly over the sources. */
  sampled(): Map<SeedKind, Seed[]> {
    return new Map([...this.byKind.keys()].map((kind) => [kind, spread(this.of(kind), MAX_SEEDS_PER_KIND)]));
  }
}

/** At most `n` of `items`, evenly spaced, in order: a sample that still comes from every source. */
export function spread<T>(items: readonly T[], n: number): T[] {
  const step = Math.max(1, items.length / n);
  return Array.from({ length: Math.min(items.length, n) }, (_, i) => items[Math.floor(i * step)]!);
}

/** The first MAX_FUZZ_INPUT_BYTES, ending at a line end when the input is text. */
function cutAtLine(bytes: Uint8Array): Uint8Array {
  const head = bytes.subarray(0, MAX_FUZZ_INPUT_BYTES);
  const nl = head.lastIndexOf(0x0a);
  return head.slice(0, nl > 0 ? nl + 1 : head.length);
}

/** The files below `dir` (sorted, so every run sees the same order), up to MAX_FILE_BYTES each. */
function walk(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return (readdirSync(dir, { recursive: true }) as string[])
    .sort()
    .map((f) => join(dir, f))
    .filter((p) => {
      const st = statSync(p);
      return st.isFile() && st.size <= MAX_FILE_BYTES;
    });
}
