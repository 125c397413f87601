import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { formatDiagnostic, InputError, type Diagnostic } from '../../src/diagnostic.js';
import { parseTopology } from '../../src/model/parse-topology.js';
import { TOPOLOGY_DIAGNOSTIC_CODES } from '../../src/model/validate-topology.js';
import { YAML_DIAGNOSTIC_CODES } from '../../src/model/yaml-json.js';

const fixtures = new URL('../fixtures/', import.meta.url);
const invalidDir = new URL('topology-invalid/', fixtures);
const read = (name: string) => readFileSync(new URL(name, fixtures), 'utf8');

/** The diagnostics parseTopology throws; fails the test when it does not throw InputError. */
function problems(text: string, file = 'topology.yaml'): Diagnostic[] {
  try {
    parseTopology(text, file);
  } catch (e) {
    if (e instanceof InputError) return e.diagnostics;
    throw e;
  }
  expect.fail('parseTopology accepted the document');
}

const codes = (ds: Diagnostic[]) => ds.map((d) => d.code);

describe('negative fixtures: each raises exactly the code it is named after', () => {
  const files = readdirSync(invalidDir).filter((f) => f.endsWith('.yaml'));

  it.each(files)('%s', (file) => {
    const code = file.replace(/\.yaml$/, '');
    const ds = problems(readFileSync(new URL(file, invalidDir), 'utf8'), file);
    expect(codes(ds.filter((d) => d.severity === 'error'))).toEqual(expect.arrayContaining([code]));
    expect(new Set(codes(ds.filter((d) => d.severity === 'error')))).toEqual(new Set([code]));
    for (const d of ds) {
      expect(d.file).toBe(file);
      expect(typeof d.path).toBe('string');
      expect(d.line).toBeGreaterThanOrEqual(1);
      expect(d.column).toBeGreaterThanOrEqual(1);
    }
  });

  it('covers every documented code (the fallback "schema" code has no reachable input)', () => {
    const named = new Set(files.map((f) => f.replace(/\.yaml$/, '')));
    const documented = [...Object.keys(YAML_DIAGNOSTIC_CODES), ...Object.keys(TOPOLOGY_DIAGNOSTIC_CODES)];
    expect(documented.filter((c) => !named.has(c))).toEqual(['schema']);
    expect([...named].filter((c) => !documented.includes(c))).toEqual([]);
  });
});

describe('valid topologies', () => {
  it('parses a q35 topology, filling host bridge defaults', () => {
    const t = parseTopology(read('topology-valid/q35-vtd.yaml'), 'q35-vtd.yaml');
    expect(t.name).toBe('q35-vtd');
    expect(t.iommus?.[0]).toMatchObject({ type: 'vtd', base: 0xfed90000 });
    expect(t.hostBridges?.[0]?.children.map((c) => c.id)).toEqual(['vga', 'rp1', 'rp2', 'rp3']);
  });

  it('gives the same result from YAML and from the same document as JSON', () => {
    const fromYaml = parseTopology(read('topology-valid/q35-vtd.yaml'), 'q35-vtd.yaml');
    const fromJson = parseTopology(read('topology-valid/q35-vtd.json'), 'q35-vtd.json');
    expect(fromJson).toEqual(fromYaml);
  });

  it('parses an Arm topology with an SMMUv3, an ITS and a switch', () => {
    const t = parseTopology(read('topology-valid/arm-smmuv3.yaml'), 'arm.yaml');
    expect(t.msiControllers?.[0]?.itsIds).toEqual([0]);
    expect(t.platformDevices?.[0]?.streamIds).toEqual([0x10000]);
  });

  it('fills children: [] for a host bridge that omits it', () => {
    const t = parseTopology('name: x\nhostBridges:\n  - id: pcie.0\n', 'x.yaml');
    expect(t.hostBridges?.[0]?.children).toEqual([]);
  });

  it('reads YAML 1.2 hex integers as numbers and keeps quoted big addresses as text', () => {
    const text = 'name: x\nplatformDevices:\n  - id: dev\n    base: 0xfed90000\n    size: "0x8000000000"\n';
    const t = parseTopology(text, 'x.yaml');
    expect(t.platformDevices?.[0]?.base).toBe(0xfed90000);
    expect(t.platformDevices?.[0]?.size).toBe('0x8000000000');
  });

  it('keeps YAML 1.2 core semantics under a %YAML 1.1 directive (no yes/no booleans)', () => {
    const t = parseTopology('%YAML 1.1\n---\nname: yes\n', 'x.yaml');
    expect(t.name).toBe('yes');
  });

  it('ignores a byte order mark', () => {
    expect(parseTopology('\ufeffname: x\n', 'x.yaml').name).toBe('x');
  });
});

