/**
 * `decode` streams its text and JSON through one reused buffer
 * (CliContext.outStream): many tables, their text far larger than the
 * buffer, with a DTS (written apart from the stream) among them, must give
 * the same bytes as each input decoded alone, in process and through the
 * built CLI on a pipe; a pipe closed early is still a clean exit 0.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { printTableText } from '../../src/acpi/print-table.js';
import { decodeTable, tableToJson } from '../../src/acpi/table.js';
import { REPO_ROOT } from '../support/paths.js';
import { runCli } from '../support/run-cli.js';

const BIN = join(REPO_ROOT, 'dist/bin/ridmap.js');
const fixture = (p: string) => join(REPO_ROOT, 'test/fixtures', p);
const DMAR = fixture('qemu-acpi-tests/q35-dmar-11.1/DMAR.dat');
const VIOT = fixture('qemu-acpi-tests/q35-viot-11.1/VIOT.dat');
const DTS = fixture('dt/syntax-tour.dts');
/** About 60 tables: a clean one (printed from its bytes) and one printed from its model, several times the stream's buffer. */
const TABLES = Array.from({ length: 60 }, (_, i) => (i % 3 === 2 ? VIOT : DMAR));
const FILES = [...TABLES.slice(0, 25), DTS, ...TABLES.slice(25)];

describe('decode streams its output', () => {
  it('text: the same bytes as each input decoded alone', async () => {
    const all = await runCli('decode', ...FILES);
    expect(all.code).toBe(0);
    const alone: string[] = [];
    for (const f of new Set(FILES)) alone.push((await runCli('decode', f)).stdout);
    const byFile = new Map([...new Set(FILES)].map((f, i) => [f, alone[i]!]));
    expect(all.stdout.length).toBeGreaterThan(3 * 65536);
    expect(all.stdout).toBe(FILES.map((f) => byFile.get(f)).join(''));
    expect(byFile.get(DMAR)).toBe(printTableText(decodeTable(new Uint8Array(readFileSync(DMAR)), { eager: true }), { file: DMAR }));
  });

  it('JSON: the document of the model way', async () => {
    const r = await runCli('decode', '--format', 'json', ...TABLES);
    expect(r.code).toBe(0);
    const ref = TABLES.map((f) => tableToJson(decodeTable(new Uint8Array(readFileSync(f)), { eager: true })));
    expect(r.stdout).toBe(JSON.stringify({ tables: ref }, null, 2) + '\n');
  });

  describe.skipIf(!existsSync(BIN))('the built CLI', () => {
    it('writes the same bytes to a pipe', async () => {
      const run = spawnSync(process.execPath, [BIN, 'decode', ...FILES], { encoding: 'utf8', maxBuffer: 1 << 26 });
      expect(run.status).toBe(0);
      expect(run.stdout).toBe((await runCli('decode', ...FILES)).stdout);
    });

    it('exits 0 when the reader closes the pipe early', () => {
      // The inputs twice over: head has long gone when ridmap writes the rest.
      const piped = spawnSync('bash', ['-c', 'set -o pipefail; "$@" | head -c 100', 'bash', process.execPath, BIN, 'decode', ...TABLES, ...TABLES], { encoding: 'utf8' });
      expect(piped.stderr).toBe('');
      expect(piped.status).toBe(0);
      expect(piped.stdout).toHaveLength(100);
    });
  });
});
