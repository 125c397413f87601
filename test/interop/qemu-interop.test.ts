/**
 * Interop with real QEMU: for each command line of scenarios.ts, capture the
 * tables QEMU generates (scripts/qemu-capture.mjs: firmware only, no guest),
 * then
 *   - decode every table and encode it back byte for byte (raw .dat files
 *     and the acpidump text alike); decode the DTB and re-encode it stably;
 *   - import the same command line with `ridmap import qemu` and check that
 *     every PCI function sits where QEMU put it, with the bus numbers the
 *     firmware gave (QMP query-pci);
 *   - map each IOMMU table (through mapAcpiTables, so VIOT and IORT join in
 *     as soon as their resolvers are registered) and, on Arm, the DTB, with
 *     the imported topology, and compare every device's IOMMU and output IDs
 *     with the topology's own map. Documented QEMU behaviours are findings,
 *     listed in the summary, not failures.
 * Without QEMU the suite is skipped with a message; with CI set it fails.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeInput } from '../../src/io/decode-input.js';
import { decodeDtb } from '../../src/dt/dtb-read.js';
import { encodeDtb } from '../../src/dt/dtb-write.js';
import { layoutTree } from '../../src/dt/layout.js';
import { resolveDt } from '../../src/dt/resolve.js';
import type { ResolvedTopology } from '../../src/model/resolved.js';
import { expectRoundTrip } from '../acpi/roundtrip.js';
import { CapturePool, type Captured } from './capture-pool.js';
import { compareIommuTables, compareMaps, expectPlacement, importScenario, versionText } from './interop-checks.js';
import { APT_PACKAGES, IN_CI, missingQemu, type Arch } from './qemu-env.js';
import { SCENARIOS, type Scenario } from './scenarios.js';

/** Two QEMUs at a time: the suite's machines have 2 cores. */
const CONCURRENCY = 2;
/** A capture waits for its turn and runs EDK2 under TCG. */
const CAPTURE_TEST_MS = 240_000;

const missing: Record<Arch, string | undefined> = { x86: missingQemu('x86'), arm: missingQemu('arm') };
const runnable = SCENARIOS.filter((s) => !missing[s.arch]);
const absent = [...new Set(SCENARIOS.filter((s) => missing[s.arch]).map((s) => missing[s.arch]!))];

if (absent.length > 0 && IN_CI) {
  describe('QEMU interop', () => {
    it('has QEMU (CI installs it)', () => {
      throw new Error(`CI is set but ${absent.join('; ')}; install: apt-get install -y ${APT_PACKAGES}`);
    });
  });
} else if (absent.length > 0) {
  console.warn(
    `QEMU interop: ${SCENARIOS.length - runnable.length} of ${SCENARIOS.length} command lines skipped (${absent.join('; ')}); ` +
      `to run them: apt-get install -y ${APT_PACKAGES}`,
  );
}

const pool = new CapturePool(CONCURRENCY);
const summary = new Map<string, string[]>();
const note = (s: Scenario, line: string) => summary.set(s.name, [...(summary.get(s.name) ?? []), line]);

beforeAll(() => {
  for (const s of runnable) void pool.capture(s.name, s.arch, s.argv);
});
afterAll(() => {
  pool.dispose();
  if (summary.size > 0) console.info([...summary].map(([name, lines]) => `${name}\n  ${lines.join('\n  ')}`).join('\n'));
});

for (const s of SCENARIOS) {
  const skip = missing[s.arch] !== undefined;
  describe.skipIf(skip)(`QEMU interop: ${s.name}`, () => {
    let captured: Captured;
    let resolved: ResolvedTopology;
    const say = (line: string) => note(s, line);

    it('captures the tables QEMU generates', { timeout: CAPTURE_TEST_MS }, async () => {
      captured = await pool.capture(s.name, s.arch, s.argv);
      const signatures = captured.manifest.tables.map((t) => t.signature);
      for (const sig of s.tables) expect(signatures).toContain(sig);
      say(`QEMU ${versionText(captured.manifest)}: ${signatures.join(' ')}${captured.manifest.dtb ? ' + DTB' : ''} in ${captured.manifest.seconds.total.toFixed(1)} s`);
    });

    it('decodes every table and encodes it back byte for byte', () => {
      for (const t of captured.manifest.tables) expectRoundTrip(new Uint8Array(readFileSync(join(captured.dir, t.file))));
      // The acpidump text holds the same tables, which ridmap's acpidump reader finds again.
      const dump = decodeInput(readFileSync(join(captured.dir, 'acpidump.txt')), 'acpidump.txt');
      expect(dump.diagnostics.filter((d) => d.severity !== 'info')).toEqual([]);
      expect(dump.tables.map((t) => t.signature.trimEnd())).toEqual(captured.manifest.tables.map((t) => t.signature));
      say(`${captured.manifest.tables.length} tables byte-exact after decode → encode`);
    });

    it('imports the command line with every function where QEMU put it', async () => {
      resolved = await importScenario(s, captured.manifest);
      const n = expectPlacement(captured.dir, resolved);
      say(`import: ${n} functions at QEMU's bus:dev.fn, bridges numbered as the firmware did`);
    });

    it('says for every device what the IOMMU tables say', (ctx) => {
      if (compareIommuTables(s, captured.dir, captured.manifest, resolved, say) === 0) ctx.skip();
    });

    it.skipIf(s.arch !== 'arm')('says for every device what the DT says', () => {
      const dtb = decodeDtb(new Uint8Array(readFileSync(join(captured.dir, 'board.dtb'))), 'board.dtb');
      expect(dtb.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
      // QEMU pads its blob to 1 MiB and ridmap lays a tree out afresh, so the bytes differ; the tree must survive.
      const encoded = encodeDtb(layoutTree(dtb.tree));
      expect(encodeDtb(layoutTree(decodeDtb(encoded).tree))).toEqual(encoded);
      compareMaps(s, captured.manifest, 'DT', resolveDt(dtb.tree, resolved), resolved, say);
    });
  });
}
