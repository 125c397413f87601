/**
 * Fixture files written by a generator in the tests: RIDMAP_UPDATE_FIXTURES=1
 * rewrites them, and otherwise one test per case checks that the committed
 * file is still what the generator makes (so a reviewer sees every change).
 * Call inside a `describe`.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';

export function generatedFixtures<C extends { name: string }>(dir: string, ext: string, cases: readonly C[], text: (c: C) => string): void {
  if (process.env['RIDMAP_UPDATE_FIXTURES']) {
    mkdirSync(dir, { recursive: true });
    for (const c of cases) writeFileSync(join(dir, `${c.name}${ext}`), text(c));
  }
  for (const c of cases) {
    it(`${c.name}${ext} is what the generator makes`, () => {
      const file = join(dir, `${c.name}${ext}`);
      expect(existsSync(file), `${file} missing: run with RIDMAP_UPDATE_FIXTURES=1`).toBe(true);
      expect(readFileSync(file, 'utf8')).toBe(text(c));
    });
  }
}
