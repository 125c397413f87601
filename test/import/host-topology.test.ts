import { describe, expect, it } from 'vitest';
import { hostNodeType, hostTopology, hostTopologyYaml } from '../../src/import/host/host-topology.js';
import { parseTopology } from '../../src/model/parse-topology.js';
import { hostSbdf } from '../../src/import/host/host-snapshot.js';
import { resolveTopology } from '../../src/model/resolve.js';
import { validateTopology } from '../../src/model/validate-topology.js';
import { fn, intelServer } from './host-snapshots.js';

describe('hostTopology: a snapshot becomes a PCI-only topology', () => {
  const snapshot = intelServer();
  const { topology, warnings } = hostTopology(snapshot);
  const resolved = resolveTopology(topology, { numbering: 'firmware' });

  it('is a valid topology with one host bridge per root bus, named as Linux names them, and no iommus', () => {
    expect(validateTopology(topology).filter((d) => d.severity === 'error')).toEqual([]);
    expect(topology.hostBridges!.map((h) => [h.id, h.rootBus, h.acpiPath])).toEqual([
      ['pci0000:00', 0, '\\_SB_.PCI0'],
      ['pci0000:80', 0x80, '\\_SB_.PCI1'],
    ]);
    expect(topology.iommus).toBeUndefined();
    expect(topology.description).toMatch(/PCI-only/);
    expect(warnings).toEqual([]);
  });

  it("the firmware numbering gives every function the machine's own RID", () => {
    for (const f of snapshot.functions) {
      const r = resolved.byId.get(`pci-${f.sbdf}`);
      expect(r, f.sbdf).toBeDefined();
      expect(hostSbdf(r!.segment, r!.bus, r!.device, r!.fn)).toBe(f.sbdf);
    }
  });

  it("types nodes so that ridmap's groups are Linux's, with ACS quirks modelled and said in the note", () => {
    const node = (sbdf: string) => resolved.byId.get(`pci-${sbdf}`)!;
    expect(node('0000:00:1c.0').node.acs).toBe(true);
    expect(node('0000:00:1c.0').node.note).toMatch(/pci_quirk_intel_pch_acs/);
    expect(node('0000:02:00.0').node.note).toMatch(/Linux: dmar1, group 4; ACS by Linux's quirk pci_quirk_mf_endpoint_acs/);
    expect(node('0000:00:1f.0').kind).toBe('pci-endpoint');
    expect(node('0000:00:01.0').kind).toBe('pcie-root-port');
    expect(node('0000:01:00.0').kind).toBe('pcie-endpoint');
    expect(node('0000:00:00.0').node.model).toBe('host bridge');
    // Groups: the two I350 functions apart (quirk), LPC and SMBus together (no PCIe capability).
    const groupOf = (sbdf: string) => node(sbdf).group;
    expect(groupOf('0000:02:00.0')).not.toBe(groupOf('0000:02:00.1'));
    expect(groupOf('0000:02:00.0')).not.toBe(groupOf('0000:00:1c.0'));
    expect(groupOf('0000:00:1f.0')).toBe(groupOf('0000:00:1f.3'));
  });

  it('infers types from class and place when config space shows no capabilities, and says so once', () => {
    const bare = intelServer();
    for (const f of bare.functions) {
      delete f.pcieType;
      delete f.pcieKnown;
      delete f.acs;
    }
    const built = hostTopology(bare);
    expect(validateTopology(built.topology).filter((d) => d.severity === 'error')).toEqual([]);
    expect(built.warnings.join('\n')).toMatch(/typed from header, class and place/);
    expect(built.warnings.join('\n')).toMatch(/ACS unknown for \d+ port/);
    expect(hostNodeType(bare.functions[1]!, undefined, true).type).toBe('pcie-root-port');
    expect(hostNodeType(bare.functions[2]!, 'pcie-root-port', true).type).toBe('pcie-endpoint');
  });

  it('leaves out a function whose parent chain loops or is missing, with a warning, and does not hang', () => {
    const looped = intelServer();
    looped.functions.push(
      fn(0, 9, 0, 0, { headerType: 1, pcieType: 'switch-upstream', parent: '0000:0a:00.0' }),
      fn(0, 0xa, 0, 0, { headerType: 1, pcieType: 'switch-downstream', parent: '0000:09:00.0' }),
      fn(0, 0xb, 0, 0, { headerType: 0, pcieType: 'endpoint', parent: '0000:0c:00.0' }),
    );
    const built = hostTopology(looped);
    expect(built.ids.has('0000:09:00.0')).toBe(false);
    expect(built.warnings).toContain('0000:09:00.0, 0000:0a:00.0: the chain of upstream bridges never reaches a root bus; left out');
    expect(built.warnings).toContain('0000:0b:00.0 (below 0000:0c:00.0): the upstream bridge is not in the snapshot; left out');
  });

  it('puts a function whose parent the source did not show below the bridge whose secondary bus it sits on', () => {
    const s = intelServer();
    delete s.functions.find((f) => f.sbdf === '0000:81:00.0')!.parent;
    const built = hostTopology(s);
    expect(built.warnings).toEqual([]);
    const rp = built.topology.hostBridges![1]!.children[0]!;
    expect(rp.children!.map((c) => c.id)).toEqual(['pci-0000:81:00.0']);
  });

  it('models pcie_acs_override= on the kernel command line as ACS, with a note', () => {
    const s = intelServer();
    s.cmdline = 'root=/dev/sda1 pcie_acs_override=downstream,multifunction';
    const f = s.functions.find((x) => x.sbdf === '0000:00:1c.0')!;
    f.deviceId = 0x1234; // not a quirk's
    const node = hostTopology(s).topology.hostBridges![0]!.children.find((n) => n.id === 'pci-0000:00:1c.0')!;
    expect(node.acs).toBe(true);
    expect(node.note).toMatch(/pcie_acs_override= \(downstream,multifunction\)/);
  });

  it('writes deterministic YAML that reads back as the same topology, RIDs in hex', () => {
    const opts = { schemaRef: 'topology.schema.json', importedBy: 'ridmap import sysfs' };
    const yaml = hostTopologyYaml(snapshot, hostTopology(snapshot), opts);
    expect(hostTopologyYaml(intelServer(), hostTopology(intelServer()), opts)).toBe(yaml);
    expect(yaml).toMatch(/^# yaml-language-server: \$schema=topology.schema.json/);
    expect(yaml).toMatch(/Imported by `ridmap import sysfs` from:\n#\s+intel-server.tar.gz/);
    expect(yaml).toMatch(/rootBus: 0x80/);
    expect(parseTopology(yaml, 'host.yaml')).toEqual(topology);
  });

  it('gives an empty bridge without bus numbers (header not read) a free bus, so the machine\'s numbers after it still fit', () => {
    const s = intelServer();
    s.functions.push(fn(0, 0, 0x1d, 0, { vendorId: 0x8086, deviceId: 0x1234, headerType: 1, pcieType: 'root-port', acs: null, parent: null }));
    s.functions.push(fn(0, 0, 0x1b, 0, { vendorId: 0x8086, deviceId: 0x1235, headerType: 1, pcieType: 'root-port', acs: null, parent: null }));
    const built = hostTopology(s);
    const node = (id: string) => built.topology.hostBridges![0]!.children.find((n) => n.id === id)!;
    expect([node('pci-0000:00:1d.0').secondaryBus, node('pci-0000:00:1d.0').subordinateBus]).toEqual([3, 3]);
    // 1b.0 comes before 1c.0, whose secondary bus 2 follows 01.0's 1 at once: no bus is free there.
    expect(node('pci-0000:00:1b.0').secondaryBus).toBeUndefined();
    expect(built.warnings.join('\n')).toMatch(/pci-0000:00:1b.0: no bus numbers in the snapshot and no free bus/);
    s.functions.pop();
    const resolved = resolveTopology(hostTopology(s).topology, { numbering: 'firmware' });
    for (const f of s.functions) {
      const r = resolved.byId.get(`pci-${f.sbdf}`)!;
      expect(hostSbdf(r.segment, r.bus, r.device, r.fn)).toBe(f.sbdf);
    }
  });
});
