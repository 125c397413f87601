/**
 * IVRS built from topologies with an AMD-Vi unit, through the CLI: `build`
 * writes IVRS.dat, `decode --format json` and `encode` give the same bytes
 * back, and the device entries say what the topology's map says (ranges,
 * alias ranges behind aliasing bridges, the special I/O APIC entry, IVMD).
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { TABLES_DIR } from '../support/paths.js';
import { runCli } from '../support/run-cli.js';

const tmp = mkdtempSync(join(tmpdir(), 'ridmap-ivrs-build-'));
const example = join(TABLES_DIR, 'q35-amd-vi.yaml');

interface Entry { type: string; deviceId: number; sourceDeviceId?: number; handle?: number; variety?: number }
interface Block { type: string; deviceId?: number; flags: number; entries?: Entry[]; efrImage?: string | number; startAddress?: unknown }
interface IvrsDoc { tables: { signature: string; ivInfo: number; blocks: Block[] }[] }

async function build(file: string, name: string): Promise<string> {
  const out = join(tmp, name);
  const run = await runCli('build', file, '--out', out);
  expect(run.stderr).toBe('');
  expect(run.code).toBe(0);
  return join(out, 'IVRS.dat');
}

async function decoded(ivrs: string): Promise<IvrsDoc['tables'][0]> {
  const run = await runCli('decode', ivrs, '--format', 'json');
  expect(run.code).toBe(0);
  return (JSON.parse(run.stdout) as IvrsDoc).tables[0]!;
}

/** Entries as short strings: `03 0000`, `43 0200<-0200`, `48 ioapic 0 00a0`. */
function entries(b: Block): string[] {
  const h = (n: number) => n.toString(16).padStart(4, '0');
  return (b.entries ?? []).map((e) => {
    if (e.type === 'Special') return `special ${e.variety === 1 ? 'ioapic' : 'hpet'} ${e.handle} ${h(e.sourceDeviceId!)}`;
    if (e.sourceDeviceId !== undefined) return `${e.type} ${h(e.deviceId)}<-${h(e.sourceDeviceId)}`;
    return `${e.type} ${h(e.deviceId)}`;
  });
}

function writeTopology(name: string, yaml: string): string {
  const file = join(tmp, `${name}.yaml`);
  writeFileSync(file, yaml);
  return file;
}

