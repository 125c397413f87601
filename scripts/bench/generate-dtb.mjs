// A large Device Tree for the decode benchmark, shaped like an Arm server
// board's: a GICv3 with an ITS, one SMMUv3 and one ECAM PCI host per
// segment (iommu-map, msi-map), root ports with an endpoint below each as
// PCI child nodes, and a simple-bus of DMA-capable platform devices, each
// behind a segment's SMMU (`iommus`). Written as DTS text, then compiled by
// ridmap's own DTS parser and DTB encoder (what `dtc -I dts -O dtb` would
// make of the same text), so it needs no dtc.
import { importDist } from './paths.mjs';

/** Nodes that do not scale: /, memory, GIC, ITS, soc; plus per segment an SMMU and a host. */
const fixedNodes = (segments) => 5 + 2 * segments;
/** Share of the scaled nodes that are PCI child nodes (root port + endpoint pairs); the rest platform devices. */
const PCI_SHARE = 0.25;

const hex = (n) => `0x${n.toString(16)}`;
/** A 64-bit address as two cells. */
const addr64 = (a) => `${hex(Math.floor(a / 2 ** 32))} ${hex(a % 2 ** 32)}`;

/** DTS text with exactly `nodes` nodes (counting the root). */
export function dtsText({ nodes, segments = 16 }) {
  const scaled = nodes - fixedNodes(segments);
  if (scaled < 0) throw new Error(`at least ${fixedNodes(segments)} nodes`);
  const pairs = Math.floor((scaled * PCI_SHARE) / 2);
  const platform = scaled - 2 * pairs;
  const out = [
    '/dts-v1/;', '', '/ {', '\tcompatible = "ridmap,bench-board";', '\tmodel = "ridmap bench board";',
    '\t#address-cells = <2>;', '\t#size-cells = <2>;', '\tinterrupt-parent = <&gic>;', '',
    '\tmemory@80000000 {', '\t\tdevice_type = "memory";', '\t\treg = <0x0 0x80000000 0x10 0x0>;', '\t};', '',
    '\tgic: interrupt-controller@8000000 {', '\t\tcompatible = "arm,gic-v3";', '\t\t#interrupt-cells = <3>;',
    '\t\tinterrupt-controller;', '\t\treg = <0x0 0x8000000 0x0 0x10000 0x0 0x80a0000 0x0 0xf60000>;',
    '\t\t#address-cells = <2>;', '\t\t#size-cells = <2>;', '\t\tranges;',
    '\t\tits: msi-controller@8080000 {', '\t\t\tcompatible = "arm,gic-v3-its";', '\t\t\treg = <0x0 0x8080000 0x0 0x20000>;',
    '\t\t\tmsi-controller;', '\t\t\t#msi-cells = <1>;', '\t\t};', '\t};',
  ];
  for (let s = 0; s < segments; s++) out.push(...smmu(s));
  for (let s = 0; s < segments; s++) out.push(...pcieHost(s, share(pairs, segments, s)));
  out.push('', '\tsoc {', '\t\tcompatible = "simple-bus";', '\t\t#address-cells = <2>;', '\t\t#size-cells = <2>;', '\t\tranges;');
  for (let i = 0; i < platform; i++) out.push(...platformDevice(i, i % segments));
  out.push('\t};', '};', '');
  return out.join('\n');
}

/** Item i's share when n items are dealt over k groups. */
const share = (n, k, i) => Math.floor(n / k) + (i < n % k ? 1 : 0);

function smmu(s) {
  const base = 0x9000_0000 + s * 0x2_0000;
  const irq = 100 + 4 * s;
  return [
    '', `\tsmmu${s}: iommu@${base.toString(16)} {`, '\t\tcompatible = "arm,smmu-v3";', `\t\treg = <${addr64(base)} 0x0 0x20000>;`,
    `\t\tinterrupts = <0 ${irq} 1>, <0 ${irq + 1} 1>, <0 ${irq + 2} 1>, <0 ${irq + 3} 1>;`,
    '\t\tinterrupt-names = "eventq", "priq", "cmdq-sync", "gerror";', '\t\tdma-coherent;', '\t\t#iommu-cells = <1>;',
    `\t\tmsi-parent = <&its ${hex(0x100000 + s)}>;`, '\t};',
  ];
}

