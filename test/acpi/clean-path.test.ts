/**
 * The clean path (codec/clean-walk.ts, clean-text.ts, clean-json.ts) against
 * the model's: every table of the corpus the registry models, every table
 * fixture and every damaged fixture, decoded both ways, must give the same
 * diagnostics, the same text in both iasl forms and the same JSON, byte for
 * byte; and the clean path must really be taken for the clean ones (counted),
 * never for a damaged one. The model's way is `decodeTable(bytes, {eager})`,
 * which never takes the clean path; the JSON is also held against what
 * `JSON.stringify` of the model's JSON tree gives (the writer before it).
 * A clean IORT or VIOT is `quiet` (decode needs no model for its findings)
 * exactly when the model's findings that decode shows are none.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CURRENT_FORM, FORM_2020 } from '../../src/codec/index.js';
import { printTableText } from '../../src/acpi/print-table.js';
import { modelledSignatures } from '../../src/acpi/registry.js';
import { decodeTable, encodeTable, formatJsonDocument, tableToJson, type DecodedTable } from '../../src/acpi/table.js';
import { LAYOUT_KEY, type Model } from '../../src/codec/struct.js';
import { tableFindings } from '../../src/acpi/resolvers.js';
import { FORMAT_CHECKS } from '../../src/checks/format-checks.js';
import { invalidIortCases } from '../fixtures/iort/invalid-cases.js';
import { viotCases } from '../fixtures/viot/tables.js';
import { rimtCheckCases } from '../fixtures/rimt/tables.js';
import { signatureOf } from '../../src/acpi/table.js';
import { runCli } from '../support/run-cli.js';
import { CORPUS_DIR, HAVE_CORPUS, REPO_ROOT } from '../support/paths.js';
import { flavours } from './bytes.js';
import { distinctCorpusTables } from './iasl-text-corpus.js';
import { invalidCases } from './invalid-fixtures.js';
import { walk } from '../fixtures/corpus-dumps.js';

interface Case {
  name: string;
  bytes: Uint8Array;
}

const MODELLED = new Set(modelledSignatures());

/** Distinct tables (by their bytes) whose signature the registry models. */
function distinct(cases: Case[]): Case[] {
  const seen = new Set<string>();
  return cases.filter((c) => {
    if (c.bytes.length < 4 || !MODELLED.has(signatureOf(c.bytes).trimEnd())) return false;
    const sha = createHash('sha256').update(c.bytes).digest('hex');
    if (seen.has(sha)) return false;
    seen.add(sha);
    return true;
  });
}

/** The corpus's distinct tables of one signature: from the acpidump texts, and QEMU's expected tables. */
function corpusCases(signature: string): Case[] {
  if (!HAVE_CORPUS) return [];
  const qemu = walk(join(CORPUS_DIR, 'qemu-expected')).filter((f) => /\/[A-Z]{4}[^/]*$/.test(f))
    .map((f) => ({ name: f.slice(CORPUS_DIR.length + 1), bytes: new Uint8Array(readFileSync(f)) }))
    .filter((c) => c.bytes.length >= 4 && signatureOf(c.bytes).trimEnd() === signature);
  return distinct([...distinctCorpusTables(signature), ...qemu]);
}

function fixtureCases(): Case[] {
  const dats = walk(join(REPO_ROOT, 'test/fixtures')).filter((f) => f.endsWith('.dat'))
    .map((f) => ({ name: f.slice(REPO_ROOT.length + 1), bytes: new Uint8Array(readFileSync(f)) }));
  return distinct(dats);
}

function damagedCases(): Case[] {
  return invalidCases.map((c) => ({ name: `acpi-invalid/${c.name}`, bytes: c.bytes() }));
}

/** IORTs, VIOTs and RIMTs with what decode or the table's findings report (dangling, self and circular references among them). */
function badReferenceCases(): Case[] {
  return [
    ...invalidIortCases.map((c) => ({ name: `iort-invalid/${c.name}`, bytes: c.bytes() })),
    ...viotCases.map((c) => ({ name: `viot-invalid/${c.name}`, bytes: c.bytes() })),
    ...rimtCheckCases.map((c) => ({ name: `rimt-checks/${c.name}`, bytes: c.bytes() })),
  ];
}

/** The codes `decode` shows beside its own diagnostics (decode-findings.ts). */
const DECODE_SHOWN: ReadonlySet<string> = new Set(FORMAT_CHECKS.filter((c) => (c as { decode?: string }).decode !== undefined).map((c) => c.id));

