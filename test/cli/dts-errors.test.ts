/**
 * A DTS that dtc refuses is refused wherever ridmap reads one (decode,
 * check, map, diff, encode): a reference that names no node and a syntax
 * error are exit 2, one message each, naming the file, line and column (and
 * for a reference the property it is in), and nothing on stdout. dtc, where
 * installed, is the oracle that the source is refused and, for a syntax
 * error, of where the error is.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parsePlainDts } from '../../src/dt/dts-plain.js';
import { dtc, haveDtc } from '../dt/support.js';
import { runCli } from '../support/run-cli.js';

const HAVE_DTC = haveDtc();
const tmp = mkdtempSync(join(tmpdir(), 'ridmap-dts-errors-'));

function written(name: string, text: string): string {
  const file = join(tmp, name);
  writeFileSync(file, text);
  return file;
}

/** Every command that reads a DTS, as a user runs it on `file`. */
const commands = (file: string): string[][] => [
  ['decode', file],
  ['decode', file, '--format', 'json'],
  ['check', file],
  ['map', file],
  ['diff', file, file],
  ['encode', file, '-o', join(tmp, 'never.dtb')],
];

async function expectRefused(file: string, message: string): Promise<void> {
  for (const argv of commands(file)) {
    const run = await runCli(...argv);
    expect({ argv, code: run.code, stdout: run.stdout, stderr: run.stderr }).toEqual({ argv, code: 2, stdout: '', stderr: `${message}\n` });
  }
}

const DANGLING = ['/dts-v1/;', '/ {', '\t#address-cells = <1>;', '\t#size-cells = <1>;', '\tdma@0 {', '\t\treg = <0 4>;', '\t\tiommus = <&nosuch 1>;', '\t};', '};', ''].join('\n');

describe('a reference that names no node', () => {
  it('is exit 2 in every command, at the line and column where it is written, with its property', async () => {
    const file = written('dangling.dts', DANGLING);
    await expectRefused(file, `${file}:7:13:/dma@0/iommus: error [dts-dangling-reference]: reference &nosuch names no node`);
    if (HAVE_DTC) {
      const r = dtc(DANGLING, 'dts', 'dtb');
      expect(r.status).toBe(2);
      expect(r.stderr).toContain('Reference to non-existent node or label "nosuch"');
    }
  });

  it('a path reference too, and every one of them is named', async () => {
    const text = DANGLING.replace('\t\treg = <0 4>;', '\t\treg = <0 4>;\n\t\tdma-parent = &{/nowhere};');
    const file = written('dangling-path.dts', text);
    const run = await runCli('check', file);
    expect(run.code).toBe(2);
    expect(run.stderr).toBe(
      `${file}:7:16:/dma@0/dma-parent: error [dts-dangling-reference]: reference &{/nowhere} names no node\n` +
        `${file}:8:13:/dma@0/iommus: error [dts-dangling-reference]: reference &nosuch names no node\n`,
    );
  });

  it('plain DTS gives it to the full reader, which can say where it is', () => {
    expect(parsePlainDts(DANGLING)).toBeUndefined();
    expect(parsePlainDts(DANGLING.replace('&nosuch', '&dma'))).toBeUndefined();
    expect(parsePlainDts(DANGLING.replace('\tdma@0 {', '\tdma: dma@0 {').replace('&nosuch', '&dma'))).toBeDefined();
  });

  it('forward references, and a dangling one in a node deleted later, are fine (as for dtc)', async () => {
    const text = '/dts-v1/;\n/ {\n\ta { x = <&b>; };\n\tgone { y = <&nosuch>; };\n\tb: b { };\n};\n/ { /delete-node/ gone; };\n';
    const file = written('deleted.dts', text);
    const run = await runCli('encode', file, '-o', join(tmp, 'deleted.dtb'));
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    if (HAVE_DTC) expect(dtc(text, 'dts', 'dtb').status).toBe(0);
  });

  it('a label that a missing include would define is said to need that include, not to dangle', async () => {
    const file = written('needs-include.dts', DANGLING.replace('/ {', '/include/ "soc.dtsi"\n/ {'));
    const run = await runCli('map', file);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`${file}:8:13:/dma@0/iommus: error [dts-needs-preprocessing]: needs preprocessing: &nosuch is not defined in what was parsed (missing: /include/ "soc.dtsi")`);
    expect(run.stderr).not.toContain('dts-dangling-reference');
  });
});

describe('a node named / below the root', () => {
  // dtc: "syntax error"; read as a child, it was a node DTS cannot print back (the fuzzer's parse -> print -> parse).
  it('is exit 2 in every command, where it is written', async () => {
    await expectRefused(written('nested-root.dts', '/dts-v1/;\n/ {\n\t/ {\n\t};\n};\n'), `${join(tmp, 'nested-root.dts')}:3:2: error [dts-syntax]: / { } goes at the top level`);
  });
});

describe('a syntax error', () => {
  // Each: the source, the one message ridmap gives (after file:), and where dtc puts the error (line.column).
  const cases: { name: string; text: string; message: string; dtcAt: string }[] = [
    {
      name: 'unclosed-cells',
      text: '/dts-v1/;\n/ {\n\ta {\n\t\tfoo = <1 2;\n\t\tbar = "x";\n\t};\n\tb {\n\t\tbaz = <3>\n\t};\n};\n',
      message: '4:13: error [dts-syntax]: syntax error: expected ">" before ";"',
      dtcAt: '4.13',
    },
    {
      name: 'stray-word',
      text: '/dts-v1/;\n/ {\n\ta {\n\t\tfoo = <1 2> bar;\n\t};\n};\n',
      message: '4:15: error [dts-syntax]: syntax error: unexpected "bar"',
      dtcAt: '4.15',
    },
    {
      name: 'unclosed-node',
      text: '/dts-v1/;\n/ {\n\ta {\n\t\tfoo = <1 2>;\n\t};\n',
      message: '5:4: error [dts-syntax]: syntax error: unexpected end of the file (a node or statement before it is not closed)',
      dtcAt: '5.4',
    },
  ];
  for (const c of cases) {
    it(`${c.name}: one message at the first error, exit 2 in every command`, async () => {
      const file = written(`${c.name}.dts`, c.text);
      await expectRefused(file, `${file}:${c.message}`);
      if (HAVE_DTC) {
        const r = dtc(c.text, 'dts', 'dtb');
        expect(r.status).not.toBe(0);
        expect(r.stderr).toMatch(new RegExp(`in\\.dts:${c.dtcAt.replace('.', '\\.')}(-[\\d.]+)? syntax error`));
      }
    });
  }

  it('in an include read before the error of the file itself, the include\'s is the one (dtc reads in order)', async () => {
    written('broken.dtsi', 'foo = <1;\n');
    const file = written('includes-broken.dts', '/dts-v1/;\n/ {\n/include/ "broken.dtsi"\n};\n/ { bar = <2 };\n');
    const run = await runCli('decode', file);
    expect(run.code).toBe(2);
    expect(run.stderr).toBe(`${join(tmp, 'broken.dtsi')}:1:9: error [dts-syntax]: syntax error: expected ">" here\n`);
  });
});
