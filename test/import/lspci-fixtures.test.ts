/**
 * readLspci on real lspci 3.9.0 output (test/fixtures/lspci/README.md):
 * this machine as root and as `nobody`, and a hand-built two-domain machine
 * through `lspci -F`. Each section kind alone, all of them in any order,
 * CRLF and tab-less pastes give the same functions.
 */
import { describe, expect, it } from 'vitest';
import { acsIsolates } from '../../src/import/host/config-space.js';
import { readLspci } from '../../src/import/lspci/read-lspci.js';
import { facts, lspciFixture, pick, sections } from './lspci-support.js';

const ROOT = lspciFixture('host-root.txt');
const NOBODY = lspciFixture('host-nonroot.txt');
const SYNTHETIC = lspciFixture('synthetic.txt');
const DUMP = lspciFixture('synthetic.dump');

/** The hand-built machine as scripts/make-lspci-fixtures.mjs builds it. */
const EXPECTED: Record<string, { parent: string | null; pcieType?: string; secondaryBus?: number; subordinateBus?: number; isolates?: boolean }> = {
  '0000:00:00.0': { parent: null },
  '0000:00:01.0': { parent: null, pcieType: 'root-port', secondaryBus: 1, subordinateBus: 5, isolates: true },
  '0000:00:01.1': { parent: null, pcieType: 'root-port', secondaryBus: 6, subordinateBus: 6, isolates: false },
  '0000:00:02.0': { parent: null, pcieType: 'pcie-to-pci-bridge', secondaryBus: 7, subordinateBus: 7 },
  '0000:00:03.0': { parent: null, pcieType: 'root-port', secondaryBus: 8, subordinateBus: 8, isolates: true },
  '0000:00:1f.0': { parent: null, pcieType: 'rciep' },
  '0000:00:1f.2': { parent: null, pcieType: 'rciep' },
  '0000:01:00.0': { parent: '0000:00:01.0', pcieType: 'switch-upstream', secondaryBus: 2, subordinateBus: 5, isolates: false },
  '0000:02:00.0': { parent: '0000:01:00.0', pcieType: 'switch-downstream', secondaryBus: 3, subordinateBus: 3, isolates: true },
  '0000:02:01.0': { parent: '0000:01:00.0', pcieType: 'switch-downstream', secondaryBus: 4, subordinateBus: 4, isolates: false },
  '0000:02:02.0': { parent: '0000:01:00.0', pcieType: 'switch-downstream', secondaryBus: 5, subordinateBus: 5, isolates: true },
  '0000:03:00.0': { parent: '0000:02:00.0', pcieType: 'endpoint', isolates: false },
  '0000:03:00.1': { parent: '0000:02:00.0', pcieType: 'endpoint', isolates: false },
  '0000:04:00.0': { parent: '0000:02:01.0', pcieType: 'endpoint' },
  '0000:05:00.0': { parent: '0000:02:02.0', pcieType: 'endpoint', isolates: false },
  '0000:06:00.0': { parent: '0000:00:01.1', pcieType: 'endpoint', isolates: false },
  '0000:07:01.0': { parent: '0000:00:02.0' },
  '0000:07:02.0': { parent: '0000:00:02.0' },
  '0001:40:00.0': { parent: null, pcieType: 'root-port', secondaryBus: 0x41, subordinateBus: 0x41, isolates: true },
  '0001:41:00.0': { parent: '0001:40:00.0', pcieType: 'endpoint', isolates: false },
};

function shape(text: string, source = 'synthetic.txt') {
  const s = readLspci(text, source);
  return Object.fromEntries(
    s.functions.map((f) => [
      f.sbdf,
      {
        parent: f.parent,
        ...(f.pcieType ? { pcieType: f.pcieType } : {}),
        ...(f.secondaryBus !== undefined ? { secondaryBus: f.secondaryBus, subordinateBus: f.subordinateBus } : {}),
        ...(f.acs !== undefined ? { isolates: acsIsolates(f.acs) } : {}),
      },
    ]),
  );
}

describe('this machine, lspci as root', () => {
  const s = readLspci(ROOT, 'host-root.txt');
  it('has its six functions on root bus 0000:00, drivers and whole config spaces, and no warning', () => {
    expect(s.functions.map((f) => f.sbdf)).toEqual(['0000:00:00.0', '0000:00:01.0', '0000:00:02.0', '0000:00:03.0', '0000:00:04.0', '0000:00:05.0']);
    expect(s.rootBuses).toEqual([{ segment: 0, bus: 0 }]);
    expect(s.functions.every((f) => f.parent === null)).toBe(true);
    expect(s.functions.slice(1).map((f) => f.driver)).toEqual(Array(5).fill('virtio-pci'));
    expect(pick(s, ['vendorId', 'deviceId'])['0000:00:03.0']).toEqual({ vendorId: 0x1af4, deviceId: 0x1041 });
    expect(s.functions.map((f) => f.config?.length)).toEqual([4096, 256, 256, 256, 256, 256]);
    expect(s.functions.every((f) => f.pcieKnown && f.pcieType === undefined)).toBe(true);
    expect(s.warnings).toEqual([]);
  });
});

describe('this machine, lspci as nobody', () => {
  const s = readLspci(NOBODY, 'host-nonroot.txt');
  it('reads the same functions, 64-byte dumps, and says the capabilities were denied', () => {
    expect(s.functions.map((f) => f.sbdf)).toEqual(readLspci(ROOT, 'r').functions.map((f) => f.sbdf));
    expect(s.privileged).toBe(false);
    expect(s.functions.every((f) => f.config?.length === 64)).toBe(true);
    // Status says 00:00.0 has no capability list: it is known to be conventional; the rest are unknown.
    expect(s.functions.filter((f) => f.pcieKnown).map((f) => f.sbdf)).toEqual(['0000:00:00.0']);
    expect(s.functions.every((f) => f.acs === undefined && f.pcieType === undefined)).toBe(true);
    expect(s.warnings).toHaveLength(1);
    expect(s.warnings[0]).toMatch(/^5 functions \(0000:00:01\.0, .*\) show `Capabilities: <access denied>`.*ACS.*unknown/);
  });
});

