/**
 * readLspci on excerpts of the forms the fixtures do not hold: a live
 * machine's IOMMU group and driver lines, `-v` (ACS without its controls),
 * older lspci's names, `-n`, a tree without names, a bridge holding two
 * buses, several domains pasted without -D, and the dump overruling the text.
 * Excerpts of lspci 3.9.0 output unless said otherwise.
 */
import { describe, expect, it } from 'vitest';
import { readLspci } from '../../src/import/lspci/read-lspci.js';
import { facts, pick } from './lspci-support.js';

const ROOT_PORT_VVV = `0000:00:1c.0 PCI bridge [0604]: Intel Corporation 100 Series/C230 Series Chipset Family PCI Express Root Port #1 [8086:a110] (rev f1) (prog-if 00 [Normal decode])
	Control: I/O+ Mem+ BusMaster+ SpecCycle- MemWINV- VGASnoop- ParErr- Stepping- SERR- FastB2B- DisINTx+
	Bus: primary=00, secondary=02, subordinate=03, sec-latency=0
	Capabilities: [40] Express (v2) Root Port (Slot+), MSI 00
		DevCap:	MaxPayload 256 bytes, PhantFunc 0
			ExtTag- RBE+
		DevCtl:	CorrErr- NonFatalErr- FatalErr- UnsupReq-
			RlxdOrd- ExtTag- PhantFunc- AuxPwr- NoSnoop-
	Capabilities: [100 v1] Advanced Error Reporting
	Capabilities: [140 v1] Access Control Services
		ACSCap:	SrcValid+ TransBlk- ReqRedir+ CmpltRedir+ UpstreamFwd- EgressCtrl- DirectTrans-
		ACSCtl:	SrcValid- TransBlk- ReqRedir- CmpltRedir- UpstreamFwd- EgressCtrl- DirectTrans-
	Capabilities: [220 v1] Secondary PCI Express
	IOMMU group: 7
	Kernel driver in use: pcieport
	Kernel modules: shpchp

0000:02:00.0 Ethernet controller [0200]: Intel Corporation I210 Gigabit Network Connection [8086:1533] (rev 03)
	Capabilities: [a0] Express (v2) Endpoint, MSI 00
		DevCap:	MaxPayload 512 bytes, PhantFunc 0, Latency L0s <512ns, L1 <64us
	Capabilities: [100 v2] Advanced Error Reporting
	Capabilities: [1a0 v1] Transaction Processing Hints
	IOMMU group: 12
	Kernel driver in use: vfio-pci
`;

describe('lspci -vvvnn of a live machine', () => {
  const s = readLspci(ROOT_PORT_VVV, 'server.txt');
  const f = facts(s);

  it('takes the IOMMU group, the driver, the bus numbers and ACSCtl (not ACSCap)', () => {
    expect(f['0000:00:1c.0']).toMatchObject({
      vendorId: 0x8086, deviceId: 0xa110, classCode: 0x060400, secondaryBus: 2, subordinateBus: 3,
      pcieKnown: true, pcieType: 'root-port', phantomFunctions: 0, ats: false, group: '7', driver: 'pcieport', parent: null,
    });
    expect(f['0000:00:1c.0']!.acs).toEqual({ sourceValidation: false, requestRedirect: false, completionRedirect: false, upstreamForwarding: false, egressControl: false, directTranslated: false });
  });

  it('a PCIe endpoint that lists extended capabilities but no ACS has none (null); its parent is the bridge to its bus', () => {
    expect(f['0000:02:00.0']).toMatchObject({ pcieType: 'endpoint', acs: null, ats: false, group: '12', driver: 'vfio-pci', parent: '0000:00:1c.0' });
    expect(s.privileged).toBe(true);
    expect(s.warnings).toEqual([]);
  });
});