/** An ECAM host for segment s with `ports` root ports on its root bus, an endpoint below each. */
function pcieHost(s, ports) {
  const ecam = 0x40_0000_0000 + s * 0x1000_0000;
  const out = [
    '', `\tpcie${s}: pcie@${ecam.toString(16)} {`, '\t\tcompatible = "pci-host-ecam-generic";', '\t\tdevice_type = "pci";',
    '\t\t#address-cells = <3>;', '\t\t#size-cells = <2>;', `\t\tlinux,pci-domain = <${s}>;`, '\t\tbus-range = <0x0 0xff>;',
    `\t\treg = <${addr64(ecam)} 0x0 0x10000000>;`,
    `\t\tranges = <0x3000000 ${addr64(0x80_0000_0000 + s * 0x10_0000_0000)} ${addr64(0x80_0000_0000 + s * 0x10_0000_0000)} 0x10 0x0>;`,
    `\t\tiommu-map = <0x0 &smmu${s} 0x0 0x10000>;`, `\t\tmsi-map = <0x0 &its ${hex(s << 16)} 0x10000>;`,
  ];
  for (let p = 0; p < ports; p++) {
    const dev = 1 + (p >> 3); // root ports at devices 1.. of the root bus, 8 functions each
    const fn = p & 7;
    const bus = 1 + p; // each port's secondary bus
    out.push(
      `\t\tpci@${dev.toString(16)},${fn} {`, '\t\t\tdevice_type = "pci";', `\t\t\treg = <${hex((dev << 11) | (fn << 8))} 0x0 0x0 0x0 0x0>;`,
      '\t\t\t#address-cells = <3>;', '\t\t\t#size-cells = <2>;', '\t\t\tranges;', `\t\t\tbus-range = <${hex(bus)} ${hex(bus)}>;`,
      '\t\t\tethernet@0,0 {', `\t\t\t\treg = <${hex(bus << 16)} 0x0 0x0 0x0 0x0>;`, '\t\t\t\tlocal-mac-address = [02 00 00 00 00 00];', '\t\t\t};',
      '\t\t};',
    );
  }
  out.push('\t};');
  return out;
}

function platformDevice(i, s) {
  const base = 0x1_0000_0000 + i * 0x1000;
  return [
    `\t\tdma-controller@${base.toString(16)} {`, '\t\t\tcompatible = "arm,pl330", "arm,primecell";', `\t\t\treg = <${addr64(base)} 0x0 0x1000>;`,
    `\t\t\tinterrupts = <0 ${hex(200 + (i % 700))} 4>;`, '\t\t\t#dma-cells = <1>;', '\t\t\tdma-coherent;',
    `\t\t\tiommus = <&smmu${s} ${hex(0x10000 + i)}>;`, `\t\t\tmsi-parent = <&its ${hex(0x200000 + i)}>;`, '\t\t};',
  ];
}

/** The DTS text and its DTB, compiled by ridmap. */
export async function generateDtb(opts) {
  const { parseDts, encodeDtb } = await importDist('dt/index.js');
  const dts = dtsText(opts);
  const parsed = await parseDts(dts, 'bench.dts');
  const bad = parsed.diagnostics.filter((d) => d.severity === 'error');
  if (bad.length > 0) throw new Error(`DTB: ridmap refused the generated DTS: ${bad.slice(0, 3).map((d) => `${d.line}: ${d.message}`).join('; ')}`);
  return { dts, dtb: encodeDtb(parsed.tree) };
}