/** What `decode` shows about the table from its model (decode-findings.ts). */
function decodeShown(t: DecodedTable): string[] {
  return tableFindings(t.signature, t.model, DECODE_SHOWN).filter((d) => DECODE_SHOWN.has(d.code)).map((d) => d.code);
}

/** What the model's way gives for the table: diagnostics, text in both forms, JSON (its tree stringified). */
function expectSameBothWays(c: Case, bytes: Uint8Array = c.bytes): DecodedTable {
  const t = decodeTable(bytes);
  const ref = decodeTable(bytes, { eager: true });
  expect(ref.clean, c.name).toBeFalsy();
  if (t.clean) expect(ref.diagnostics, `${c.name}: clean, but decode reports`).toEqual([]);
  expect(t.diagnostics, c.name).toEqual(ref.diagnostics);
  for (const form of [CURRENT_FORM, FORM_2020]) {
    expect(printTableText(t, { form, file: c.name }), `${c.name} (${form.name})`).toBe(printTableText(ref, { form, file: c.name }));
  }
  const json = JSON.stringify({ tables: [tableToJson(ref)] }, null, 2) + '\n';
  expect(formatJsonDocument([t]), c.name).toBe(json);
  expect(formatJsonDocument([ref]), c.name).toBe(json);
  // Quiet (no model for decode's findings) exactly when clean and the model's findings for decode are none.
  if (t.def.quietWhenClean) expect(Boolean(t.quiet), `${c.name}: quiet`).toBe(Boolean(t.clean) && decodeShown(ref).length === 0);
  else expect(t.quiet, c.name).toBeFalsy();
  if (t.clean) expect(t.model, c.name).toEqual(ref.model);
  return t;
}

describe('clean path: the same output as the model, table by table', () => {
  it('every table fixture, in both byte flavours; clean ones go the clean way', () => {
    const cases = fixtureCases();
    expect(cases.length).toBeGreaterThan(10);
    let clean = 0;
    for (const c of cases) {
      for (const [, make] of flavours) {
        if (expectSameBothWays(c, make(c.bytes)).clean) clean++;
      }
    }
    // QEMU's DMARs are clean, and its IORTs and VIOTs (nodes and ID mappings placed where offset fields say).
    expect(clean).toBeGreaterThanOrEqual(6);
    for (const sig of ['IORT', 'VIOT']) {
      expect(cases.some((c) => signatureOf(c.bytes) === sig && decodeTable(c.bytes).quiet), `a clean ${sig} fixture`).toBe(true);
    }
  });

  it('no damaged table goes the clean way, and each keeps its output', () => {
    for (const c of damagedCases()) {
      const t = expectSameBothWays(c);
      expect(t.clean, c.name).toBeFalsy();
    }
  });

  it('IORTs, VIOTs and RIMTs with bad references keep their output; a dangling one is never clean, a self or circular one never quiet', () => {
    let clean = 0;
    for (const c of badReferenceCases()) {
      const t = expectSameBothWays(c);
      if (t.clean) clean++;
      if (/dangling|output-node/.test(c.name)) expect(t.clean, c.name).toBeFalsy();
      if (/self-reference|reference-cycle|output-not-iommu/.test(c.name)) expect(t.quiet, c.name).toBeFalsy();
    }
    // Findings about a table that reads as it says (a self reference) leave it clean: printed from its bytes, the model only for the findings.
    expect(clean).toBeGreaterThan(0);
  });

  it('placed parts where decode keeps a layout (a gap before them, an empty one at an offset) go the model\'s way, same output', () => {
    const c = fixtureCases().find((x) => x.name.endsWith('smmuv3-pxb-bypass/IORT.dat'))!;
    expect(decodeTable(c.bytes).clean).toBe(true);
    const model = decodeTable(c.bytes, { eager: true }).model;
    const nodes = model['nodes'] as Model[];
    const variants: [string, (m: Model) => void][] = [
      ['padding before the first node', (m) => (m['padding'] = new Uint8Array(4))],
      ['an ITS group with no ID mappings at a Mapping Offset', (m) => ((m['nodes'] as Model[])[0]![LAYOUT_KEY] = { emptyOffsets: { idMappings: 0x18 } })],
      ['bytes between an SMMUv3\'s fields and its ID mappings', (m) => ((m['nodes'] as Model[])[1]![LAYOUT_KEY] = { gaps: { idMappings: new Uint8Array(4) } })],
    ];
    expect(nodes[0]!['type']).toBe('ItsGroup');
    expect(nodes[1]!['type']).toBe('SmmuV3');
    for (const [what, edit] of variants) {
      const m = structuredClone(model);
      edit(m);
      const e = encodeTable(m);
      expect(e.diagnostics, what).toEqual([]);
      const t = expectSameBothWays({ name: `${c.name}: ${what}`, bytes: e.bytes! });
      expect(t.clean, what).toBeFalsy();
      expect(t.diagnostics, what).toEqual([]);
    }
  });

  it('a table changed after decode prints what its model says', () => {
    const c = fixtureCases().find((x) => signatureOf(x.bytes) === 'DMAR')!;
    const t = decodeTable(c.bytes);
    expect(t.clean).toBe(true);
    t.model = { ...t.model, hostAddressWidth: 38 };
    expect(t.clean).toBe(false);
    expect(printTableText(t)).toContain('Host Address Width : 26');
  });

  // The corpus is large and the machine may be loaded: these read and print hundreds of tables several ways.
  const SLOW = 300_000;
  /**
   * Of the corpus's DMARs, MCFGs and MADTs most are clean (the others have reserved bits, bad checksums, ...);
   * MADTs with the optional fields of newer revisions (GICC SPE/TRBE, the wakeup ResetVector) too; IORTs and
   * VIOTs with their nodes and ID mappings where the offset fields say. IVRS declarations have items sized by
   * their type, which the walk leaves to the model.
   */
  const CLEAN_SHARE: Record<string, number> = { APIC: 0.5, DMAR: 0.5, IORT: 0.5, MCFG: 0.5, VIOT: 0.5 };

  for (const sig of [...MODELLED].sort()) {
    it.skipIf(!HAVE_CORPUS)(`every distinct corpus ${sig}`, () => {
      const cases = corpusCases(sig);
      let clean = 0;
      for (const c of cases) if (expectSameBothWays(c).clean) clean++;
      console.log(`[clean path] ${sig}: ${clean} of ${cases.length} distinct corpus tables clean`);
      if (CLEAN_SHARE[sig] !== undefined) expect(clean).toBeGreaterThan(cases.length * CLEAN_SHARE[sig]);
    }, SLOW);
  }

  it.skipIf(!HAVE_CORPUS)('a document of many tables is the JSON.stringify of them all', () => {
    const tables = [...corpusCases('DMAR').slice(0, 20), ...corpusCases('IORT').slice(0, 10), ...corpusCases('MCFG').slice(0, 20)];
    const fast = tables.map((c) => decodeTable(c.bytes));
    expect(fast.some((t) => t.clean)).toBe(true);
    expect(fast.some((t) => !t.clean)).toBe(true);
    const ref = tables.map((c) => decodeTable(c.bytes, { eager: true }));
    expect(formatJsonDocument(fast)).toBe(JSON.stringify({ tables: ref.map(tableToJson) }, null, 2) + '\n');
  }, SLOW);
});

