/**
 * Reads what the judge's /init printed on the serial console (init-script.ts)
 * back into what Linux decided: per PCI device its IOMMU (sysfs name) and
 * group, each IOMMU's register base, the ACPI tables and Device Tree properties as Linux holds them, and
 * the kernel log lines about them. Pure: console text in, record out.
 */
import { hexToBytes } from '../codec/hexfmt.js';
import type { LinuxAnswer } from '../model/linux-verdict.js';
import { JUDGE_LINES, JUDGE_MARK } from './init-script.js';

export interface LinuxReport extends LinuxAnswer {
  /** Whether both the begin and the end marker were seen: a boot cut short gives a partial report. */
  complete: boolean;
  /** The bytes of /sys/firmware/acpi/tables/<SIG> (SSDT1... for repeats), or null when Linux has no such table. */
  tables: Map<string, Uint8Array | null>;
  /** The bytes of /proc/device-tree/<path>, by `/node/path/property`, or null when Linux's tree has no such property. */
  dtProperties: Map<string, Uint8Array | null>;
  dmesg: string[];
  /**
   * The archive of scripts/ridmap-snapshot.sh run in the guest (a boot asked
   * for it); null when the script failed or a line came back garbled.
   */
  snapshot?: Uint8Array | null;
}

export function parseJudgeConsole(console: string): LinuxReport {
  const report: LinuxReport = { complete: false, devices: [], iommus: [], tables: new Map(), dtProperties: new Map(), dmesg: [] };
  let begun = false;
  let snapshot: string[] | null | undefined;
  for (const raw of console.split(/\r?\n/)) {
    // Terminal escapes or kernel output may precede the marker on the same line.
    const at = raw.indexOf(`${JUDGE_MARK} `);
    if (at < 0) continue;
    const line = raw.slice(at + JUDGE_MARK.length + 1).replace(/\r$/, '');
    const space = line.indexOf(' ');
    const kind = space < 0 ? line : line.slice(0, space);
    const rest = space < 0 ? '' : line.slice(space + 1);
    if (kind === JUDGE_LINES.begin) begun = true;
    if (!begun) continue;
    const words = rest.split(' ');
    switch (kind) {
      case JUDGE_LINES.device:
        report.devices.push({ sbdf: words[0] ?? '', iommu: dash(words[1]), group: dash(words[2]), driver: dash(words[3]) });
        break;
      case JUDGE_LINES.iommu: {
        const address = dash(words[1])?.replace(/^0x/i, '');
        report.iommus.push({
          name: words[0] ?? '', address: address && /^[0-9a-f]+$/i.test(address) ? BigInt(`0x${address}`) : null, pciFunction: dash(words[2]),
        });
        break;
      }
      case JUDGE_LINES.table: {
        // A garbled dump reads as an absent table, which the caller reports as not ridmap's.
        const hex = dash(words[1]);
        report.tables.set(words[0] ?? '', hex === null ? null : hexToBytes(hex) ?? null);
        break;
      }
      case JUDGE_LINES.dtProperty: {
        const hex = dash(words[1]);
        // `x` then the bytes (none for an empty property); a garbled dump reads as absent.
        report.dtProperties.set(words[0] ?? '', hex?.startsWith('x') ? hexToBytes(hex.slice(1)) ?? null : null);
        break;
      }
      case JUDGE_LINES.snapshot:
        // Once failed or garbled, it stays so: a hole in the base64 cannot be mended.
        if (snapshot === null) break;
        snapshot ??= [];
        if (/^[A-Za-z0-9+/]+={0,2}$/.test(rest)) snapshot.push(rest);
        else snapshot = null;
        break;
      case JUDGE_LINES.dmesg:
        report.dmesg.push(rest);
        break;
      case JUDGE_LINES.end:
        report.complete = true;
        if (snapshot !== undefined) report.snapshot = snapshot === null ? null : Uint8Array.from(Buffer.from(snapshot.join(''), 'base64'));
        return report;
    }
  }
  return report;
}

function dash(word: string | undefined): string | null {
  return word === undefined || word === '' || word === '-' ? null : word;
}
