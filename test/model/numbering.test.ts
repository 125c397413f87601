import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/diagnostic.js';
import { numberBuses, NUMBERING_POLICIES } from '../../src/model/numbering.js';
import type { PciNode, Topology } from '../../src/model/topology-schema.js';

const rootPort = (id: string, addr: string, extra: Partial<PciNode> = {}): PciNode => ({ id, type: 'pcie-root-port', addr, ...extra });

/**
 * pcie.0 (root bus 0; its limit is 0x7f because the expander starts at 0x80):
 *   01.0 rp1 (reserves 2 buses) -> nic1
 *   02.0 rp2 -> usp -> dsp1 (00.0) -> ep1
 *                   -> dsp2 (01.0, reserves 1 bus, empty)
 *   03.0 ppb (PCIe-to-PCI) -> pb (01.0, PCI-to-PCI) -> legacy
 *   1f.0 lpc
 * pxb (expander, root bus 0x80): 00.0 rp3 -> ep3
 * Children are listed out of devfn order on purpose: numbering follows devfn order.
 */
const topology: Topology = {
  name: 'numbering',
  hostBridges: [
    {
      id: 'pcie.0',
      children: [
        { id: 'lpc', type: 'rciep', addr: '1f.0' },
        {
          id: 'ppb',
          type: 'pcie-pci-bridge',
          addr: '03.0',
          children: [{ id: 'pb', type: 'pci-bridge', addr: '01.0', children: [{ id: 'legacy', type: 'pci-endpoint', addr: '02.0' }] }],
        },
        {
          id: 'rp2',
          type: 'pcie-root-port',
          addr: '02.0',
          children: [
            {
              id: 'usp',
              type: 'pcie-switch-upstream-port',
              addr: '00.0',
              children: [
                { id: 'dsp2', type: 'pcie-switch-downstream-port', addr: '01.0', reserveBuses: 1 },
                {
                  id: 'dsp1',
                  type: 'pcie-switch-downstream-port',
                  addr: '00.0',
                  children: [{ id: 'ep1', type: 'pcie-endpoint', addr: '00.0' }],
                },
              ],
            },
          ],
        },
        rootPort('rp1', '01.0', { reserveBuses: 2, children: [{ id: 'nic1', type: 'pcie-endpoint', addr: '00.0' }] }),
      ],
    },
    {
      id: 'pxb',
      expander: true,
      rootBus: 0x80,
      children: [rootPort('rp3', '00.0', { children: [{ id: 'ep3', type: 'pcie-endpoint', addr: '00.0' }] })],
    },
  ],
};

const bridges = (policy: string) => Object.fromEntries(numberBuses(topology, policy).bridges);

