/**
 * A devfn must be quoted text: YAML reads an unquoted `addr: 10.0` as the
 * number 10, which used to build the function at device 0x0a instead of 0x10.
 * Every number where a devfn or bus:dev.fn belongs is refused with the quoted
 * form to write, at its line and column.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { TABLES_DIR } from '../support/paths.js';
import { runCli } from '../support/run-cli.js';

const tmp = mkdtempSync(join(tmpdir(), 'ridmap-addr-'));
const example = readFileSync(join(TABLES_DIR, 'q35-vtd-pci-bridge.yaml'), 'utf8');

/** The example with one text replaced; fails when the text is not there. */
function edited(name: string, from: string, to: string): string {
  expect(example).toContain(from);
  const file = join(tmp, name);
  writeFileSync(file, example.replace(from, to));
  return file;
}

const lineOf = (file: string, text: string): number => readFileSync(file, 'utf8').split('\n').findIndex((l) => l.includes(text)) + 1;

describe('an unquoted addr in a topology', () => {
  it('`addr: 10.0` is refused, not built as device 0x0a', async () => {
    const file = edited('ten.yaml', '{ id: vga, type: rciep, addr: "01.0"', '{ id: vga, type: rciep, addr: 10.0');
    const run = await runCli('build', file, '--out', join(tmp, 'ten-out'));
    expect(run.code).toBe(2);
    const line = lineOf(file, 'addr: 10.0');
    const column = readFileSync(file, 'utf8').split('\n')[line - 1]!.indexOf('10.0') + 1;
    expect(run.stderr).toContain(`ten.yaml:${line}:${column}:hostBridges[0].children[1].addr: error [bad-addr]: ` +
      'expected "dd.f" (device.function in hex, as lspci prints it, quoted), but found the number 10: an unquoted 10.0 is read as a number; quote it: "10.0"');
  });

  it('an integer addr and an integer in dmaAliases are refused too', async () => {
    const file = edited('int.yaml', '{ id: nvme0, type: pcie-endpoint, addr: "00.0"', '{ id: nvme0, type: pcie-endpoint, addr: 0, dmaAliases: [3]');
    const run = await runCli('check', file);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/error \[bad-addr\]: .*found the number 0: an unquoted 0 is read as a number; quote it: "00\.0"/);
    expect(run.stderr).toMatch(/dmaAliases\[0\]: error \[bad-alias\]: .*found the number 3: an unquoted 3 is read as a number; quote it: "03\.0"/);
    expect(run.stderr).not.toMatch(/at |exit 3/);
  });

  it('a number where bus:device.function text belongs says to quote it', async () => {
    const file = edited('bdf.yaml', 'hostBridges:', 'hpets:\n  - { id: hpet0, number: 0, sourceId: 10, iommu: vtd0 }\nhostBridges:');
    const run = await runCli('check', file);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`bdf.yaml:${lineOf(file, 'sourceId: 10')}:`);
    expect(run.stderr).toContain('hpets[0].sourceId: error [bad-type]: expected bus:device.function text in hex, like "00:1f.0", but found the number 10: an unquoted 10 is read as a number; quote it');
  });
});
