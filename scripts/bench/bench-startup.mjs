// The start-up figure: decoding one small table as a whole process, beside
// `node -e 0` (Node's own start-up), so the ratio is what ridmap adds on top
// of Node. Short runs are noisy: this figure takes 4x the runs and 2 warm-ups.
import { statSync } from 'node:fs';
import { versus } from './measure.mjs';
import { ridmapDecode } from './ridmap-cmd.mjs';

export const startupFigures = {
  startup: {
    needs: ['small'],
    run(ctx) {
      const runs = Math.max(4 * ctx.runs, 5);
      const [ridmap, node] = versus(ridmapDecode([ctx.inputs.small]), { cmd: process.execPath, args: ['-e', '0'], isNode: true }, { runs, warmup: 2 });
      return {
        title: `start-up: decode one small DMAR (${statSync(ctx.inputs.small).size} bytes) > /dev/null`,
        ridmap, peer: { name: 'node -e 0', ...node }, goal: { text: '<= 1.2 (x node start-up)', max: 1.2 },
      };
    },
  },
};
