/**
 * The page as people use it (issue 22): on a phone, nothing wider than the
 * window and the exports within reach. In Chromium (harness.ts), screenshots
 * in test-artifacts/web/.
 */
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CORPUS_DIR, HAVE_CORPUS } from '../support/paths.js';
import { HAVE_CHROMIUM } from './browser.js';
import { armBuilt, openPage, upload, type PageHarness, type Upload } from './harness.js';

const Q35_DMAR = join(CORPUS_DIR, 'qemu-expected/tests/data/acpi/x86/q35/DMAR.dmar');
const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1400, height: 900 };

/** Scripts run in the page, as text (this file is type-checked without the DOM). */
const PAGE_WIDTH = 'document.scrollingElement.scrollWidth';

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
});
