import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { hostSbdf } from '../../src/import/host/host-snapshot.js';
import { hostTopology } from '../../src/import/host/host-topology.js';
import { readLspci } from '../../src/import/lspci/read-lspci.js';
import { resolveTopology } from '../../src/model/resolve.js';
import { validateTopology } from '../../src/model/validate-topology.js';
import { REPO_ROOT } from '../support/paths.js';

const lspci = (name: string) => readLspci(readFileSync(join(REPO_ROOT, 'test/fixtures/lspci', name), 'utf8'), name);

describe('hostTopology on the lspci reader\'s real fixtures', () => {
  for (const name of ['synthetic.txt', 'host-root.txt', 'host-nonroot.txt']) {
    it(`${name}: a valid topology whose firmware numbering gives every function its RID`, () => {
      const snapshot = lspci(name);
      const built = hostTopology(snapshot);
      expect(validateTopology(built.topology).filter((d) => d.severity === 'error')).toEqual([]);
      const resolved = resolveTopology(built.topology, { numbering: 'firmware' });
      const placed = snapshot.functions.map((f) => {
        const r = resolved.byId.get(`pci-${f.sbdf}`);
        return r ? hostSbdf(r.segment, r.bus, r.device, r.fn) : `${f.sbdf} missing`;
      });
      expect(placed).toEqual(snapshot.functions.map((f) => f.sbdf));
    });
  }

  it("synthetic.txt: groups follow the ports' ACS controls, the PCIe-to-PCI bridge and Linux's RCiEP quirk", () => {
    const built = hostTopology(lspci('synthetic.txt'));
    expect(built.warnings).toEqual([]);
    const groups = resolveTopology(built.topology).groups.map((g) => g.members.map((id) => id.slice('pci-'.length)).join(' '));
    expect(groups).toEqual(expect.arrayContaining([
      '0000:03:00.0 0000:03:00.1', // a multi-function endpoint whose ACS controls are off
      '0000:02:01.0 0000:04:00.0', // a downstream port with RR only
      '0000:00:01.1 0000:06:00.0', // a root port with ACS all off
      '0000:00:02.0 0000:07:01.0 0000:07:02.0', // a PCIe-to-PCI bridge and its conventional bus
      '0000:00:1f.0', // Intel RCiEPs: pci_quirk_rciep_acs
      '0000:00:1f.2',
    ]));
  });

  it('host-nonroot.txt: 64-byte dumps give no capabilities, and the import says it typed from header, class and place', () => {
    expect(hostTopology(lspci('host-nonroot.txt')).warnings.join('\n')).toMatch(/typed from header, class and place/);
  });
});
