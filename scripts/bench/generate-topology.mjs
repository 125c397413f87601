// The build benchmark's topologies: `endpoints` PCI endpoints dealt over
// `segments` PCI segments, one host bridge per segment, in the same
// proportions at every size so that 10k and 100k differ only in scale.
//
// A segment has 256 buses, and a PCIe link carries one device (8
// functions), so 100k endpoints over 16 segments (6,250 per segment) do not
// fit behind root ports and switches alone: most sit on conventional buses
// behind PCIe-to-PCI bridges (224 functions per bus). Per segment:
//   - 8 root-complex integrated functions at 00.0-00.7;
//   - blocks of two root ports (devices 01-1f, 8 functions each):
//       one with a switch: upstream port, 4 downstream ports (ACS), each
//       with an 8-function PCIe endpoint (32 endpoints, 6 buses);
//       one with a PCIe-to-PCI bridge and 28 conventional devices x 8
//       functions below it (224 endpoints, 2 buses).
// 6,250 endpoints per segment take 201 buses.
//
// Two flavours, since one topology cannot make every table (IORT names
// only SMMUs, DMAR only VT-d units):
//   x86: two VT-d units per segment, one for the switch root ports, one
//        INCLUDE_PCI_ALL for the rest (DMAR.dat and the maps);
//   arm: one SMMUv3 per segment and one ITS (IORT.dat, board.dts,
//        board.dtb and the maps). The conventional buses bypass the SMMU:
//        their devices all reach it under their bridge's alias, and Linux's
//        arm-smmu-v3 would give that StreamID to the first one alone
//        (smmuv3-stream-shared).

const RCIEPS = 8;
const SWITCH_PORTS = 4;
const SWITCH_ENDPOINTS = SWITCH_PORTS * 8;
const CONVENTIONAL_ENDPOINTS = 28 * 8;

/** The topology as a plain object (write it as JSON). */
export function topology({ endpoints, segments = 16, arch }) {
  if (arch !== 'x86' && arch !== 'arm') throw new Error(`arch is x86 or arm, not ${arch}`);
  const hostBridges = [];
  const iommus = [];
  for (let s = 0; s < segments; s++) {
    const n = Math.floor(endpoints / segments) + (s < endpoints % segments ? 1 : 0);
    const seg = segmentBridge(s, n, arch);
    hostBridges.push(seg.bridge);
    iommus.push(...seg.iommus);
  }
  const t = {
    name: `bench-${arch}-${endpoints}`,
    description: `${endpoints} endpoints over ${segments} segments (ridmap bench)`,
    acpi: { oemId: 'RIDMAP', oemTableId: arch === 'x86' ? 'BENCHX86' : 'BENCHARM' },
    iommus,
    hostBridges,
  };
  if (arch === 'x86') t.dmar = { hostAddressWidth: 46, interruptRemapping: true };
  else t.msiControllers = [{ id: 'its0', type: 'its', itsIds: [0], base: '0x8080000' }];
  return t;
}

function segmentBridge(s, n, arch) {
  const p = `s${s}`; // id prefix: ids are one namespace across the document
  const children = [];
  let left = n;
  for (let f = 0; f < RCIEPS && left > 0; f++, left--) children.push(fn(`${p}i${f}`, 'rciep', 0, f));
  let port = 0;
  // The switch root ports go to a unit of their own on x86, so the DMAR has scopes.
  const switchUnit = arch === 'x86' ? { iommu: `vtd${s}a` } : {};
  while (left > 0) {
    const sw = Math.min(left, SWITCH_ENDPOINTS);
    left -= sw;
    children.push(rootPort(`${p}p${port}`, port, [switchUp(`${p}p${port}`, sw)], switchUnit));
    port++;
    if (left === 0) break;
    const conv = Math.min(left, CONVENTIONAL_ENDPOINTS);
    left -= conv;
    const bridge = pciBridge(`${p}p${port}`, conv);
    children.push(rootPort(`${p}p${port}`, port, [arch === 'arm' ? { ...bridge, bypassIommu: true } : bridge], {}));
    port++;
  }
  if (port > 31 * 8) throw new Error(`segment ${s}: ${n} endpoints need more than 248 root ports`);

  const bridge = { id: `hb${s}`, segment: s, rootBus: 0, children };
  if (arch === 'x86') {
    const base = 0xfed8_0000 + s * 0x2000;
    return {
      bridge,
      iommus: [
        { id: `vtd${s}a`, type: 'vtd', segment: s, base: hex(base) },
        { id: `vtd${s}b`, type: 'vtd', segment: s, base: hex(base + 0x1000), includeAll: true },
      ],
    };
  }
  Object.assign(bridge, { iommu: `smmu${s}`, msiController: 'its0', ecam: hex(0x40_0000_0000 + s * 0x1000_0000) });
  return {
    bridge,
    iommus: [{
      id: `smmu${s}`, type: 'smmuv3', base: hex(0x9000_0000 + s * 0x2_0000), msiController: 'its0', coherent: true,
      interrupts: { event: 100 + 4 * s, pri: 101 + 4 * s, sync: 102 + 4 * s, gerror: 103 + 4 * s },
    }],
  };
}

const hex = (n) => `0x${n.toString(16)}`;
const devfn = (d, f) => `${d.toString(16).padStart(2, '0')}.${f}`;
const fn = (id, type, d, f) => ({ id, type, addr: devfn(d, f) });

/** Root port k of the root bus: devices 01-1f, 8 functions each. */
function rootPort(id, k, children, extra) {
  return { id, type: 'pcie-root-port', addr: devfn(1 + (k >> 3), k & 7), acs: true, ...extra, children };
}

/** A switch with enough downstream ports for `count` endpoints, 8 functions per link. */
function switchUp(id, count) {
  const ports = [];
  for (let d = 0, left = count; left > 0; d++) {
    const fns = [];
    for (let f = 0; f < 8 && left > 0; f++, left--) fns.push(fn(`${id}d${d}e${f}`, 'pcie-endpoint', 0, f));
    ports.push({ id: `${id}d${d}`, type: 'pcie-switch-downstream-port', addr: devfn(d, 0), acs: true, children: fns });
  }
  return { id: `${id}u`, type: 'pcie-switch-upstream-port', addr: '00.0', children: ports };
}

/** A PCIe-to-PCI bridge with `count` conventional functions on its bus (devices 00-1b). */
function pciBridge(id, count) {
  const fns = [];
  for (let k = 0; k < count; k++) fns.push(fn(`${id}c${k}`, 'pci-endpoint', k >> 3, k & 7));
  return { id: `${id}b`, type: 'pcie-pci-bridge', addr: '00.0', children: fns };
}

/** How many endpoints a topology object has (the generator's own check). */
export function countEndpoints(t) {
  let n = 0;
  const walk = (nodes) => nodes.forEach((c) => { if (/endpoint|rciep/.test(c.type)) n++; walk(c.children ?? []); });
  t.hostBridges.forEach((b) => walk(b.children));
  return n;
}
