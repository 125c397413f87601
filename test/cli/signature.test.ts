/**
 * `--signature DMAR,IORT` on decode, map, check and diff (issue 22): only
 * those ACPI tables are printed, mapped, checked or compared; a word that
 * cannot be a signature is a usage error (2); lower case is accepted.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../support/paths.js';
import { runCli } from '../support/run-cli.js';

const tmp = mkdtempSync(join(tmpdir(), 'ridmap-signature-'));
/** acpidump text: a MADT (APIC) and an IORT. */
const dump = join(REPO_ROOT, 'test/fixtures/checks/iort-its-not-in-madt.txt');
/** The same dump with one byte of the MADT changed (its OEM Revision), the IORT as it was. */
const otherMadt = join(tmp, 'other-madt.txt');
writeFileSync(otherMadt, readFileSync(dump, 'utf8').replace('00000010: 54 45 53 54 20 20 20 20 01 00', '00000010: 54 45 53 54 20 20 20 20 02 00'));

describe('--signature', () => {
  it('decode prints only the named tables', async () => {
    const all = await runCli('decode', dump);
    expect(all.stdout).toContain('Signature : "APIC"');
    const run = await runCli('decode', dump, '--signature', 'IORT');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Signature : "IORT"');
    expect(run.stdout).not.toContain('Signature : "APIC"');
  });

  it('takes lower case, commas and repeats', async () => {
    const run = await runCli('decode', dump, '--signature', 'iort,dmar', '--signature', 'apic');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Signature : "IORT"');
    expect(run.stdout).toContain('Signature : "APIC"');
    // DMAR is in neither input: said, so that a typo does not pass for an empty answer.
    expect(run.stderr).toContain('warning [signature-not-found]: --signature DMAR: no input holds a table with signature DMAR');
  });

  it('diff of two dumps compares only the named tables', async () => {
    const all = await runCli('diff', dump, otherMadt);
    expect(all.code).toBe(1);
    expect(all.stdout).toMatch(/^APIC: /m);
    const run = await runCli('diff', dump, otherMadt, '--signature', 'IORT');
    expect(run.code).toBe(0);
    expect(run.stdout).not.toMatch(/APIC/);
    expect(run.stdout).toContain('no semantic difference');
  });

  it('check checks only the named tables', async () => {
    // The IORT names an ITS the MADT lacks; without the MADT that cross-check has nothing to compare.
    const all = await runCli('check', dump);
    expect(all.stderr).toContain('[iort-its-not-in-madt]');
    const run = await runCli('check', dump, '--signature', 'APIC');
    expect(run.stdout).not.toMatch(/^IORT from/m);
    expect(run.stdout).toMatch(/^APIC from/m);
    expect(run.stderr).not.toContain('iort-its-not-in-madt');
  });

  it('map maps only the named tables', async () => {
    const all = await runCli('map', dump, '--format', 'json');
    expect(JSON.parse(all.stdout).translations.length).toBeGreaterThan(0);
    const run = await runCli('map', dump, '--signature', 'APIC', '--format', 'json');
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout).translations).toEqual([]);
  });

  it('a word that cannot be a signature is a usage error (2)', async () => {
    for (const bad of ['DMARX', 'DM', 'DMAR,', 'DM-R']) {
      const run = await runCli('decode', dump, '--signature', bad);
      expect(run.code).toBe(2);
      expect(run.stderr).toContain('is not an ACPI signature');
      expect(run.stdout).toBe('');
    }
  });
});
