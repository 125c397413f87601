/**
 * Which host functions a plan hands over, and whether VFIO can take them:
 * the `--assign` list read against the host, then the rules a host imposes
 * before any guest is drawn (each a named finding with the device and why).
 *
 * - plan-assign-bridge: a bridge or port: vfio-pci binds endpoints only
 *   (Linux's vfio_pci_probe refuses a header type other than 0).
 * - plan-no-iommu-group: the function has no IOMMU group on the host (no
 *   IOMMU translates it), so VFIO has nothing to open (/dev/vfio/GROUP).
 * - plan-group-split-iommu: the group's functions sit behind different host
 *   IOMMUs (a host topology can say so; Linux never forms such a group):
 *   a group goes to one vIOMMU and one address space.
 * - plan-group-incomplete: its group holds endpoints not assigned. VFIO
 *   makes a group viable only when every endpoint in it is bound to
 *   vfio-pci (or no driver); bridges and ports in the group do not count.
 */
import { InputError, type Diagnostic } from '../diagnostic.js';
import { hostSbdf, parseHostSbdf } from '../import/host/host-snapshot.js';
import type { PlanHost, PlanHostFunction } from './plan-host.js';

export interface Assignment {
  /** The assigned endpoints, in host sbdf order, each once. */
  functions: PlanHostFunction[];
  findings: Diagnostic[];
}

/** `--assign` words and `--assign-file` lines (one BDF a line, `#` comments) → sbdfs; a malformed one is bad input. */
export function parseAssignList(words: readonly { text: string; where: string }[]): string[] {
  const bad: Diagnostic[] = [];
  const out: string[] = [];
  for (const { text, where } of words) {
    const p = parseHostSbdf(text);
    if (!p) bad.push({ severity: 'error', code: 'plan-usage', path: where, message: `"${text}" is not a PCI address (ssss:bb:dd.f or bb:dd.f)` });
    else out.push(hostSbdf(p.segment, p.bus, p.device, p.fn));
  }
  if (bad.length > 0) throw new InputError(bad);
  return out;
}

/** The words of an --assign-file's text: one BDF a line, `#` to the end of a line a comment, blank lines skipped. */
export function assignFileWords(text: string, file: string): { text: string; where: string }[] {
  return text.split(/\r?\n/).flatMap((line, i) => {
    const word = line.replace(/#.*/, '').trim();
    return word ? [{ text: word, where: `${file}:${i + 1}` }] : [];
  });
}

export function checkAssignment(host: PlanHost, sbdfs: readonly string[]): Assignment {
  const bySbdf = new Map(host.functions.map((f) => [f.sbdf, f]));
  const unknown = sbdfs.filter((s) => !bySbdf.has(s));
  if (unknown.length > 0) {
    throw new InputError(unknown.map((s) => ({ severity: 'error', code: 'plan-usage', path: '--assign', message: `${s}: the host ${host.source} has no such PCI function` })));
  }
  const wanted = new Set(sbdfs);
  const functions = host.functions.filter((f) => wanted.has(f.sbdf));
  const findings: Diagnostic[] = [];
  const finding = (code: string, f: PlanHostFunction, message: string) =>
    findings.push({ severity: 'error', code, path: `--assign ${f.sbdf}`, message });
  for (const f of functions) {
    if (f.bridge) finding('plan-assign-bridge', f, `${f.sbdf} is a bridge or port: vfio-pci binds endpoints only, the host keeps its bridges`);
    else if (f.group === undefined) finding('plan-no-iommu-group', f, `${host.source} does not say ${f.sbdf}'s IOMMU group (lspci text does not show groups): plan from a \`ridmap snapshot\` of the host`);
    else if (f.group === null || f.iommu === null) finding('plan-no-iommu-group', f, `${f.sbdf} has no IOMMU group on the host (no IOMMU translates it), so VFIO cannot hand it over`);
  }
  // Each group once, at its first assigned member.
  const seen = new Set<string>();
  for (const f of functions) {
    if (f.bridge || f.group === null || f.group === undefined || seen.has(f.group)) continue;
    seen.add(f.group);
    const split = functions.filter((o) => o.group === f.group && o.iommu !== f.iommu);
    if (split.length > 0) {
      finding('plan-group-split-iommu', f, `IOMMU group ${f.group} spans host IOMMUs ${[f.iommu, ...new Set(split.map((o) => o.iommu))].join(', ')}: ` +
        'one group must go to one vIOMMU and one address space, which no guest with a vIOMMU per host IOMMU gives');
    }
    const left = host.functions.filter((o) => o.group === f.group && !o.bridge && !wanted.has(o.sbdf));
    if (left.length > 0) {
      const members = host.functions.filter((o) => o.group === f.group && !o.bridge).map((o) => o.sbdf);
      finding(
        'plan-group-incomplete',
        f,
        `IOMMU group ${f.group} (${members.join(', ')}) is not assigned whole: ${left.map((o) => o.sbdf).join(', ')} ` +
          `${left.length === 1 ? 'is' : 'are'} left out. VFIO opens a group only when every endpoint in it is bound to vfio-pci; ` +
          `assign ${left.length === 1 ? 'it' : 'them'} too (bridges and ports of the group do not count)`,
      );
    }
  }
  return { functions: functions.filter((f) => !f.bridge && f.group !== null && f.group !== undefined && f.iommu !== null), findings };
}