describe('bus numbering policies', () => {
  it('lists the three policies with descriptions', () => {
    expect(NUMBERING_POLICIES.map((p) => p.name)).toEqual(['firmware', 'compact', 'hotplug-shift']);
    for (const p of NUMBERING_POLICIES) expect(p.description.length).toBeGreaterThan(20);
  });

  it('firmware: depth-first in devfn order, reservations kept, expander at its fixed root bus', () => {
    const n = numberBuses(topology);
    expect(n.policy).toBe('firmware');
    expect(Object.fromEntries(n.bridges)).toEqual({
      // rp1: secondary 1; only bus 1 used below, but it reserves 1+2 -> subordinate 3
      rp1: { secondary: 1, subordinate: 3 },
      rp2: { secondary: 4, subordinate: 8 },
      usp: { secondary: 5, subordinate: 8 },
      dsp1: { secondary: 6, subordinate: 6 },
      // dsp2 is empty but keeps 7 + 1
      dsp2: { secondary: 7, subordinate: 8 },
      ppb: { secondary: 9, subordinate: 10 },
      pb: { secondary: 10, subordinate: 10 },
      rp3: { secondary: 0x81, subordinate: 0x81 },
    });
    expect(n.hostBridges.get('pcie.0')).toEqual({ rootBus: 0, busLimit: 0x7f, subordinate: 10 });
    expect(n.hostBridges.get('pxb')).toEqual({ rootBus: 0x80, busLimit: 0xff, subordinate: 0x81 });
  });

  it('compact: the same walk without hot-plug reservations', () => {
    expect(bridges('compact')).toEqual({
      rp1: { secondary: 1, subordinate: 1 },
      rp2: { secondary: 2, subordinate: 5 },
      usp: { secondary: 3, subordinate: 5 },
      dsp1: { secondary: 4, subordinate: 4 },
      dsp2: { secondary: 5, subordinate: 5 },
      ppb: { secondary: 6, subordinate: 7 },
      pb: { secondary: 7, subordinate: 7 },
      rp3: { secondary: 0x81, subordinate: 0x81 },
    });
  });

  it('hotplug-shift: a bridge hot-added under rp1 (the first reserving port) moves every later bus up by one', () => {
    const firmware = bridges('firmware');
    const shifted = bridges('hotplug-shift');
    // rp1 keeps its secondary; the new bridge takes bus 2, and rp1 now spans one more bus.
    expect(shifted['rp1']).toEqual({ secondary: 1, subordinate: 4 });
    for (const id of ['rp2', 'usp', 'dsp1', 'dsp2', 'ppb', 'pb']) {
      expect(shifted[id]).toEqual({ secondary: firmware[id]!.secondary + 1, subordinate: firmware[id]!.subordinate + 1 });
    }
    // Another host bridge's root bus is fixed: nothing there moves.
    expect(shifted['rp3']).toEqual(firmware['rp3']);
    expect(numberBuses(topology, 'hotplug-shift').hostBridges.get('pcie.0')!.subordinate).toBe(11);
  });

  it('hotplug-shift without any reservation hot-adds under the first bridge in depth-first order', () => {
    const plain: Topology = { name: 'plain', hostBridges: [{ id: 'pcie.0', children: [rootPort('rpB', '02.0'), rootPort('rpA', '01.0')] }] };
    expect(Object.fromEntries(numberBuses(plain, 'hotplug-shift').bridges)).toEqual({
      rpA: { secondary: 1, subordinate: 2 },
      rpB: { secondary: 3, subordinate: 3 },
    });
  });

  it('an explicit busLimit bounds the host bridge', () => {
    const t: Topology = { name: 'limit', hostBridges: [{ id: 'pcie.0', rootBus: 0x10, busLimit: 0x1f, children: [] }] };
    expect(numberBuses(t).hostBridges.get('pcie.0')).toEqual({ rootBus: 0x10, busLimit: 0x1f, subordinate: 0x10 });
  });

  it('host bridges in other segments do not limit each other', () => {
    const t: Topology = {
      name: 'segments',
      hostBridges: [
        { id: 'a', segment: 0, rootBus: 0, children: [] },
        { id: 'b', segment: 1, rootBus: 0x40, children: [] },
        { id: 'c', segment: 1, rootBus: 0, children: [] },
      ],
    };
    const n = numberBuses(t);
    expect(n.hostBridges.get('a')!.busLimit).toBe(0xff);
    expect(n.hostBridges.get('c')!.busLimit).toBe(0x3f);
    expect(n.hostBridges.get('b')!.busLimit).toBe(0xff);
  });
});

function inputError(run: () => unknown): InputError {
  try {
    run();
  } catch (e) {
    if (e instanceof InputError) return e;
    throw e;
  }
  throw new Error('expected an InputError');
}

