// The batch figure: every small table decoded by one ridmap process
// (`ridmap decode f1 ... fN`), beside one iasl process over copies of the
// same files (`iasl -d f1 ... fN`: iasl takes many files per process).
import { basename, dirname, join } from 'node:path';
import { versus } from './measure.mjs';
import { iaslDecode } from './peers.mjs';
import { ridmapDecode } from './ridmap-cmd.mjs';

export const batchFigures = {
  batch: {
    needs: ['batch'],
    run(ctx) {
      const { inputs, scratch, peers } = ctx;
      const files = inputs.batch;
      // Plain names, run from their directory: the same argument list both tools get.
      const [ridmap, iasl] = versus(
        ridmapDecode(files.map((f) => basename(f)), { out: join(scratch, 'ridmap-batch.txt'), cwd: dirname(files[0]), tables: files.length }),
        peers.iasl && iaslDecode(peers.iasl, files, join(scratch, 'iasl-batch')),
        { runs: ctx.runs },
      );
      const kinds = countKinds(files);
      return {
        title: `batch: ${files.length} small tables (${kinds})`,
        ridmap, peer: { name: `iasl -d f1..f${files.length} (1 process)`, ...iasl },
      };
    },
  },
};

/** "450 DMAR, 350 IORT, ..." from the generated names (dmar-0007.dat). */
function countKinds(files) {
  const n = new Map();
  for (const f of files) {
    const k = basename(f).split('-')[0].toUpperCase();
    n.set(k, (n.get(k) ?? 0) + 1);
  }
  return [...n].map(([k, c]) => `${c} ${k}`).join(', ');
}
