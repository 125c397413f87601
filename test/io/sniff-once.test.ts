/**
 * An input is sniffed once: loadInput tells tables from trees and topologies
 * by sniffing, and the ACPI decoder takes the kind and the text it found
 * instead of sniffing the same bytes again (for acpidump text, a scan of the
 * whole text per sniff).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { loadInput } from '../../src/io/load-input.js';
import { sniff } from '../../src/io/sniff.js';
import { REPO_ROOT } from '../support/paths.js';

vi.mock('../../src/io/sniff.js', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../src/io/sniff.js')>();
  return { ...real, sniff: vi.fn(real.sniff) };
});

const fixture = (name: string) => join(REPO_ROOT, 'test/fixtures/checks', name);

describe('loadInput sniffs each input once', () => {
  for (const name of ['table-repeated.txt', 'dmar-haw-too-small.dsl']) {
    it(name, async () => {
      vi.mocked(sniff).mockClear();
      const loaded = await loadInput(fixture(name), readFileSync(fixture(name)));
      expect(loaded.tables.length).toBeGreaterThan(0);
      expect(sniff).toHaveBeenCalledTimes(1);
    });
  }
});
