/**
 * The browser page in a real browser (harness.ts: built with Vite, served
 * as any static host would, in Debian's Chromium), driven as a user would.
 * Screenshots go to test-artifacts/web/.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHECKS } from '../../src/checks/registry.js';
import { encodeModel, largeDmar } from '../acpi/dmar-fixtures.js';
import { CORPUS_DIR, GOLDEN_DIR, HAVE_CORPUS, TABLES_DIR } from '../support/paths.js';
import { runCli } from '../support/run-cli.js';
import { HAVE_CHROMIUM } from './browser.js';
import { armBuilt, FORGET_STATE, openPage, upload, type PageHarness } from './harness.js';

const QEMU = join(CORPUS_DIR, 'qemu-expected');
const Q35_DMAR = join(QEMU, 'tests/data/acpi/x86/q35/DMAR.dmar');
const OLD_DMAR = join(QEMU, 'older/44d3bdd8a6f1/tests/data/acpi/q35/DMAR.dmar');

/** Records the page thread's long tasks (over 50 ms) from now on. */
const WATCH_LONG_TASKS = "window.longTasks = []; new PerformanceObserver((l) => window.longTasks.push(...l.getEntries().map((e) => e.duration))).observe({ type: 'longtask' })";

describe.skipIf(!HAVE_CHROMIUM)('the browser page', () => {
  let harness: PageHarness;
  let page: Page;
  let errors: string[];
  const show = (...args: Parameters<PageHarness['show']>) => harness.show(...args);
  const tab = (name: string) => harness.tab(name);
  const texts = (selector: string) => harness.texts(selector);
  const shot = (name: string) => harness.shot(name);
  const downloaded = (button: string, name: string) => harness.downloaded(button, name);

  beforeAll(async () => {
    harness = await openPage();
    ({ page, errors } = harness);
  }, 120_000);

  afterAll(async () => {
    await harness?.close();
  });

  it.skipIf(!HAVE_CORPUS)('decodes a corpus DMAR: fields beside its bytes, the map, the picture, the findings', async () => {
    await show([upload(Q35_DMAR)]);
    expect(await texts('.table-item .name')).toEqual(['DMAR']);
    expect(await texts('.fields .line')).toContain('[000h 0000 004h]                   Signature : "DMAR"    [DMA Remapping Table]');

    // Pointing at a field highlights its bytes; clicking pins them.
    const base = page.locator('.fields .line', { hasText: 'Register Base Address : 00000000FED90000' });
    await base.hover();
    await expect.poll(() => page.locator('.hexrow span.hover[data-offset]').count()).toBe(16); // 8 hex + 8 ASCII
    await base.click();
    await expect.poll(() => texts('.hexrow > span:nth-child(2) span.sel')).toEqual(['00', '00', 'D9', 'FE', '00', '00', '00', '00']);
    // Clicking a byte finds its field: the last scope's path (00:1f.3), below the lines in view.
    // Clicked again until it takes: on a loaded machine the pane may still be redrawing from the click
    // above when this one lands (clicking a byte again selects the same field, so a retry changes nothing else).
    await expect.poll(async () => {
      await page.click('.hexrow span[data-offset="110"]');
      return texts('.fields .line.sel');
    }).toEqual(['[06Eh 0110 002h]                    PCI Path : 1F,03']);
    await shot('dmar-tables');

    await tab('map');
    const rows = await page.locator('table.translations tbody tr').evaluateAll((trs) => trs.map((tr) => [...tr.children].map((td) => td.textContent)));
    expect(rows).toEqual([
      ['0000', '00:00.0', '00:00.0', 'vtd@0xfed90000', '0x0', 'DMAR'],
      ['0000', '00:01.0', '00:01.0', 'vtd@0xfed90000', '0x8', 'DMAR'],
      ['0000', '00:1f.0', '00:1f.0', 'vtd@0xfed90000', '0xf8', 'DMAR'],
      ['0000', '00:1f.2', '00:1f.3', 'vtd@0xfed90000', '0xfa', 'DMAR'],
    ]);

    await tab('picture');
    const nodes = await texts('.picture svg g.node > title');
    expect(nodes).toEqual(expect.arrayContaining(['iommu:vtd@0xfed90000', 'seg:0', 'bus:0:0', 'range:3']));
    expect(await texts('.picture svg g.node text')).toEqual(expect.arrayContaining(['00:1f.2-1f.3', 'vtd@0xfed90000 +0xfa']));
    expect(await downloaded('#download-svg', 'DMAR.svg')).toMatch(/<svg[\s\S]*vtd@0xfed90000/);
    await shot('dmar-picture');

    // The JSON exports are what the CLI writes.
    expect(await downloaded('#export-map', 'DMAR.map.json')).toBe((await runCli('map', Q35_DMAR, '--format', 'json')).stdout);
    expect(await downloaded('#export-tables', 'DMAR.tables.json')).toBe((await runCli('decode', Q35_DMAR, '--format', 'json')).stdout);
    // (The CLI was given a path, the page a file.)
    expect(await downloaded('#export-check', 'DMAR.check.json')).toBe((await runCli('check', Q35_DMAR, '--format', 'json')).stdout.replaceAll(Q35_DMAR, 'DMAR.dmar'));

    await tab('findings');
    expect(await page.locator('.findings-pane .summary-line').textContent()).toMatch(new RegExp(`^No findings\\. ${CHECKS.length} checks ran on 1 table`));
    expect(await texts('table.summary tbody td')).toContain('identical (120 bytes)');
    expect(errors).toEqual([]);
  });

  it.skipIf(!HAVE_CORPUS)('checks tables against a topology: findings with their ids, disagreements outlined in the picture', async () => {
    await show([upload(join(TABLES_DIR, 'q35-vtd-pci-bridge.yaml')), upload(Q35_DMAR)]);
    expect(await texts('.table-item .name')).toEqual(['DMAR', 'DMAR']);
    await tab('findings');
    expect(await page.locator('#tab-findings').textContent()).toBe('Findings (6)');
    expect(new Set(await texts('table.findings code.code'))).toEqual(new Set(['map-device-untranslated']));
    expect(await texts('table.findings td.message')).toContain('nvme0 (0000:01:00.0) is behind vtd@0xfed90000 in the topology, but no DMAR entry covers it: its DMA skips the IOMMU');
    await shot('findings');

    await tab('picture');
    const nvme = page.locator('.picture svg g.node', { has: page.locator('title', { hasText: /^fn:nvme0$/ }) });
    expect(await nvme.locator('polygon').getAttribute('stroke')).toBe('red');
    expect(await nvme.locator('text').allTextContents()).toContain('topology: vtd@0xfed90000 [0x100]');
    expect(await texts('.picture svg g.cluster > title')).toEqual(expect.arrayContaining(['cluster_g5', 'cluster_legend']));
    await shot('topology-picture');
    expect(errors).toEqual([]);
  });

  it('reads a DTB: its DTS, its map, its picture', async () => {
    await show([armBuilt('board.dtb')]);
    expect(await texts('.table-item .name')).toEqual(['DT']);
    expect((await texts('.fields .line'))[0]).toBe('/dts-v1/;');
    expect(await page.locator('.hexrow').first().textContent()).toMatch(/^00000000D0 ?0D ?FE ?ED/);
    await tab('map');
    expect(await texts('table.translations tbody tr:first-child td')).toEqual(['0000', '00:00.0', '7f:1f.7', 'smmuv3@0x9050000', '0x0', 'DT']);
    await tab('picture');
    expect(await texts('.picture svg g.node > title')).toContain('iommu:smmuv3@0x9050000');
    await tab('tables');
    await shot('dtb');
    expect(errors).toEqual([]);
  });

  it('parses a DTS in the browser (tree-sitter as wasm), its /include/ from the files given with it', async () => {
    const dts = armBuilt('board.dts');
    await show([{ name: 'main.dts', buffer: Buffer.concat([dts.buffer, Buffer.from('\n/include/ "extra.dtsi"\n')]) },
      { name: 'extra.dtsi', buffer: Buffer.from('/ { chosen { bootargs = "from-include"; }; };\n') }]);
    expect(await texts('#problems li')).toEqual([]);
    expect(await texts('.table-item .name')).toEqual(['DT']);
    await page.locator('.fields').evaluate((e) => (e.scrollTop = e.scrollHeight));
    await expect.poll(() => texts('.fields .line')).toContain('\t\tbootargs = "from-include";');
    await tab('map');
    expect(await texts('table.translations tbody tr:first-child td')).toEqual(['0000', '00:00.0', '7f:1f.7', 'smmuv3@0x9050000', '0x0', 'DT']);
    expect(errors).toEqual([]);
  });

  it('takes pasted acpidump text', async () => {
    await show([]);
    await page.click('#input-A-paste-open');
    await page.fill('#input-A-paste', readFileSync(join(GOLDEN_DIR, 'q35-vtd-pci-bridge/DMAR.hex'), 'utf8'));
    await page.evaluate(FORGET_STATE);
    await page.click('#input-A-paste-use');
    await page.waitForSelector('body[data-state="done"]', { timeout: 30_000 });
    await tab('tables');
    expect(await texts('.slot-A .chips .name')).toEqual(['pasted']);
    expect(await texts('.fields .line')).toContain('[010h 0016 008h]                Oem Table ID : "Q35VTD  "');
    expect(errors).toEqual([]);
  });

  it('says what is wrong with bad input as the CLI does, with the code', async () => {
    await show([{ name: 'junk.bin', buffer: Buffer.from([1, 2, 3, 4, 0, 0, 0, 9]) }, upload(join(TABLES_DIR, 'q35-vtd-pci-bridge.yaml'))]);
    expect(await texts('#problems li.error')).toEqual([
      'junk.bin: error [input-unknown-kind]: cannot tell what this is: binary data starting "...." (8 bytes: shorter than an ACPI table header, 36 bytes) that is neither a known ACPI table (signature + plausible length) nor a DTB. ridmap reads raw ACPI tables, acpidump text, iasl .dsl files, its own decoded JSON, DTB and DTS',
    ]);
    // The readable input is still shown.
    expect(await texts('.table-item .name')).toEqual(['DMAR']);
    await shot('bad-input');
    expect(errors).toEqual([]);
  });

  it.skipIf(!HAVE_CORPUS)('gives the semantic diff of two inputs side by side', async () => {
    await show([upload(OLD_DMAR)], [upload(Q35_DMAR)]);
    await tab('diff');
    expect(await page.locator('pre.diff').textContent()).toBe(
      ['--- A: DMAR.dmar', '+++ B: DMAR.dmar', 'DMAR: 1 difference', '  Host Address Width: 26 → 2F', ''].join('\n'),
    );
    await page.check('#diff-hex');
    await expect.poll(() => page.locator('pre.diff').textContent()).toMatch(/Host Address Width: 26 → 2F\n +Host Address Width\n +A +\| B\n +00000024: 26 .*\| 00000024: 2F /);
    await shot('diff');
    expect(errors).toEqual([]);
  });

  it('stays responsive while its workers decode and check a 1 MB DMAR', async () => {
    const bytes = encodeModel(largeDmar());
    expect(bytes.length).toBeGreaterThan(1_000_000);
    await show([]);
    // Long tasks of the page's own thread, from here on.
    await page.evaluate(WATCH_LONG_TASKS);
    await page.evaluate(FORGET_STATE);
    const t0 = performance.now();
    await page.setInputFiles('#input-A-file', { name: 'DMAR-1M.dat', mimeType: 'application/octet-stream', buffer: Buffer.from(bytes) });
    // While the workers work, the page answers at once, again and again.
    const answers: number[] = [];
    let decodedMs: number | undefined;
    while ((await page.locator('body').getAttribute('data-state')) !== 'done') {
      const t = performance.now();
      const lines = await page.locator('.tables-pane').getAttribute('data-lines');
      answers.push(performance.now() - t);
      if (lines && decodedMs === undefined) decodedMs = performance.now() - t0;
      if (performance.now() - t0 > 45_000) throw new Error('the 1 MB DMAR took over 45 s');
      await page.waitForTimeout(50);
    }
    const longTasks = await page.evaluate<number[]>('window.longTasks');
    const doneMs = performance.now() - t0;
    console.log(`[web] 1 MB DMAR: fields shown after ${decodedMs?.toFixed(0)} ms, checked after ${doneMs.toFixed(0)} ms; ` +
      `page answered ${answers.length} times, slowest ${Math.max(...answers).toFixed(0)} ms; longest main-thread task ${Math.max(0, ...longTasks).toFixed(0)} ms`);
    // The fields, then the Raw Table Data dump of the whole table (16 bytes a line), as iasl prints it.
    expect(await page.locator('.tables-pane').getAttribute('data-lines')).toBe('1344191');
    expect(await page.locator('#tab-findings').textContent()).toMatch(/^Findings \(\d+\)$/);
    // The work ran off the page's thread: the page answered again and again while it went on, and no
    // single task of its own thread took a large share of the whole. Shares, not milliseconds, so a
    // loaded machine (which slows both alike) cannot fail this and a page that decodes on its own
    // thread (one task about as long as the whole) cannot pass. Speed itself is the bench's business.
    expect(answers.length).toBeGreaterThanOrEqual(3);
    expect(Math.max(...answers)).toBeLessThan(doneMs / 3);
    expect(Math.max(0, ...longTasks)).toBeLessThan(doneMs / 3);
    // Scrolling to the end of a million lines shows them at once: the last lines of the Raw Table Data dump.
    await page.locator('.fields').evaluate((e) => (e.scrollTop = e.scrollHeight));
    await expect.poll(async () => (await texts('.fields .line')).some((l) => /^ {3}FA1[0-9A-F]0: ([0-9A-F]{2} )+ +\/\/ /.test(l))).toBe(true);
    await shot('dmar-1mb');
    expect(errors).toEqual([]);
  }, 60_000);
});
