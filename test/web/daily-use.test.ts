/**
 * The page as people use it (issue 22): on a phone, nothing wider than the
 * window and the exports within reach; pictures whose labels fit their boxes,
 * with zooms that do what they say and a reason when a picture is not drawn;
 * the IORT diff by node and ID mapping; a link that opens a view. In
 * Chromium (harness.ts), screenshots in test-artifacts/web/.
 */
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DmarDeviceScope } from '../../src/acpi/dmar/model.js';
import type { Model } from '../../src/codec/index.js';
import { loadInput } from '../../src/io/load-input.js';
import { encodeModel, smallDmar } from '../acpi/dmar-fixtures.js';
import { CORPUS_DIR, HAVE_CORPUS, TABLES_DIR } from '../support/paths.js';
import { HAVE_CHROMIUM } from './browser.js';
import { ARTIFACTS, armBuilt, FORGET_STATE, openPage, upload, type PageHarness, type Upload } from './harness.js';

const Q35_DMAR = join(CORPUS_DIR, 'qemu-expected/tests/data/acpi/x86/q35/DMAR.dmar');
const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1400, height: 900 };

/** Scripts run in the page, as text (this file is type-checked without the DOM). */
const PAGE_WIDTH = 'document.scrollingElement.scrollWidth';
/** Node labels (text) against their node's shape (the first polygon, path or ellipse): [label, room left, room right] when outside. */
const LABELS_OUTSIDE = `[...document.querySelectorAll('.picture svg g.node')].flatMap((g) => {
  const s = g.querySelector('polygon, path, ellipse').getBBox();
  return [...g.querySelectorAll('text')].map((t) => { const b = t.getBBox(); return [t.textContent, b.x - s.x, s.x + s.width - (b.x + b.width)]; });
}).filter(([, left, right]) => left < 0 || right < 0)`;
const SVG_AND_FRAME_WIDTH = `(() => { const f = document.querySelector('.picture'); const s = f.querySelector('svg'); const c = getComputedStyle(f);
  return [s.getBoundingClientRect().width, f.clientWidth - parseFloat(c.paddingLeft) - parseFloat(c.paddingRight), f.scrollWidth <= f.clientWidth]; })()`;

/** A DMAR of one unit with 700 endpoints 16 RIDs apart: 700 RID ranges, over the picture's limit. */
function manyRangesDmar(): Upload {
  const scopes: DmarDeviceScope[] = Array.from({ length: 700 }, (_, i) => ({
    type: 1, flags: 0, enumerationId: 0, startBusNumber: 1 + (i >> 4), path: [{ device: (i & 15) * 2, function: 0 }],
  }));
  const small = smallDmar();
  const drhd = { ...small.remappingStructures[0]!, flags: 0, deviceScopes: scopes } as (typeof small.remappingStructures)[number];
  return { name: 'DMAR-700.dat', buffer: Buffer.from(encodeModel({ ...small, remappingStructures: [drhd] })) };
}

/** The Arm example's IORT with an ID mapping added to its root complex and a field of its named component changed. */
async function changedIort(): Promise<Upload> {
  const built = armBuilt('IORT.dat');
  const model = (await loadInput('IORT.dat', new Uint8Array(built.buffer))).tables[0]!.model;
  const nodes = structuredClone(model['nodes']) as (Model & { type: string; idMappings: Model[] })[];
  const smmu = nodes.findIndex((n) => n.type === 'SmmuV3');
  nodes.find((n) => n.type === 'RootComplex')!.idMappings.push({ inputBase: 0x10000, numberOfIds: 0xff, outputBase: 0x10000, outputReference: { node: smmu }, flags: 0 });
  nodes.find((n) => n.type === 'NamedComponent')!['memoryAddressLimit'] = 48;
  return { name: 'IORT-changed.dat', buffer: Buffer.from(encodeModel({ ...model, nodes })) };
}

