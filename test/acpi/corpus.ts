/**
 * The shared corpus of real tables (../shared/corpus next to the repository).
 * Tests that need it skip, saying why, when it is absent.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = resolve(fileURLToPath(import.meta.url), '../../..');
export const corpusRoot = resolve(repoRoot, '../shared/corpus');
export const corpusPresent = existsSync(corpusRoot);

if (!corpusPresent) console.warn(`[ridmap tests] corpus not found at ${corpusRoot}: corpus tests are skipped`);

function walk(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .sort()
    .flatMap((f) => {
      const p = join(dir, f);
      return statSync(p).isDirectory() ? walk(p) : [p];
    });
}

/** QEMU's expected DMAR binaries (current and older). */
export function qemuDmars(): string[] {
  return walk(join(corpusRoot, 'qemu-expected')).filter((f) => /\/DMAR[^/]*$/.test(f));
}

/** linuxhw acpidump text files (named *.bin, but text). */
export function linuxhwDumps(): string[] {
  return walk(join(corpusRoot, 'real/linuxhw-ACPI')).filter((f) => f.endsWith('.bin'));
}

/** linux-surface iasl disassemblies of DMAR, with their Raw Table Data. */
export function surfaceDmarDsls(): string[] {
  return walk(join(corpusRoot, 'real/linux-surface-acpidumps')).filter((f) => f.endsWith('/dmar.dsl'));
}

/** Short name of a corpus file for test titles. */
export function corpusName(file: string): string {
  return file.startsWith(corpusRoot) ? file.slice(corpusRoot.length + 1) : file;
}
