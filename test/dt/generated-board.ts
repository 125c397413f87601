/** A large generated DTS, shaped like the benchmark board, for the DTS readers and `encode` tests. */

/** A board shaped like the benchmark's: SMMUs, PCI hosts with root ports and endpoints, platform devices. */
export function generatedBoard(devices: number): string {
  const out = ['/dts-v1/;', '', '/memreserve/ 0x80000000 0x1000;', '/ {', '\t#address-cells = <2>;', '\t#size-cells = <2>;', '\tinterrupt-parent = <&gic>;'];
  out.push('\tgic: interrupt-controller@8000000 {', '\t\tcompatible = "arm,gic-v3";', '\t\t#interrupt-cells = <3>;', '\t\tinterrupt-controller;');
  out.push('\t\tits: msi-controller@8080000 { msi-controller; #msi-cells = <1>; };', '\t};');
  for (let s = 0; s < 4; s++) {
    out.push(`\tsmmu${s}: iommu@${(0x9000000 + s * 0x20000).toString(16)} {`, '\t\tcompatible = "arm,smmu-v3";', `\t\treg = <0x0 0x${(0x9000000 + s * 0x20000).toString(16)} 0x0 0x20000>;`);
    out.push('\t\tinterrupt-names = "eventq", "priq";', '\t\tdma-coherent;', '\t\t#iommu-cells = <1>;', `\t\tmsi-parent = <&its 0x${s.toString(16)}>;`, '\t};');
    out.push(`\tpcie@${(0x40000000 + s * 0x1000000).toString(16)} {`, '\t\tdevice_type = "pci";', `\t\tiommu-map = <0x0 &smmu${s} 0x0 0x10000>;`, `\t\tmsi-map = <0x0 &its 0x${(s << 16).toString(16)} 0x10000>;`);
    for (let p = 0; p < devices / 8; p++) {
      out.push(`\t\tpci@${p + 1},0 {`, `\t\t\treg = <0x${((p + 1) << 11).toString(16)} 0x0 0x0 0x0 0x0>;`, `\t\t\tbus-range = <${p + 1} ${p + 1}>;`);
      out.push('\t\t\tethernet@0,0 {', '\t\t\t\tlocal-mac-address = [02 00 00 00 00 00];', '\t\t\t};', '\t\t};');
    }
    out.push('\t};');
  }
  out.push('\tsoc {', '\t\tranges;');
  for (let i = 0; i < devices; i++) {
    out.push(`\t\tdma@${(0x10000000 + i * 0x1000).toString(16)} {`, '\t\t\tcompatible = "arm,pl330", "arm,primecell";', `\t\t\tiommus = <&smmu${i % 4} 0x${i.toString(16)}>;`);
    out.push(`\t\t\tdata = /bits/ 16 <0x${i.toString(16)} 7>;`, '\t\t};');
  }
  out.push('\t};', '};', '');
  return out.join('\n');
}