describe('other lspci forms', () => {
  it('lspci -v shows the ACS capability but not its controls: ACS unknown, said once', () => {
    const text = ROOT_PORT_VVV.split('\n').filter((l) => !l.includes('ACSC')).join('\n');
    const s = readLspci(text, 'v.txt');
    expect(facts(s)['0000:00:1c.0']!.acs).toBeUndefined();
    expect(s.warnings).toEqual([expect.stringMatching(/^0000:00:1c\.0 list Access Control Services but not its `ACSCtl:` line/)]);
  });

  it('older lspci names the PCIe-to-PCI bridge `PCI/PCI-X Bridge`; an unknown port type is said', () => {
    const s = readLspci(
      `00:1e.0 PCI bridge [0604]: Intel Corporation 82801 PCI Bridge [8086:244e] (rev a5) (prog-if 01 [Subtractive decode])
	Bus: primary=00, secondary=05, subordinate=05, sec-latency=32
	Capabilities: [40] Express (v1) PCI/PCI-X Bridge, MSI 00

00:1f.0 Signal processing controller [1180]: Acme [dead:beef]
	Capabilities: [40] Express (v2) Unknown type 3, MSI 00
`,
      'old.txt',
    );
    expect(facts(s)['0000:00:1e.0']).toMatchObject({ pcieType: 'pcie-to-pci-bridge', classCode: 0x060401, secondaryBus: 5 });
    expect(facts(s)['0000:00:1f.0']!.pcieType).toBeUndefined();
    expect(s.warnings).toContainEqual(expect.stringMatching(/^0000:00:1f\.0 have a PCI Express capability of a port type lspci calls unknown/));
  });

  it('lspci -n prints numbers only', () => {
    const s = readLspci('00:1f.2 0106: 8086:a102 (rev 31) (prog-if 01 [AHCI 1.0])\n00:1f.3 0403: 8086:a170 (rev 31)\n', 'n.txt');
    expect(pick(s, ['classCode', 'vendorId', 'deviceId'])).toEqual({
      '0000:00:1f.2': { classCode: 0x010601, vendorId: 0x8086, deviceId: 0xa102 },
      '0000:00:1f.3': { classCode: 0x040300, vendorId: 0x8086, deviceId: 0xa170 },
    });
  });

  it('lspci -t without names, with an empty bridge; a function seen only in the tree is a function', () => {
    const s = readLspci('-[0000:00]-+-00.0\n           +-1c.0-[02-03]----00.0\n           +-1d.0-[04]--\n           \\-1f.0\n', 't.txt');
    expect(pick(s, ['parent', 'secondaryBus', 'subordinateBus'])).toEqual({
      '0000:00:00.0': { parent: null },
      '0000:00:1c.0': { parent: null, secondaryBus: 2, subordinateBus: 3 },
      '0000:00:1d.0': { parent: null, secondaryBus: 4, subordinateBus: 4 },
      '0000:00:1f.0': { parent: null },
      '0000:02:00.0': { parent: '0000:00:1c.0' },
    });
  });

  it('a bridge whose range holds two buses lists them as [dddd:bb] (lspci -F of such a dump)', () => {
    const s = readLspci(
      `-[0000:00]-+-00.0
           +-01.0-[01-05]--+-[0000:01]---00.0
           |               \\-[0000:04]---00.0
           \\-02.0-[06]--
`,
      't.txt',
    );
    expect(pick(s, ['parent'])).toMatchObject({ '0000:01:00.0': { parent: '0000:00:01.0' }, '0000:04:00.0': { parent: '0000:00:01.0' } });
    expect(s.rootBuses).toEqual([{ segment: 0, bus: 0 }]);
  });

  it('lspci -t -s SLOT (pciutils 3.10 on) starts at the bridge with its domain and bus; the bridge\'s parent is unknown', () => {
    const s = readLspci('0000:00:1c.0-[02-03]----00.0  Intel Corporation I210 Gigabit Network Connection [8086:1533]\n', 's.txt');
    expect(pick(s, ['parent', 'secondaryBus', 'vendorId'])).toEqual({
      '0000:00:1c.0': { secondaryBus: 2 },
      '0000:02:00.0': { parent: '0000:00:1c.0', vendorId: 0x8086 },
    });
    expect(s.rootBuses).toBeUndefined();
    expect(s.warnings).toEqual([expect.stringMatching(/^0000:00:1c\.0 start a filtered tree .* their parent is unknown/), expect.stringMatching(/^no `lspci -vvvnn`/)]);
    const withBlock = readLspci(`${'0000:00:1c.0-[02-03]----00.0\n'}\n00:00.0 Host bridge [0600]: X [8086:0001]\n\n00:1c.0 PCI bridge [0604]: Y [8086:a110]\n\tBus: primary=00, secondary=02, subordinate=03, sec-latency=0\n`, 's.txt');
    expect(pick(withBlock, ['parent'])['0000:00:1c.0']).toEqual({});
  });

  it('newer lspci -tvv prints regions under a function: passed over', () => {
    const s = readLspci('-[0000:00]-+-00.0  Intel [8086:0d57]\n           |      Memory at 4000000000 (64-bit, non-prefetchable) [size=512K]\n           \\-01.0  Red Hat [1af4:1045]\n', 'tvv.txt');
    expect(s.functions.map((f) => f.sbdf)).toEqual(['0000:00:00.0', '0000:00:01.0']);
  });

  it('lines with a domain (-D, or a 5-digit VMD domain) and without one (domain 0) mix', () => {
    const s = readLspci('0000:00:00.0 Host bridge [0600]: X [8086:0001]\n10000:e0:00.0 PCI bridge [0604]: VMD port [8086:0002]\n\n00:01.0 Ethernet controller [0200]: Y [8086:0003]\n', 'd.txt');
    expect(s.functions.map((f) => f.sbdf)).toEqual(['0000:00:00.0', '0000:00:01.0', '10000:e0:00.0']);
  });
});