describe('locations', () => {
  it('puts a deep error at the line and column of the offending value', () => {
    const text = read('topology-valid/q35-vtd.yaml').replace(/"02.0"(\s+reservedMemory)/, '"22.0"$1');
    const [d, ...rest] = problems(text, 'q35.yaml');
    expect(rest).toEqual([]);
    expect(d).toMatchObject({
      code: 'bad-devfn',
      path: 'hostBridges[0].children[2].children[0].children[1].addr',
      line: 41,
      column: 23,
    });
    expect(formatDiagnostic(d!)).toBe(
      'q35.yaml:41:23:hostBridges[0].children[2].children[0].children[1].addr: error [bad-devfn]: device 34 (0x22) is out of range: a PCI bus has devices 0-31 (00-1f)',
    );
  });

  it('puts an unknown property at its key and a missing one at its parent object', () => {
    const text = 'name: x\nhostBridges:\n  - id: pcie.0\n    children:\n      - id: vga\n        tpye: rciep\n        addr: 1\n';
    const ds = problems(text);
    expect(ds.find((d) => d.code === 'unknown-property')).toMatchObject({
      path: 'hostBridges[0].children[0].tpye',
      line: 6,
      column: 9,
      message: 'unknown property "tpye" (did you mean "type"?)',
    });
    expect(ds.find((d) => d.code === 'missing-property')).toMatchObject({
      path: 'hostBridges[0].children[0].type',
      line: 5,
      column: 9,
    });
  });

  it('reports YAML syntax errors with their position', () => {
    const ds = problems('name: x\nhostBridges: [\n  {id: a\n');
    expect(ds.length).toBeGreaterThan(0);
    expect(new Set(codes(ds))).toEqual(new Set(['yaml-syntax']));
    expect(ds[0]!.line).toBeGreaterThanOrEqual(2);
  });
});

describe('readable messages', () => {
  it('lists node types and suggests a close one', () => {
    const text = 'name: x\nhostBridges:\n  - id: pcie.0\n    children:\n      - id: rp\n        type: pcie-root-prot\n        addr: 1\n';
    expect(problems(text)[0]!.message).toBe(
      'expected one of pcie-root-port, pcie-switch-upstream-port, pcie-switch-downstream-port, pcie-pci-bridge, pci-pcie-bridge, pci-bridge, pcie-endpoint, rciep, pci-endpoint but found "pcie-root-prot" (did you mean "pcie-root-port"?)',
    );
  });

  it('explains an unquoted 03.1 and 10.0', () => {
    const ds = problems(read('topology-invalid/bad-addr.yaml'));
    expect(ds.map((d) => d.message)).toEqual([
      'expected "dd.f" (device.function in hex, as lspci prints it, quoted), but found the number 3.1: an unquoted 03.1 is read as a number; quote it: "03.1"',
      'expected "dd.f" (device.function in hex, as lspci prints it, quoted), but found the number 10: an unquoted 10.0 is read as a number; quote it: "10.0"',
    ]);
  });

  it('asks for big unquoted addresses to be written as hex text', () => {
    const ds = problems('name: x\niommus:\n  - id: s\n    type: smmuv3\n    base: 0x8000000000000000\n');
    expect(ds).toHaveLength(1);
    expect(ds[0]).toMatchObject({ code: 'bad-address', path: 'iommus[0].base', line: 5, column: 11 });
    expect(ds[0]!.message).toBe(
      '9223372036854775808 is above 2^53, where YAML and JSON numbers lose precision; write it as a quoted hex string: "0x8000000000000000"',
    );
  });

  it('reports every problem at once, in reading order', () => {
    const text = [
      'name: x',
      'hostBridges:',
      '  - id: pcie.0',
      '    rootBus: 300',
      '    children:',
      '      - id: a',
      '        type: rciep',
      '        addr: 03.1',
      '        colour: red',
    ].join('\n');
    expect(problems(text).map((d) => [d.code, d.line])).toEqual([
      ['out-of-range', 4],
      ['bad-addr', 8],
      ['unknown-property', 9],
    ]);
  });
});

// Hostile input (proto keys, alias bombs, deep nesting, random junk) is tested in test/hostile/.