describe('bus-range-exhausted', () => {
  it('names the host bridge, the buses needed and its range', () => {
    // pcie.0's range ends at 0x01 because the expander takes bus 0x02; two root ports need buses 0-2.
    const t: Topology = {
      name: 'tight',
      hostBridges: [
        { id: 'pcie.0', children: [rootPort('rp1', '01.0'), rootPort('rp2', '02.0')] },
        { id: 'pxb', expander: true, rootBus: 2, children: [] },
      ],
    };
    const e = inputError(() => numberBuses(t));
    expect(e.diagnostics).toHaveLength(1);
    const d = e.diagnostics[0]!;
    expect(d).toMatchObject({ severity: 'error', code: 'bus-range-exhausted', path: 'hostBridges[0]' });
    expect(d.message).toContain('pcie.0');
    expect(d.message).toContain('needs 3 buses');
    expect(d.message).toContain('00-01 holds 2');
  });

  it('a reservation can exhaust the range under firmware numbering but not under compact', () => {
    const t: Topology = {
      name: 'reserve',
      hostBridges: [
        { id: 'pcie.0', children: [] },
        {
          id: 'pxb',
          expander: true,
          rootBus: 0x80,
          children: [rootPort('rp', '00.0', { reserveBuses: 200 })],
        },
      ],
    };
    const e = inputError(() => numberBuses(t, 'firmware'));
    expect(e.diagnostics.map((d) => [d.code, d.path])).toEqual([['bus-range-exhausted', 'hostBridges[1]']]);
    expect(e.diagnostics[0]!.message).toContain('needs 202 buses');
    expect(numberBuses(t, 'compact').bridges.get('rp')).toEqual({ secondary: 0x81, subordinate: 0x81 });
  });

  it('counts past bus 0xff as exhaustion', () => {
    const t: Topology = {
      name: 'top',
      hostBridges: [{ id: 'last', rootBus: 0xff, children: [rootPort('rp', '00.0')] }],
    };
    expect(inputError(() => numberBuses(t)).diagnostics[0]!.code).toBe('bus-range-exhausted');
  });
});

describe('unknown-numbering', () => {
  it('lists the valid policies', () => {
    const e = inputError(() => numberBuses(topology, 'bios'));
    expect(e.diagnostics[0]!.code).toBe('unknown-numbering');
    expect(e.diagnostics[0]!.message).toContain('firmware, compact, hotplug-shift');
  });
});

describe('stated bus numbers (a real machine\'s, issue 19)', () => {
  // A server's firmware leaves gaps: rp1 got bus 3 (not 1), rp2 bus 0x10-0x14 with room for hot-plug.
  const machine: Topology = {
    name: 'fixed',
    hostBridges: [
      {
        id: 'pci0000:00',
        children: [
          rootPort('rp1', '01.0', { secondaryBus: 3, subordinateBus: 3, children: [{ id: 'ep1', type: 'pcie-endpoint', addr: '00.0' }] }),
          rootPort('rp2', '02.0', { secondaryBus: 0x10, subordinateBus: 0x14 }),
          rootPort('rp3', '03.0'),
        ],
      },
    ],
  };

  it('the firmware numbering keeps them, and numbers an unstated bridge after them', () => {
    const n = numberBuses(machine, 'firmware');
    expect(n.bridges.get('rp1')).toEqual({ secondary: 3, subordinate: 3 });
    expect(n.bridges.get('rp2')).toEqual({ secondary: 0x10, subordinate: 0x14 });
    expect(n.bridges.get('rp3')).toEqual({ secondary: 0x15, subordinate: 0x15 });
  });

  it('compact renumbers as an OS re-enumeration does', () => {
    const n = numberBuses(machine, 'compact');
    expect([...n.bridges.values()].map((b) => b.secondary)).toEqual([1, 2, 3]);
  });

  it('hotplug-shift moves every stated number after the hot-added bridge by one', () => {
    const n = numberBuses(machine, 'hotplug-shift');
    expect(n.bridges.get('rp1')).toEqual({ secondary: 3, subordinate: 4 });
    expect(n.bridges.get('rp2')).toEqual({ secondary: 0x11, subordinate: 0x15 });
  });

  it('a stated bus below one already taken is an error naming the bridge', () => {
    const bad: Topology = {
      name: 'bad',
      hostBridges: [{ id: 'h', children: [rootPort('a', '01.0', { secondaryBus: 5 }), rootPort('b', '02.0', { secondaryBus: 4 })] }],
    };
    let error: unknown;
    try {
      numberBuses(bad, 'firmware');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).diagnostics[0]!.message).toMatch(/b states secondary bus 04, but buses up to 05 are already taken/);
  });
});