describe('the dump and the text together', () => {
  const block = (secondary: string) => `00:01.0 PCI bridge [0604]: Intel Corporation Device [8086:7a38] (rev 01) (prog-if 00 [Normal decode])
	Bus: primary=00, secondary=${secondary}, subordinate=03, sec-latency=0
00: 86 80 38 7a 06 00 00 00 01 00 04 06 00 00 01 00
10: 00 00 00 00 00 00 00 00 00 02 03 00 f0 00 00 00
20: f0 ff 00 00 f1 ff 01 00 00 00 00 00 00 00 00 00
30: 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00
`;

  it('where they agree, no warning; the dump adds the header type', () => {
    const s = readLspci(block('02'), 'a.txt');
    expect(s.warnings).toEqual([]);
    expect(facts(s)['0000:00:01.0']).toMatchObject({ headerType: 1, multifunction: false, secondaryBus: 2, subordinateBus: 3 });
    expect(s.functions[0]!.config).toHaveLength(64);
  });

  it('where they disagree, the dump wins and the disagreement is a warning', () => {
    const s = readLspci(block('09'), 'b.txt');
    expect(facts(s)['0000:00:01.0']!.secondaryBus).toBe(2);
    expect(s.warnings).toEqual(['0000:00:01.0: the hex dump\'s secondaryBus is 0x2, the text says 0x9; the dump is taken']);
  });

  it('the tree and a block disagreeing on a bridge\'s buses: the block, and a warning', () => {
    const s = readLspci(`-[0000:00]-+-01.0-[02-03]--\n\n${block('02').split('\n').slice(0, 2).join('\n').replace('subordinate=03', 'subordinate=04')}\n`, 'd.txt');
    expect(facts(s)['0000:00:01.0']).toMatchObject({ secondaryBus: 2, subordinateBus: 4 });
    expect(s.warnings).toContain('0000:00:01.0: the tree (line 1) says subordinateBus 0x3, its block (line 3) 0x4; the block is taken');
  });

  it('a paste inside a Markdown code block', () => {
    expect(readLspci('```\n$ lspci -t\n-[0000:00]-+-00.0\n           \\-1f.0\n```\n', 'issue.md').functions).toHaveLength(2);
  });

  it('a function dumped in two pastes that differ: the longer dump, and a warning', () => {
    const first = block('02');
    const second = first.replace('10: 00 00 00 00 00 00 00 00 00 02', '10: 00 00 00 00 00 00 00 00 00 05');
    const s = readLspci(`${first}\n${second}40: ${'00 '.repeat(15)}00\n`, 'c.txt');
    expect(s.functions[0]!.config).toHaveLength(80);
    expect(s.warnings).toContainEqual(expect.stringMatching(/^0000:00:01\.0: two hex dumps \(lines 1 and 8\) differ/));
  });
});
