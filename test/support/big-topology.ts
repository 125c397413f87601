/**
 * Topologies large enough that a map form of them spans several 64 KiB
 * pieces (map/text-pieces.ts), for the tests of forms written a piece at a time.
 */

/**
 * 16 PCIe-to-PCI bridges of 224 conventional functions behind one SMMUv3:
 * ~3,600 devices, ~300 KB of map text. Linux refuses all but the first
 * function behind each bridge (they share a StreamID), so the map has
 * refusals and no board DT can be built. `its`: an ITS gives the map an MSI
 * side, and a platform device an MMIO entry.
 */
export function conventionalTopology({ its = false }: { its?: boolean } = {}): string {
  const children = Array.from({ length: 16 }, (_, p) => ({
    id: `rp${p}`,
    type: 'pcie-root-port',
    addr: `${(1 + (p >> 3)).toString(16).padStart(2, '0')}.${p & 7}`,
    acs: true,
    children: [{
      id: `ppb${p}`,
      type: 'pcie-pci-bridge',
      addr: '00.0',
      children: Array.from({ length: 224 }, (_, k) => ({ id: `ep${p}x${k}`, type: 'pci-endpoint', addr: `${(k >> 3).toString(16).padStart(2, '0')}.${k & 7}` })),
    }],
  }));
  if (!its) {
    return JSON.stringify({
      name: 'map-text-pieces',
      iommus: [{ id: 'smmu0', type: 'smmuv3', base: '0x9050000' }],
      hostBridges: [{ id: 'pcie.0', iommu: 'smmu0', children }],
    });
  }
  return withIts(children);
}

/** One SMMUv3 with an ITS over `children` on pcie.0, and a platform device behind the SMMU. */
function withIts(children: unknown[]): string {
  return JSON.stringify({
    name: 'map-pieces',
    msiControllers: [{ id: 'its0', type: 'its', itsIds: [0], base: '0x8080000' }],
    iommus: [{ id: 'smmu0', type: 'smmuv3', base: '0x9050000', msiController: 'its0' }],
    hostBridges: [{ id: 'pcie.0', iommu: 'smmu0', msiController: 'its0', children }],
    platformDevices: [{ id: 'eth0', base: '0x9000000', size: '0x10000', acpiPath: '\\_SB_.ETH0', compatible: 'snps,dwmac', iommu: 'smmu0', streamIds: [0x10000] }],
  });
}

/**
 * An SMMUv3 and an ITS over 240 root ports, each with an 8-function endpoint
 * (2,160 devices), and a platform device: every output `build` makes can be built.
 */
export function buildableArmTopology(): string {
  const children = Array.from({ length: 240 }, (_, p) => ({
    id: `rp${p}`,
    type: 'pcie-root-port',
    addr: `${(1 + (p >> 3)).toString(16).padStart(2, '0')}.${p & 7}`,
    acs: true,
    children: Array.from({ length: 8 }, (_, f) => ({ id: `ep${p}f${f}`, type: 'pcie-endpoint', addr: `00.${f}` })),
  }));
  return withIts(children);
}