describe('IVRS from a topology', () => {
  it('build writes IVRS.dat, and decode → encode gives its bytes back', async () => {
    const ivrs = await build(example, 'example');
    const json = await runCli('decode', ivrs, '--format', 'json');
    const jsonFile = join(tmp, 'ivrs.json');
    writeFileSync(jsonFile, json.stdout);
    const again = join(tmp, 'again.dat');
    const enc = await runCli('encode', jsonFile, '-o', again);
    expect(enc.stderr).toBe('');
    expect(enc.code).toBe(0);
    expect(readFileSync(again)).toEqual(readFileSync(ivrs));
    const check = await runCli('check', ivrs);
    expect(check.stdout).toContain('round trip   identical');
  });

  it('the example: a 10h and an 11h with the same entries, the PCIe-to-PCI bridge\'s bus as one alias range', async () => {
    const t = await decoded(await build(example, 'entries'));
    // EFRSup, PA size 40.
    expect(t.ivInfo).toBe(0x2801);
    expect(t.blocks.map((b) => [b.type, b.deviceId, b.flags])).toEqual([['IVHD10', 0x20, 0xd1], ['IVHD11', 0x20, 0x11]]);
    const expected = [
      // The IOMMU's own function 00:04.0 lies inside the first range: firmware lists it, Linux drops it.
      'RangeStart 0000', 'RangeEnd 01ff',
      'AliasRangeStart 0200<-0200', 'RangeEnd 02ff',
      'RangeStart 0300', 'RangeEnd ffff',
      'special ioapic 0 00a0',
    ];
    expect(entries(t.blocks[0]!)).toEqual(expected);
    expect(entries(t.blocks[1]!)).toEqual(expected);
  });

  it('no EFR image: a 10h alone, IVinfo without EFRSup; a bypassed subtree and an IVMD for reserved memory', async () => {
    const file = writeTopology('small', `
name: small-amd
iommus:
  - { id: amd, type: amd-vi, base: 0xfeb80000, device: iommu, capabilities: { coherent: true, outputAddressBits: 48, inputAddressBits: 64 } }
hostBridges:
  - id: pci0
    iommu: amd
    children:
      - { id: rc, type: rciep, addr: "00.0" }
      - { id: iommu, type: rciep, addr: "00.2" }
      - id: rp
        type: pcie-root-port
        addr: "01.0"
        bypassIommu: true
        children: [ { id: gpu, type: pcie-endpoint, addr: "00.0" } ]
      - id: pb
        type: pci-bridge
        addr: "03.0"
        children: [ { id: nic, type: pci-endpoint, addr: "03.0", reservedMemory: [ { base: 0x9d000000, size: 0x1000 } ] } ]
hpets:
  - { id: hpet0, number: 0, sourceId: "00:14.0", iommu: amd }
`);
    const t = await decoded(await build(file, 'small'));
    expect(t.ivInfo).toBe((48 << 8) | (64 << 15));
    expect(t.blocks.map((b) => b.type)).toEqual(['IVHD10', 'IVMD21']);
    expect(t.blocks[0]!.flags).toBe(0x20);
    expect(entries(t.blocks[0]!)).toEqual([
      // 00:01.0 and its bus 01 bypass: left out.
      'RangeStart 0000', 'RangeEnd 0007',
      'RangeStart 0009', 'RangeEnd 00ff',
      // The conventional bridge 00:03.0 stands for its bus 02: an alias to the bridge's own RID.
      'AliasRangeStart 0200<-0018', 'RangeEnd 02ff',
      'RangeStart 0300', 'RangeEnd ffff',
      'special hpet 0 00a0',
    ]);
    expect(t.blocks[1]).toMatchObject({ type: 'IVMD21', flags: 7, deviceId: 0x0218 });
  });

  it('refuses units with and without an EFR image in one IVRS: Linux would read the 11h blocks only', async () => {
    const file = writeTopology('mixed', `
name: mixed-efr
iommus:
  - { id: a, type: amd-vi, base: 0xfeb80000, device: iommu-a, efr: 0x29d3 }
  - { id: b, type: amd-vi, base: 0xfeb90000, device: iommu-b }
hostBridges:
  - id: pci0
    iommu: a
    children:
      - { id: iommu-a, type: rciep, addr: "00.0" }
      - { id: iommu-b, type: rciep, addr: "01.0" }
      - { id: rp, type: pcie-root-port, addr: "02.0", iommu: b, acs: true, children: [ { id: nic, type: pcie-endpoint, addr: "00.0" } ] }
`);
    const run = await runCli('build', file, '--out', join(tmp, 'mixed'));
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('iommus[1]: error [ivrs-cannot-express]: amd-vi unit b has no efr while a has one');
  });

  it('a translateRoot bridge below an aliasing one: its bus is plain again, as the map\'s aliases say', async () => {
    const file = writeTopology('xlate', `
name: xlate-root
iommus:
  - { id: amd, type: amd-vi, base: 0xfeb80000, device: iommu }
hostBridges:
  - id: pci0
    iommu: amd
    children:
      - { id: rc, type: rciep, addr: "00.0" }
      - { id: iommu, type: rciep, addr: "00.2" }
      - id: pb
        type: pcie-pci-bridge
        addr: "02.0"
        children:
          - id: xr
            type: pci-bridge
            addr: "01.0"
            translateRoot: true
            children: [ { id: nic, type: pci-endpoint, addr: "00.0" } ]
`);
    const t = await decoded(await build(file, 'xlate'));
    expect(entries(t.blocks[0]!)).toEqual([
      'RangeStart 0000', 'RangeEnd 00ff',
      'AliasRangeStart 0100<-0100', 'RangeEnd 01ff',
      // Bus 02 (below xr) and the rest of the segment: nic is seen as 02:00.0 itself.
      'RangeStart 0200', 'RangeEnd ffff',
    ]);
    const map = await runCli('map', file, '--format', 'json');
    const nic = (JSON.parse(map.stdout) as { devices: { id: string; aliases: string[] }[] }).devices.find((d) => d.id === 'nic')!;
    expect(nic.aliases).toEqual(['02:00.0']);
  });

  it('an IOMMU function is no unit\'s device, whichever unit the topology gives it: only its own IVHD lists it (Linux drops it there)', async () => {
    const file = writeTopology('two-units', `
name: two-units
iommus:
  - { id: a, type: amd-vi, base: 0xfeb80000, device: iommu-a }
  - { id: b, type: amd-vi, base: 0xfeb90000, device: iommu-b }
hostBridges:
  - id: pci0
    iommu: a
    children:
      - { id: iommu-a, type: rciep, addr: "00.0" }
      - { id: iommu-b, type: rciep, addr: "01.0" }
      - { id: rp, type: pcie-root-port, addr: "02.0", iommu: b, acs: true, children: [ { id: nic, type: pcie-endpoint, addr: "00.0" } ] }
`);
    const t = await decoded(await build(file, 'two-units'));
    expect(t.blocks.map((b) => [b.type, b.deviceId])).toEqual([['IVHD10', 0x00], ['IVHD10', 0x08]]);
    // a: everything but rp, its bus and iommu-b (00:01.0); b: its own function, rp and bus 01.
    expect(entries(t.blocks[0]!)).toEqual(['RangeStart 0000', 'RangeEnd 0007', 'RangeStart 0009', 'RangeEnd 000f', 'RangeStart 0011', 'RangeEnd 00ff', 'RangeStart 0200', 'RangeEnd ffff']);
    expect(entries(t.blocks[1]!)).toEqual(['Select 0008', 'Select 0010', 'RangeStart 0100', 'RangeEnd 01ff']);
    // Linux clears each unit's DeviceId after parsing its IVHD, so whatever the block order iommu-b has no IOMMU: the map says so.
    const map = JSON.parse((await runCli('map', file, '--format', 'json')).stdout) as { devices: { id: string; iommu: string | null }[] };
    expect(map.devices.filter((d) => d.iommu === null).map((d) => d.id)).toEqual(['iommu-a', 'iommu-b']);
  });
});
