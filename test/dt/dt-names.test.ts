/**
 * Names a DTB can hold but DTS cannot spell (issue 14, item 24): `check`
 * reports them (dt-name-invalid), and `decode` never prints DTS that dtc or
 * ridmap cannot read: such a node or property becomes a comment saying it
 * is left out, and decode exits 2 naming it.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { encodeDtb, parseDts } from '../../src/dt/index.js';
import { cells, createNode, emptyTree, prop } from '../../src/dt/tree.js';
import { REPO_ROOT } from '../support/paths.js';
import { runCli } from '../support/run-cli.js';
import { haveTool } from './support.js';

const tmp = mkdtempSync(join(tmpdir(), 'ridmap-dt-names-'));
const fixture = join(REPO_ROOT, 'test/fixtures/checks/dt-name-invalid.dtb');

async function expectReadable(dts: string): Promise<void> {
  const again = await parseDts(dts, 'decoded.dts');
  expect(again.diagnostics).toEqual([]);
  if (haveTool('dtc')) {
    const file = join(tmp, 'decoded.dts');
    writeFileSync(file, dts);
    execFileSync('dtc', ['-q', '-I', 'dts', '-O', 'dtb', '-o', join(tmp, 'again.dtb'), file]);
  }
}

describe('names DTS cannot spell', () => {
  it('check of a DTB with a node "x<y z" holding a property q"r reports both', async () => {
    const run = await runCli('check', fixture);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('dt-name-invalid.dtb:/x<y z: error [dt-name-invalid]: node name "x<y z"');
    expect(run.stderr).toContain('dt-name-invalid.dtb:/x<y z/q\\"r: error [dt-name-invalid]: property name "q\\"r"');
  });

  it('decode prints the node as a comment, says so, exit 2, and the DTS reads back with ridmap and dtc', async () => {
    const run = await runCli('decode', fixture);
    expect(run.code).toBe(2);
    expect(run.stdout).toContain('/* node "x<y z" and what is below it are left out: DTS cannot spell its name */');
    expect(run.stdout).not.toContain('q"r');
    expect(run.stderr).toContain('error [dt-name-invalid]: node "/x<y z" is left out of the DTS');
    await expectReadable(run.stdout);
  });

  it('a property with a space or a comment end in its name is left out alone; its node stays', async () => {
    const tree = emptyTree();
    const node = createNode('ok');
    node.properties.push(prop('fine', cells(1)), prop('has space */ x', cells(2)));
    tree.root.children.push(node);
    const file = join(tmp, 'prop.dtb');
    writeFileSync(file, encodeDtb(tree));
    const run = await runCli('decode', file);
    expect(run.code).toBe(2);
    expect(run.stdout).toContain('\tok {\n\t\tfine = <0x01>;\n\t\t/* property "has space *\\/ x" is left out: DTS cannot spell its name */\n\t};');
    expect(run.stderr).toContain('error [dt-name-invalid]: property "has space *\\/ x" of "/ok" is left out of the DTS');
    await expectReadable(run.stdout);
  });
});
