// The start-up figure: decoding one small table as a whole process, beside
// `node -e 0` (Node's own start-up), so the ratio is what ridmap adds on top
// of Node. GNU time counts CPU in 10 ms ticks, a sixth of a start, so one
// sample is LOOP processes run back to back by one shell (its own cost,
// a fork per process, is in both sides) and the figure is per process.
import { statSync } from 'node:fs';
import { versus } from './measure.mjs';
import { ridmapDecode } from './ridmap-cmd.mjs';

const LOOP = 20;

/** `spec` run LOOP times in a row by one `sh` (stopping at the first failure). */
function looped(spec) {
  const script = `i=0; while [ $i -lt ${LOOP} ]; do "$0" "$@" > /dev/null || exit 1; i=$((i + 1)); done`;
  return { ...spec, cmd: '/bin/sh', args: ['-c', script, spec.cmd, ...spec.args], isNode: false };
}

/** A looped figure per process (RSS is already the largest single process's). */
const perProcess = (f) => (f.error || f.missing ? f : { ...f, wallMs: f.wallMs / LOOP, cpuMs: f.cpuMs == null ? null : f.cpuMs / LOOP, samplesMs: f.samplesMs.map((s) => Math.round((s / LOOP) * 10) / 10) });

export const startupFigures = {
  startup: {
    needs: ['small'],
    run(ctx) {
      const runs = Math.max(ctx.runs, 3);
      const [ridmap, node] = versus(looped(ridmapDecode([ctx.inputs.small])), looped({ cmd: process.execPath, args: ['-e', '0'] }), { runs, warmup: 1 }).map(perProcess);
      return {
        title: `start-up: decode one small DMAR (${statSync(ctx.inputs.small).size} bytes) > /dev/null, per process (${LOOP} in a row)`,
        ridmap, peer: { name: 'node -e 0', ...node }, goal: { text: '<= 1.2 (x node start-up)', max: 1.2 },
      };
    },
  },
};
