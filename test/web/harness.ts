/**
 * The browser page in a real browser (Debian's Chromium under
 * playwright-core) for the page's tests: built once per test file with Vite,
 * served as any static host would, then driven as a user would. Screenshots
 * go to test-artifacts/web/.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { build } from 'vite';
import { expect } from 'vitest';
import { buildOutputs } from '../../src/build-outputs.js';
import { parseTopology } from '../../src/model/parse-topology.js';
import { resolveTopology } from '../../src/model/resolve.js';
import { REPO_ROOT, TABLES_DIR } from '../support/paths.js';
import { launchChromium, type Chromium } from './browser.js';
import { serveStatic, type StaticServer } from './static-server.js';

export const ARTIFACTS = join(REPO_ROOT, 'test-artifacts/web');

export interface Upload {
  name: string;
  buffer: Buffer;
}
export const upload = (path: string, name = path.split('/').pop()!): Upload => ({ name, buffer: readFileSync(path) });

/** A file the Arm example topology builds (board.dtb, board.dts, IORT.dat). */
export function armBuilt(name: 'board.dtb' | 'board.dts' | 'IORT.dat'): Upload {
  const topology = join(TABLES_DIR, 'arm-smmuv3-its.yaml');
  const { data } = buildOutputs(resolveTopology(parseTopology(readFileSync(topology, 'utf8'), topology))).outputs.find((o) => o.name === name)!;
  return { name, buffer: Buffer.from(data) };
}

// Scripts run in the page, as text: these files are type-checked without the DOM.
/** Forgets the last run's state, so that waiting for the next one cannot see it. */
export const FORGET_STATE = "document.body.dataset.state = 'loading'";
/** Resolves after the page has drawn twice. */
export const NEXT_FRAMES = 'new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)))';

export interface PageHarness {
  page: Page;
  /** The page's URL (the built page, served). */
  url: string;
  /** Uncaught errors and console errors of the page: none is expected. */
  errors: string[];
  /** Replaces both sides' files and waits until both workers are done with them (or the page is empty again). */
  show(a: Upload[], b?: Upload[]): Promise<void>;
  /** Opens a tab and lets the page draw it (lists draw the frame after they get a height). */
  tab(name: string): Promise<void>;
  texts(selector: string): Promise<string[]>;
  shot(name: string): Promise<Buffer>;
  /** Clicks a download button; the file's text, once it is named as expected. */
  downloaded(button: string, name: string): Promise<string>;
  close(): Promise<void>;
}

/** Builds the page, serves it and opens it in Chromium (the window 1400 x 900 unless told). */
export async function openPage(viewport = { width: 1400, height: 900 }): Promise<PageHarness> {
  const outDir = mkdtempSync(join(tmpdir(), 'ridmap-web-'));
  mkdirSync(ARTIFACTS, { recursive: true });
  await build({ configFile: join(REPO_ROOT, 'web/vite.config.ts'), build: { outDir, emptyOutDir: true }, logLevel: 'error' });
  const server: StaticServer = await serveStatic(outDir);
  const chromium: Chromium = await launchChromium(viewport);
  const page = await chromium.context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  await page.goto(server.url);

  const tab = async (name: string) => {
    await page.click(`#tab-${name}`);
    await page.evaluate(NEXT_FRAMES);
  };
  return {
    page,
    url: server.url,
    errors,
    async show(a, b = []) {
      await page.click('#input-A-clear');
      await page.click('#input-B-clear');
      await page.evaluate(FORGET_STATE);
      const asFile = (u: Upload) => ({ name: u.name, mimeType: 'application/octet-stream', buffer: u.buffer });
      await page.setInputFiles('#input-A-file', a.map(asFile));
      if (b.length) await page.setInputFiles('#input-B-file', b.map(asFile));
      const settled = a.length + b.length === 0 ? 'empty' : 'done';
      await page.waitForSelector(`body[data-state="${settled}"]`, { timeout: 30_000 });
      if (settled === 'done') await tab('tables');
    },
    tab,
    texts: (selector) => page.locator(selector).allTextContents(),
    shot: (name) => page.screenshot({ path: join(ARTIFACTS, `${name}.png`) }),
    async downloaded(button, name) {
      const [download] = await Promise.all([page.waitForEvent('download'), page.click(button)]);
      expect(download.suggestedFilename()).toBe(name);
      return readFileSync((await download.path())!, 'utf8');
    },
    async close() {
      await chromium.close();
      await server.close();
      rmSync(outDir, { recursive: true, force: true });
    },
  };
}
