/**
 * numa_node of an expander: import qemu gives its host bridge a
 * proximityDomain, and export qemu writes it back with the -numa nodes QEMU
 * requires (IDs from 0 without a gap, node memory adding up to -m).
 */
import { describe, expect, it } from 'vitest';
import { parseTopology } from '../../src/model/parse-topology.js';
import { runCli } from '../support/run-cli.js';
import { exportedArgv, importedFile, NUMA_ARGV, scratchDir, topologyFile } from './support.js';

describe('expander numa_node', () => {
  it('import: the host bridge\'s proximityDomain; none where numa_node is not given', async () => {
    const run = await runCli('import', 'qemu', '--', ...NUMA_ARGV);
    expect(run.code, run.stderr).toBe(0);
    const t = parseTopology(run.stdout, 'numa.yaml');
    expect(t.hostBridges!.map((h) => [h.id, h.proximityDomain])).toEqual([['pcie.0', undefined], ['p1', 2], ['p2', undefined]]);
  });

  it('export: numa_node on the pxb-pcie and -numa nodes 0 to 2, node 0 holding all the RAM; import of it gives the same domains', async () => {
    const argv = await exportedArgv(await importedFile(scratchDir(), 'numa', NUMA_ARGV));
    const text = argv.join(' ');
    expect(text).toContain('-m 512M -object memory-backend-ram,id=ram-node0,size=512M -numa node,nodeid=0,memdev=ram-node0 -numa node,nodeid=1 -numa node,nodeid=2');
    expect(text).toMatch(/pxb-pcie,id=p1,bus_nr=0x10,numa_node=2[, ]/);
    expect(text).not.toMatch(/id=p2,[^ ]*numa_node/);
    const back = await runCli('import', 'qemu', '--', ...argv);
    expect(back.code, back.stderr).toBe(0);
    expect(parseTopology(back.stdout, 'back.yaml').hostBridges!.map((h) => h.proximityDomain)).toEqual([undefined, 2, undefined]);
  });

  it('export: a domain beyond QEMU\'s 128 nodes is refused; one on the machine\'s own root bus is not carried', async () => {
    const t = (pd0: number | undefined, pd1: number) => ({
      name: 'numa',
      hostBridges: [
        { id: 'pcie.0', ...(pd0 !== undefined ? { proximityDomain: pd0 } : {}), children: [
          { id: 'mch', type: 'rciep', addr: '00.0', model: 'mch' },
          { id: 'pxb', type: 'rciep', addr: '01.0', model: 'pxb-pcie' },
          { id: 'lpc', type: 'rciep', addr: '1f.0', model: 'ICH9-LPC' }, { id: 'ahci', type: 'rciep', addr: '1f.2', model: 'ich9-ahci' },
          { id: 'smb', type: 'rciep', addr: '1f.3', model: 'ICH9-SMB' },
        ] },
        { id: 'p1', expander: true, rootBus: 16, proximityDomain: pd1, children: [] },
      ],
    });
    const far = await runCli('export', 'qemu', topologyFile(t(undefined, 200)));
    expect(far.code).toBe(2);
    expect(far.stderr).toContain('proximityDomain 200: QEMU has NUMA nodes 0-127 only');
    const main = await runCli('export', 'qemu', topologyFile(t(1, 0)));
    expect(main.code, main.stderr).toBe(0);
    expect(main.stderr).toContain('QEMU gives the machine\'s own root bus no _PXM');
  });
});
