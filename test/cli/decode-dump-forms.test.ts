/**
 * `ridmap decode` of acpidump text in the forms it reaches users in: pasted
 * under dmesg lines (whose `[    0.000000]` looks like the start of JSON),
 * written by PowerShell on Windows (UTF-16LE with a BOM) or by other tools as
 * UTF-16 without one, and damaged by stray NUL bytes.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatHexFile } from '../../src/golden/hex-file.js';
import { encodeModel, smallDmar } from '../acpi/dmar-fixtures.js';
import { TABLES_DIR } from '../support/paths.js';
import { runCli } from '../support/run-cli.js';

const tmp = mkdtempSync(join(tmpdir(), 'ridmap-dump-forms-'));
const dmar = encodeModel(smallDmar());
/** The DMAR as acpidump prints it (a `DMAR @ 0x...` line, then dump lines), LF line ends. */
const dumpText = formatHexFile(dmar);
const SIGNATURE_LINE = '[000h 0000 004h]                   Signature : "DMAR"';

function input(name: string, bytes: Uint8Array | string): string {
  const path = join(tmp, name);
  writeFileSync(path, bytes);
  return path;
}

function utf16(text: string, order: 'le' | 'be', bom: boolean): Uint8Array {
  const units = (bom ? '\ufeff' : '') + text;
  const out = new Uint8Array(units.length * 2);
  for (let i = 0; i < units.length; i++) {
    const c = units.charCodeAt(i);
    out[2 * i + (order === 'le' ? 0 : 1)] = c & 0xff;
    out[2 * i + (order === 'le' ? 1 : 0)] = c >> 8;
  }
  return out;
}

/** decode of the plain dump, for comparison: every form must give these field lines. */
async function plainFields(): Promise<string[]> {
  const run = await runCli('decode', input('plain.txt', dumpText));
  expect(run.code).toBe(0);
  return fields(run.stdout);
}
const fields = (out: string): string[] => out.split('\n').filter((l) => l.startsWith('['));

describe('decode of acpidump text in the forms users have it', () => {
  it('under dmesg lines that open with `[`: an acpidump, not JSON; the lines above are skipped with their numbers', async () => {
    const dmesg = [
      '[    0.000000] ACPI: DMAR 0x000000007FFE1B2C 000050 (v01 BOCHS  BXPC     00000001 BXPC 00000001)',
      '[    0.004000] DMAR: Host address width 39',
    ].join('\n');
    const run = await runCli('decode', input('dmesg-then-dump.txt', `${dmesg}\n${dumpText}`));
    expect(run.stderr).not.toMatch(/JSON/);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(SIGNATURE_LINE);
    expect(fields(run.stdout)).toEqual(await plainFields());
    expect(run.stderr).toContain('dmesg-then-dump.txt:1:1: warning [acpidump-junk-line]');
    expect(run.stderr).toContain('dmesg-then-dump.txt:2:1: warning [acpidump-junk-line]');
  });

  it('a file that opens with `[` and is nothing ridmap reads is refused as unknown, not as broken JSON', async () => {
    const run = await runCli('decode', input('dmesg-only.txt', '[    0.000000] Linux version 6.1.0\n'));
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('[input-unknown-kind]');
  });

  it('decoded JSON that is an array of tables is still JSON', async () => {
    const json = await runCli('decode', input('again.txt', dumpText), '--format', 'json');
    const tables = (JSON.parse(json.stdout) as { tables: unknown[] }).tables;
    const run = await runCli('decode', input('array.json', `[\n  ${JSON.stringify(tables[0])}\n]\n`));
    expect(run.code).toBe(0);
    expect(fields(run.stdout)).toEqual(await plainFields());
  });

  for (const [name, bytes] of [
    ['UTF-16LE with a BOM, CRLF (PowerShell `acpidump > file`)', utf16(dumpText.replace(/\n/g, '\r\n'), 'le', true)],
    ['UTF-16BE with a BOM', utf16(dumpText, 'be', true)],
    ['UTF-16LE without a BOM', utf16(dumpText, 'le', false)],
    ['UTF-16BE without a BOM', utf16(dumpText, 'be', false)],
    ['UTF-8 with a BOM', new Uint8Array([0xef, 0xbb, 0xbf, ...new TextEncoder().encode(dumpText)])],
  ] as const) {
    it(`reads ${name}`, async () => {
      const run = await runCli('decode', input('utf16.txt', bytes));
      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);
      expect(fields(run.stdout)).toEqual(await plainFields());
    });
  }

  it('a NUL byte skips its line, with the line number, not the whole dump', async () => {
    // A line of NUL padding after the dump (a file cut short and zero-filled), and one inside a junk line.
    const text = `banner\0 line\n${dumpText}\0\0\0\0\0\0\0\0\n`;
    const run = await runCli('decode', input('nul.txt', text));
    expect(run.code).toBe(0);
    expect(fields(run.stdout)).toEqual(await plainFields());
    const last = text.split('\n').length - 1;
    expect(run.stderr).toContain('nul.txt:1:1: warning [acpidump-nul-line]');
    expect(run.stderr).toContain(`nul.txt:${last}:1: warning [acpidump-nul-line]`);
  });

  it('a NUL inside a dump line skips that line: the table is short, and says where', async () => {
    const lines = dumpText.split('\n');
    lines[2] = lines[2]!.replace(' ', '\0');
    const run = await runCli('decode', input('nul-in-table.txt', lines.join('\n')));
    expect(run.code).not.toBe(3);
    expect(run.stderr).toContain('nul-in-table.txt:3:1: warning [acpidump-nul-line]');
    expect(run.stderr).toContain('nul-in-table.txt:4:1: warning [acpidump-offset-gap]');
  });
});

describe('a topology written as UTF-16 (Windows editors, PowerShell redirection)', () => {
  it('builds the same tables as its UTF-8 original', async () => {
    const yaml = readFileSync(join(TABLES_DIR, 'q35-vtd-pci-bridge.yaml'), 'utf8');
    const built = async (name: string, bytes: Uint8Array | string): Promise<Buffer> => {
      const out = join(tmp, `${name}-out`);
      const run = await runCli('build', input(`${name}.yaml`, bytes), '--out', out);
      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);
      return readFileSync(join(out, 'DMAR.dat'));
    };
    const utf8 = await built('utf8', yaml);
    expect(await built('utf16le', utf16(yaml.replace(/\n/g, '\r\n'), 'le', true))).toEqual(utf8);
  });
});