describe.skipIf(!HAVE_CHROMIUM)('the page in daily use', () => {
  let harness: PageHarness;
  let page: Page;

  beforeAll(async () => {
    harness = await openPage(DESKTOP);
    page = harness.page;
  }, 120_000);

  afterAll(async () => {
    await harness?.close();
  });

  describe('on a phone (390 px wide)', () => {
    beforeAll(() => page.setViewportSize(PHONE));
    afterAll(() => page.setViewportSize(DESKTOP));

    const inputs: [string, () => Upload, boolean][] = [
      ['the q35 DMAR', () => upload(Q35_DMAR), HAVE_CORPUS],
      ['an Arm board DTB', () => armBuilt('board.dtb'), true],
    ];
    for (const [what, input, have] of inputs) {
      it.skipIf(!have)(`${what}: no tab is wider than the window, the exports are within reach, the field view scrolls in its own pane`, async () => {
        await harness.show([input()]);
        const tooWide: [string, number][] = [];
        for (const t of ['tables', 'findings', 'map', 'picture']) {
          await harness.tab(t);
          const width = await page.evaluate<number>(PAGE_WIDTH);
          if (width > PHONE.width) tooWide.push([t, width]);
          await harness.shot(`phone-${what.split(' ').pop()!.toLowerCase()}-${t}`);
        }
        expect(tooWide).toEqual([]);
        // Every export button is inside the window and takes a click.
        for (const id of ['#export-map', '#export-tables', '#export-check']) {
          const box = (await page.locator(id).boundingBox())!;
          expect(box.x).toBeGreaterThanOrEqual(0);
          expect(box.x + box.width).toBeLessThanOrEqual(PHONE.width);
        }
        expect(await harness.downloaded('#export-map', `${input().name.replace(/\.[^.]*$/, '')}.map.json`)).toMatch(/^\{\n {2}"translations"/);
        // The field view keeps to the window; its long lines scroll inside it.
        await harness.tab('tables');
        const fields = (await page.locator('.fields').boundingBox())!;
        expect(fields.x + fields.width).toBeLessThanOrEqual(PHONE.width);
        expect(await page.locator('.fields').evaluate((e) => e.scrollWidth > e.clientWidth)).toBe(true);
        expect(harness.errors).toEqual([]);
      });
    }
  });

  it('the picture: labels inside their boxes, a zoom that fits the whole or the width, as the buttons say, and steps from there', async () => {
    await harness.show([upload(join(TABLES_DIR, 'x86-server-dmar.yaml'))]);
    await harness.tab('picture');
    expect(await page.evaluate(LABELS_OUTSIDE)).toEqual([]);
    // It opens at a zoom it says (the whole picture is too small to read here: fit to width).
    expect(await harness.texts('.zoom button[aria-pressed="true"]')).toEqual(['Fit to width']);
    const [svgWidth, room, noScroll] = await page.evaluate<[number, number, boolean]>(SVG_AND_FRAME_WIDTH);
    expect(svgWidth).toBeLessThanOrEqual(room);
    expect(noScroll).toBe(true);
    await harness.shot('picture-fit-width');
    await page.click('#picture-actual');
    expect(await harness.texts('.zoom button[aria-pressed="true"]')).toEqual(['Actual size']);
    expect(await harness.texts('#picture-scale')).toEqual(['100 %']);
    // − and + step from the scale shown, and say it; none of the three zooms is pressed then.
    const actual = (await page.locator('.picture svg').boundingBox())!.width;
    await page.click('#picture-in');
    expect(await harness.texts('#picture-scale')).toEqual(['125 %']);
    expect((await page.locator('.picture svg').boundingBox())!.width).toBeCloseTo(actual * 1.25, -1);
    expect(await harness.texts('.zoom button[aria-pressed="true"]')).toEqual([]);
    await page.click('#picture-out');
    await page.click('#picture-out');
    expect(await harness.texts('#picture-scale')).toEqual(['80 %']);
    // Up to 400 % (eight steps from 80 %), where + stops.
    let steps = 0;
    while (!(await page.locator('#picture-in').isDisabled()) && steps < 20) {
      await page.click('#picture-in');
      steps++;
    }
    expect([steps, await harness.texts('#picture-scale')]).toEqual([8, ['400 %']]);
    await page.click('#picture-whole');
    const whole = await page.locator('.picture svg').boundingBox();
    const frame = await page.locator('.picture').boundingBox();
    expect(whole!.height).toBeLessThanOrEqual(frame!.height);
    await harness.shot('picture-whole');
    // Fit to width fits on a phone too.
    await page.setViewportSize(PHONE);
    await page.click('#picture-width');
    await page.evaluate('new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)))');
    const [phoneSvg, phoneRoom] = await page.evaluate<[number, number]>(SVG_AND_FRAME_WIDTH);
    expect(phoneSvg).toBeLessThanOrEqual(phoneRoom);
    expect(await page.evaluate(LABELS_OUTSIDE)).toEqual([]);
    await harness.shot('phone-picture-fit-width');
    await page.setViewportSize(DESKTOP);
    expect(harness.errors).toEqual([]);
  });

  it('a picture not drawn says why: how many, and the limit', async () => {
    await harness.show([manyRangesDmar()]);
    await harness.tab('picture');
    expect(await page.locator('#picture-note').textContent()).toBe(
      "not drawn: 700 RID ranges and MMIO devices, over the picture's limit of 600 (Graphviz would take seconds, and no one could read it); the Map tab lists them all");
    await harness.shot('picture-not-drawn');
  });

  it('the IORT diff names nodes and ID mappings; the two field views side by side', async () => {
    await harness.show([armBuilt('IORT.dat')], [await changedIort()]);
    await harness.tab('diff');
    expect(await page.locator('pre.diff').textContent()).toContain([
      'IORT: 2 differences',
      '  ~ root complex segment 0',
      '      + IDs 0x10000-0x100ff → SMMUv3 smmuv3@0x9050000 [0x10000]',
      '  ~ named component 3',
      '      Memory Size Limit: 40 → 30',
    ].join('\n'));
    await harness.shot('iort-diff');
    // The two field views side by side: B is 20 bytes longer (its added ID mapping).
    await page.check('#diff-fields');
    expect(await page.locator('#diff-table').inputValue()).toBe('IORT');
    const length = (side: string) => harness.texts(`#diff-fields-${side} .line:has-text("Table Length")`);
    await expect.poll(() => Promise.all([length('A'), length('B')])).toEqual([
      ['[004h 0004 004h]                Table Length : 0000012C'],
      ['[004h 0004 004h]                Table Length : 00000140'],
    ]);
    expect(await harness.texts('#diff-fields-A h3, #diff-fields-B h3')).toEqual(['A: IORT.dat · IORT', 'B: IORT-changed.dat · IORT']);
    await harness.shot('iort-diff-fields');
    expect(harness.errors).toEqual([]);
  });

  describe('links', () => {
    /** Follows a link to the page (a hash change only, as when a link is pasted into the open page) and waits for its view. */
    async function follow(hash: string): Promise<void> {
      await page.evaluate(FORGET_STATE);
      await page.goto(`${harness.url}${hash}`);
      await page.waitForSelector('body[data-state="done"]', { timeout: 30_000 });
    }

    it('a link opened in a new window shows its example on its tab', async () => {
      const fresh = await page.context().newPage();
      try {
        await fresh.goto(`${harness.url}#example=q35-vtd-pci-bridge&tab=picture`);
        await fresh.waitForSelector('body[data-state="done"]', { timeout: 30_000 });
        expect(await fresh.locator('.slot-A .chips .name').allTextContents()).toEqual(['q35-vtd-pci-bridge.yaml']);
        expect(await fresh.locator('.tab.current').allTextContents()).toEqual(['Picture']);
        await fresh.waitForSelector('.picture svg g.node');
        await fresh.screenshot({ path: join(ARTIFACTS, 'link-opened.png') });
      } finally {
        await fresh.close();
      }
    });

    it('a link naming an example and a tab opens them; picking another example or tab updates the link', async () => {
      await follow('#example=arm-smmuv3-its&tab=map');
      expect(await harness.texts('.slot-A .chips .name')).toEqual(['arm-smmuv3-its.yaml']);
      expect(await harness.texts('.tab.current')).toEqual(['Map']);
      expect(await harness.texts('table.translations tbody tr:first-child td')).toEqual(['0000', '00:00.0', '7f:1f.7', 'smmuv3@0x9050000', '0x0', 'topology']);
      await harness.shot('link-example');

      await harness.tab('picture');
      expect(await page.evaluate('location.hash')).toBe('#example=arm-smmuv3-its&tab=picture');
      await page.click('#input-A-clear');
      await page.evaluate(FORGET_STATE);
      await page.selectOption('#examples', 'q35-vtd-pci-bridge');
      await page.waitForSelector('body[data-state="done"]', { timeout: 30_000 });
      expect(await page.evaluate('location.hash')).toBe('#example=q35-vtd-pci-bridge&tab=picture');
    });

    it('a link carries files of one\'s own, packed, and opens them in a new window', async () => {
      await harness.show([armBuilt('board.dtb')]);
      await harness.tab('map');
      const rows = await harness.texts('table.translations tbody tr');
      expect(rows.length).toBeGreaterThan(0);
      await expect.poll(() => page.evaluate('location.hash')).toMatch(/^#file=board\.dtb%3A[A-Za-z0-9_-]+&tab=map$/);
      expect(await page.getAttribute('#copy-link', 'data-carries')).toBe('files');
      const link = await page.evaluate<string>('location.href');
      const fresh = await page.context().newPage();
      try {
        await fresh.goto(link);
        await fresh.waitForSelector('body[data-state="done"]', { timeout: 30_000 });
        expect(await fresh.locator('.slot-A .chips .name').allTextContents()).toEqual(['board.dtb']);
        expect(await fresh.locator('.tab.current').allTextContents()).toEqual(['Map']);
        expect(await fresh.locator('table.translations tbody tr').allTextContents()).toEqual(rows);
        expect(await fresh.evaluate('location.hash')).toBe(new URL(link).hash);
      } finally {
        await fresh.close();
      }
    });

    it('a link leaves out inputs too big to carry, and says so', async () => {
      // 48 KB that deflate cannot shrink (64 KB in base64): over the 32 KB a link carries.
      let x = 1;
      const noise = Buffer.from(Array.from({ length: 48 * 1024 }, () => ((x = (Math.imul(x, 1103515245) + 12345) >>> 0) >>> 24)));
      await harness.show([{ name: 'noise.bin', buffer: noise }]);
      await expect.poll(() => page.getAttribute('#copy-link', 'data-carries')).toBe('too-big');
      expect(await page.evaluate('location.hash')).toBe('');
      expect(await page.getAttribute('#copy-link', 'title')).toMatch(/^copy a link to this view: its tab and side only, since the inputs pack to 64\.\d KB, over the 32 KB a link carries$/);
    });

    it('a link whose file was cut short or altered says which file and why', async () => {
      await page.goto(`${harness.url}#file=DMAR.dat:%40%40&comparefile=IORT.dat:8wN`);
      await page.waitForSelector('#problems li.error');
      await expect.poll(() => harness.texts('#problems li.error')).toEqual([
      'DMAR.dat: error [bad-link]: the link\'s file DMAR.dat cannot be opened: its data is not base64url (the link may have been cut short or altered)',
      'IORT.dat: error [bad-link]: the link\'s file IORT.dat cannot be opened: its data is not deflate data that ends where the link does (the link may have been cut short or altered)',
      ]);
    });

    it('a link naming two examples compares them on the Diff tab', async () => {
      await follow('#example=arm-smmuv3-its&compare=arm-virt-smmuv3&tab=diff');
      expect(await harness.texts('.tab.current')).toEqual(['Diff']);
      expect(await page.locator('pre.diff').textContent()).toMatch(/^--- A: arm-smmuv3-its\.yaml\n\+\+\+ B: arm-virt-smmuv3\.yaml\n/);
    });

    it('a link naming an example the page does not have says so, with the ones it has', async () => {
      await page.goto(`${harness.url}#example=q35-vtd`);
      await page.waitForSelector('#problems li.error');
      expect(await harness.texts('#problems li.error')).toEqual([
        expect.stringMatching(/^error \[unknown-example\]: the link names the example "q35-vtd", which this page does not have; its examples are .*q35-vtd-pci-bridge, q35-vtd-per-pxb/),
      ]);
    });
  });
});
