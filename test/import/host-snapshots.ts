/**
 * HostSnapshots built in tests: a small Intel server as Linux would show it
 * (facts as config-space.ts reads them), for the topology builder and the
 * comparison with Linux before the sysfs reader's fixtures exist.
 */
import { hostSbdf, type HostPciFunction, type HostSnapshot } from '../../src/import/host/host-snapshot.js';

type Facts = Omit<HostPciFunction, 'segment' | 'bus' | 'device' | 'fn' | 'sbdf'>;

export function fn(segment: number, bus: number, device: number, f: number, facts: Facts): HostPciFunction {
  return { segment, bus, device, fn: f, sbdf: hostSbdf(segment, bus, device, f), pcieKnown: true, ...facts };
}

const ACS_ON = { sourceValidation: true, requestRedirect: true, completionRedirect: true, upstreamForwarding: true };
const INTEL = 0x8086;

/**
 * Segment 0, two root buses (00 and 80), each with its own VT-d unit in Linux's view:
 *   00:00.0 host bridge (no PCIe capability)       dmar1
 *   00:01.0 root port with ACS -> 01:00.0 NVMe     dmar1
 *   00:1c.0 PCH root port without ACS (quirk)      dmar1
 *        -> 02:00.0 / 02:00.1 I350 (no ACS, quirk) dmar1
 *   00:1f.0 LPC, 00:1f.3 SMBus (no PCIe cap)       dmar1, one group
 *   80:02.0 root port with ACS -> 81:00.0 NIC      dmar0
 */
export function intelServer(groups?: Partial<Record<string, string | null>>): HostSnapshot {
  const g = (sbdf: string, own: string) => (groups && sbdf in groups ? groups[sbdf]! : own);
  const d1 = (sbdf: string, group: string): Pick<HostPciFunction, 'iommu' | 'group'> => ({ iommu: 'dmar1', group: g(sbdf, group) });
  const functions: HostPciFunction[] = [
    fn(0, 0, 0, 0, { vendorId: INTEL, deviceId: 0x2020, classCode: 0x060000, headerType: 0, parent: null, ...d1('0000:00:00.0', '0') }),
    fn(0, 0, 1, 0, { vendorId: INTEL, deviceId: 0x2030, classCode: 0x060400, headerType: 1, secondaryBus: 1, subordinateBus: 1, pcieType: 'root-port', acs: ACS_ON, parent: null, ...d1('0000:00:01.0', '1') }),
    fn(0, 1, 0, 0, { vendorId: 0x144d, deviceId: 0xa808, classCode: 0x010802, headerType: 0, pcieType: 'endpoint', acs: null, parent: '0000:00:01.0', ...d1('0000:01:00.0', '2') }),
    fn(0, 0, 0x1c, 0, { vendorId: INTEL, deviceId: 0x8c10, classCode: 0x060400, headerType: 1, secondaryBus: 2, subordinateBus: 2, pcieType: 'root-port', acs: null, parent: null, ...d1('0000:00:1c.0', '3') }),
    fn(0, 2, 0, 0, { vendorId: INTEL, deviceId: 0x1521, classCode: 0x020000, headerType: 0, multifunction: true, pcieType: 'endpoint', acs: null, parent: '0000:00:1c.0', ...d1('0000:02:00.0', '4') }),
    fn(0, 2, 0, 1, { vendorId: INTEL, deviceId: 0x1521, classCode: 0x020000, headerType: 0, multifunction: true, pcieType: 'endpoint', acs: null, parent: '0000:00:1c.0', ...d1('0000:02:00.1', '5') }),
    fn(0, 0, 0x1f, 0, { vendorId: INTEL, deviceId: 0x8c54, classCode: 0x060100, headerType: 0, multifunction: true, parent: null, ...d1('0000:00:1f.0', '6') }),
    fn(0, 0, 0x1f, 3, { vendorId: INTEL, deviceId: 0x8c22, classCode: 0x0c0500, headerType: 0, multifunction: true, parent: null, ...d1('0000:00:1f.3', '6') }),
    fn(0, 0x80, 2, 0, { vendorId: INTEL, deviceId: 0x2032, classCode: 0x060400, headerType: 1, secondaryBus: 0x81, subordinateBus: 0x81, pcieType: 'root-port', acs: ACS_ON, parent: null, iommu: 'dmar0', group: g('0000:80:02.0', '7') }),
    fn(0, 0x81, 0, 0, { vendorId: 0x15b3, deviceId: 0x1017, classCode: 0x020000, headerType: 0, pcieType: 'endpoint', acs: null, parent: '0000:80:02.0', iommu: 'dmar0', group: g('0000:81:00.0', '8') }),
  ];
  return {
    source: 'intel-server.tar.gz',
    kernel: '6.12.0',
    cmdline: 'BOOT_IMAGE=/vmlinuz root=/dev/sda1 intel_iommu=on',
    privileged: true,
    functions,
    rootBuses: [{ segment: 0, bus: 0, acpiPath: '\\_SB_.PCI0' }, { segment: 0, bus: 0x80, acpiPath: '\\_SB_.PCI1' }],
    iommus: [{ name: 'dmar0', address: 0xfbffc000n }, { name: 'dmar1', address: 0xc7ffc000n }],
    tables: [],
    warnings: [],
  };
}