describe('clean path through the CLI', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ridmap-clean-'));
  // One clean table of each kind that has them: a MADT's optional fields, an IORT's and a VIOT's placed nodes and references.
  const cleanOf = (sig: string) => fixtureCases().filter((c) => signatureOf(c.bytes) === sig && decodeTable(c.bytes).clean).slice(0, 1);
  const picks = [...['DMAR', 'MCFG', 'APIC', 'IORT', 'VIOT'].flatMap(cleanOf), ...damagedCases().slice(0, 2)];
  const files = picks.map((c, i) => {
    const f = join(dir, `t${i}.dat`);
    writeFileSync(f, c.bytes);
    return f;
  });

  for (const [i, f] of files.entries()) {
    for (const form of ['current', '2020'] as const) {
      it(`decode ${picks[i]!.name} (--iasl-format ${form})`, async () => {
        const r = await runCli('decode', '--iasl-format', form, f);
        expect(r.code).not.toBe(3);
        const ref = decodeTable(new Uint8Array(readFileSync(f)), { eager: true });
        expect(r.stdout).toBe(printTableText(ref, { file: f, form: form === '2020' ? FORM_2020 : CURRENT_FORM }));
      });
    }
  }

  it('the picks hold a clean DMAR, IORT and VIOT', () => {
    for (const sig of ['DMAR', 'IORT', 'VIOT']) expect(picks.some((c) => signatureOf(c.bytes) === sig), sig).toBe(true);
  });

  it('decode --format json of clean and damaged tables together', async () => {
    const r = await runCli('decode', '--format', 'json', ...files);
    expect(r.code).not.toBe(3);
    const ref = files.map((f) => decodeTable(new Uint8Array(readFileSync(f)), { eager: true }));
    expect(r.stdout).toBe(JSON.stringify({ tables: ref.map(tableToJson) }, null, 2) + '\n');
  });
});
