/**
 * The files a plan writes, as one set: guest.yaml (the guest topology, in
 * import qemu's YAML style), qemu.sh (the command line with the host
 * devices; absent when QEMU cannot build the guest), `build`'s outputs for
 * the guest topology, and plan.txt (the summary).
 */
import { DEFAULT_SCHEMA_REF } from '../import/qemu/import-qemu.js';
import { argvText } from '../import/qemu/export-qemu.js';
import { topologyYaml } from '../import/yaml-out.js';
import type { Plan } from './plan.js';

export interface PlanFile {
  name: string;
  data: string | Uint8Array;
  description: string;
}

/** Every name a plan may write (so that a new plan removes a previous one's file it does not write). */
export const PLAN_OWN_FILES = ['guest.yaml', 'qemu.sh', 'plan.txt'] as const;

export function planFiles(plan: Plan): PlanFile[] {
  if (!plan.topology) return [];
  const yaml = topologyYaml(plan.topology, {
    schemaRef: DEFAULT_SCHEMA_REF,
    importedBy: 'ridmap plan',
    from: plan.argv ?? [],
    header: plan.argv ? [] : ['--tables-only: QEMU does not build this guest (plan.txt says why); a VMM that builds several vIOMMUs can.'],
    comments: new Map(),
    origin: plan.argv ? 'Planned by `ridmap plan` for this QEMU command line:' : 'Planned by `ridmap plan`.',
  });
  const files: PlanFile[] = [{ name: 'guest.yaml', data: yaml, description: 'the guest topology' }];
  if (plan.argv) {
    // "$@" takes what the plan does not say: memory, CPUs, kernel, disks, -accel.
    const script = `#!/bin/sh\n# ridmap plan: the guest for the host devices (see plan.txt)\nexec ${argvText([...plan.argv, '"$@"']).replace(/'"\$@"'/, '"$@"')}`;
    files.push({ name: 'qemu.sh', data: script, description: 'the QEMU command line (vfio-pci,host= for each assigned device)' });
  }
  for (const o of plan.outputs ?? []) files.push({ name: o.name, data: o.data, description: o.description });
  files.push({ name: 'plan.txt', data: plan.summary, description: 'the plan: per host IOMMU, its devices and the vIOMMU and bus they get' });
  return files;
}