describe('a two-domain machine through lspci -F', () => {
  const all = sections(SYNTHETIC);

  it('has every function with its parent, bus range, PCIe type and ACS', () => {
    expect(shape(SYNTHETIC)).toEqual(EXPECTED);
    const s = readLspci(SYNTHETIC, 'synthetic.txt');
    expect(s.rootBuses).toEqual([{ segment: 0, bus: 0 }, { segment: 1, bus: 0x40 }]);
    expect(s.privileged).toBe(true);
    const f = facts(s);
    expect(f['0000:03:00.0']).toMatchObject({ multifunction: true, ats: true, classCode: 0x020000, vendorId: 0x15b3, deviceId: 0x1017 });
    expect(f['0000:05:00.0']).toMatchObject({ phantomFunctions: 1 });
    expect(f['0000:00:01.1']!.acs).toEqual({ sourceValidation: false, requestRedirect: false, completionRedirect: false, upstreamForwarding: false, egressControl: false, directTranslated: false });
    expect(f['0000:02:01.0']!.acs).toMatchObject({ sourceValidation: false, requestRedirect: true });
    expect(f['0000:01:00.0']!.acs).toBeNull();
    expect(f['0000:07:01.0']).toMatchObject({ pcieKnown: true, classCode: 0x010000 });
    expect(f['0000:07:01.0']!.pcieType).toBeUndefined();
  });

  it('says which PCIe functions list no extended capability, so that their ACS is unknown from text', () => {
    const s = readLspci(SYNTHETIC, 'synthetic.txt');
    expect(s.warnings).toEqual([expect.stringMatching(/^4 functions \(0000:04:00\.0, 0000:00:02\.0, 0000:00:1f\.0, 0000:00:1f\.2\) are PCI Express but list no extended capability/)]);
    for (const sbdf of ['0000:04:00.0', '0000:00:02.0', '0000:00:1f.0', '0000:00:1f.2']) expect(facts(s)[sbdf]!.acs).toBeUndefined();
  });

  it('the -xxxx dump alone settles it: the same places, and no ACS where the extended space holds none', () => {
    const fromDump = readLspci(DUMP, 'synthetic.dump');
    const want = Object.fromEntries(Object.entries(EXPECTED).map(([k, v]) => [k, v.pcieType && v.isolates === undefined ? { ...v, isolates: false } : v]));
    expect(shape(DUMP, 'synthetic.dump')).toEqual(want);
    expect(facts(fromDump)['0000:04:00.0']!.acs).toBeNull();
    expect(fromDump.rootBuses).toBeUndefined(); // no tree: the root buses are not claimed
    expect(fromDump.warnings).toEqual([]);
    expect(fromDump.functions.every((f) => f.config?.length === (f.pcieType ? 4096 : 256))).toBe(true);
  });

  it('each section alone gives what it shows', () => {
    const tree = readLspci(all.get('lspci -tvnn')!, 't');
    expect(pick(tree, ['parent', 'secondaryBus', 'subordinateBus'])).toEqual(
      Object.fromEntries(Object.entries(EXPECTED).map(([k, v]) => [k, { parent: v.parent, ...(v.secondaryBus !== undefined ? { secondaryBus: v.secondaryBus, subordinateBus: v.subordinateBus } : {}) }])),
    );
    expect(pick(tree, ['vendorId'])['0000:03:00.0']).toEqual({ vendorId: 0x15b3 });
    expect(tree.warnings).toEqual([expect.stringMatching(/^no `lspci -vvvnn` or `lspci -xxxx` output/)]);

    // Without a tree, parents come from the bridges' secondary bus numbers, as lspci -t itself finds them.
    const verbose = readLspci(all.get('lspci -vvvnn')!, 'v');
    expect(pick(verbose, ['parent', 'pcieType'])).toEqual(pick(readLspci(SYNTHETIC, 's'), ['parent', 'pcieType']));
    const hex = readLspci(all.get('lspci -xxx')!, 'x');
    expect(pick(hex, ['parent', 'pcieType', 'secondaryBus', 'multifunction'])).toEqual(pick(readLspci(SYNTHETIC, 's'), ['parent', 'pcieType', 'secondaryBus', 'multifunction']));
    expect(hex.functions.every((f) => f.acs === undefined && f.config?.length === 256)).toBe(true);
  });

  it('sections in another order, with prompts and blank lines between, give the same snapshot', () => {
    const reordered = ['lspci -xxx', 'lspci -vvvnn', 'lspci -tvnn'].map((c) => `user@box:~$ ${c}\n\n${all.get(c)}\n\n`).join('');
    const a = readLspci(SYNTHETIC, 'x');
    const b = readLspci(reordered, 'x');
    expect(facts(b)).toEqual(facts(a));
    expect(b.warnings).toEqual(a.warnings);
  });

  it('a CRLF paste, and a paste whose tabs became blanks, read the same', () => {
    const a = facts(readLspci(SYNTHETIC, 'x'));
    expect(facts(readLspci(SYNTHETIC.replace(/\n/g, '\r\n'), 'x'))).toEqual(a);
    expect(facts(readLspci(SYNTHETIC.replace(/\t/g, '        '), 'x'))).toEqual(a);
  });
});
