// The batch figure: every small table decoded by one ridmap process
// (`ridmap decode f1 ... fN`), beside one iasl process over copies of the
// same files (`iasl -d f1 ... fN`: iasl takes many files per process).
import { basename, dirname, join } from 'node:path';
import { versusIasl } from './bench-decode.mjs';
import { ridmapDecode } from './ridmap-cmd.mjs';

export const batchFigures = {
  batch: {
    needs: ['batch'],
    run(ctx) {
      const files = ctx.inputs.batch;
      return versusIasl(ctx, {
        key: 'batch',
        files,
        // Plain names, run from their directory: the same argument list both tools get.
        ridmap: ridmapDecode(files.map((f) => basename(f)), { out: join(ctx.scratch, 'ridmap-batch.txt'), cwd: dirname(files[0]), tables: files.length }),
        title: `batch: ${files.length} small tables (${countKinds(files)}), one process`,
        goal: { text: '<= 0.7 (x iasl)', max: 0.7 },
      });
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
