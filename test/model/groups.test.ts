import { describe, expect, it } from 'vitest';
import { resolveTopology } from '../../src/model/resolve.js';
import type { PciNode, Topology } from '../../src/model/topology-schema.js';

const ep = (id: string, addr = '00.0', extra: Partial<PciNode> = {}): PciNode => ({ id, type: 'pcie-endpoint', addr, ...extra });
const port = (type: PciNode['type'], id: string, addr: string, acs: boolean, children: PciNode[]): PciNode => ({
  id,
  type,
  addr,
  ...(acs ? { acs: true } : {}),
  children,
});
const switchOf = (prefix: string, dspAcs: boolean): PciNode =>
  port('pcie-switch-upstream-port', `${prefix}usp`, '00.0', false, [
    port('pcie-switch-downstream-port', `${prefix}dsp1`, '00.0', dspAcs, [ep(`${prefix}e1`)]),
    port('pcie-switch-downstream-port', `${prefix}dsp2`, '01.0', dspAcs, [ep(`${prefix}e2`)]),
  ]);

const topology: Topology = {
  name: 'groups',
  hostBridges: [
    {
      id: 'pcie.0',
      children: [
        // 01.0: PCIe-to-PCI bridge on the root bus; its whole secondary side is one group with it.
        {
          id: 'ppb',
          type: 'pcie-pci-bridge',
          addr: '01.0',
          children: [
            { id: 'legacyA', type: 'pci-endpoint', addr: '01.0' },
            { id: 'inner', type: 'pci-bridge', addr: '02.0', children: [{ id: 'legacyB', type: 'pci-endpoint', addr: '00.0' }] },
          ],
        },
        // 02.0 / 03.0: root port without and with ACS
        port('pcie-root-port', 'rpNoAcs', '02.0', false, [ep('behindNoAcs')]),
        port('pcie-root-port', 'rpAcs', '03.0', true, [ep('behindAcs')]),
        // 04.0: ACS root port, switch with ACS downstream ports: everything isolated
        port('pcie-root-port', 'rpS1', '04.0', true, [switchOf('a', true)]),
        // 05.0: ACS root port, switch whose downstream ports lack ACS: each port groups with what is below it
        port('pcie-root-port', 'rpS2', '05.0', true, [switchOf('b', false)]),
        // 06.0: root port without ACS above an ACS switch: the whole hierarchy is one group
        port('pcie-root-port', 'rpS3', '06.0', false, [switchOf('c', true)]),
        // 07.0: multi-function endpoint without ACS; 08.0: with ACS on each function
        port('pcie-root-port', 'rpMf', '07.0', true, [ep('mf0', '00.0'), ep('mf1', '00.1')]),
        port('pcie-root-port', 'rpMfAcs', '08.0', true, [ep('mfA0', '00.0', { acs: true }), ep('mfA1', '00.1', { acs: true })]),
        // 10.0 aliases the devfn of 11.0 (a quirk): one group
        { id: 'aliaser', type: 'rciep', addr: '10.0', dmaAliases: ['11.0'] },
        { id: 'aliased', type: 'rciep', addr: '11.0' },
        // 1f.x: multi-function root-complex integrated endpoints without ACS share a group
        { id: 'lpc', type: 'rciep', addr: '1f.0' },
        { id: 'smbus', type: 'rciep', addr: '1f.3' },
        // 05.x on an Intel server: multi-function RCiEPs with ACS (Linux's pci_quirk_rciep_acs) are isolated (PCI_EXP_TYPE_RC_END)
        { id: 'rcA', type: 'rciep', addr: '1e.0', acs: true },
        { id: 'rcB', type: 'rciep', addr: '1e.2', acs: true },
      ],
    },
  ],
};

const resolved = resolveTopology(topology);
const groupOf = (id: string) => resolved.byId.get(id)!.group;
const members = (id: string) => resolved.groups.find((g) => g.id === groupOf(id))!.members;

describe('alias groups (pci_device_group)', () => {
  it('a PCIe-to-PCI bridge and its whole secondary side are one group', () => {
    expect(members('ppb')).toEqual(['ppb', 'legacyA', 'inner', 'legacyB']);
  });

  it('a root port without ACS shares a group with what is below it; with ACS it does not', () => {
    expect(members('rpNoAcs')).toEqual(['rpNoAcs', 'behindNoAcs']);
    expect(members('rpAcs')).toEqual(['rpAcs']);
    expect(members('behindAcs')).toEqual(['behindAcs']);
  });

  it('a switch with ACS downstream ports isolates every function', () => {
    for (const id of ['rpS1', 'ausp', 'adsp1', 'ae1', 'adsp2', 'ae2']) expect(members(id)).toEqual([id]);
  });

  it('downstream ports without ACS group with their own subtree (the upstream port is single-function)', () => {
    expect(members('busp')).toEqual(['busp']);
    expect(members('be1')).toEqual(['bdsp1', 'be1']);
    expect(members('be2')).toEqual(['bdsp2', 'be2']);
  });

  it('a root port without ACS takes the whole hierarchy below it', () => {
    expect(members('ce2')).toEqual(['rpS3', 'cusp', 'cdsp1', 'ce1', 'cdsp2', 'ce2']);
  });

  it('functions of a multi-function slot share a group unless each has ACS', () => {
    expect(members('mf1')).toEqual(['mf0', 'mf1']);
    expect(members('mfA0')).toEqual(['mfA0']);
    expect(members('mfA1')).toEqual(['mfA1']);
    expect(members('lpc')).toEqual(['lpc', 'smbus']);
  });

  it('multi-function root-complex integrated endpoints with ACS are isolated, as Linux treats PCI_EXP_TYPE_RC_END', () => {
    expect(members('rcA')).toEqual(['rcA']);
    expect(members('rcB')).toEqual(['rcB']);
  });

  it('a quirk alias onto another function joins their groups', () => {
    expect(members('aliased')).toEqual(['aliaser', 'aliased']);
  });

  it('numbers groups g0, g1, ... in depth-first order of their first member', () => {
    expect(resolved.groups.map((g) => g.id)).toEqual(resolved.groups.map((_, i) => `g${i}`));
    expect(groupOf('ppb')).toBe('g0');
    expect(groupOf('rpNoAcs')).toBe('g1');
    expect(groupOf('rpAcs')).toBe('g2');
    expect(groupOf('behindAcs')).toBe('g3');
    // every function is in exactly one group
    expect(resolved.groups.flatMap((g) => g.members).sort()).toEqual(resolved.functions.map((f) => f.id).sort());
  });
});
