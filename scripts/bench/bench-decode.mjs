// Decode figures: one large table decoded by one ridmap process, beside the
// peer decoding the same file in the same run. ridmap writes its output
// where the peer does: a file for iasl (which writes NAME.dsl), /dev/null
// for dtc (run with -o /dev/null).
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { versus } from './measure.mjs';
import { dtcDecode, iaslDecode } from './peers.mjs';
import { ridmapDecode } from './ridmap-cmd.mjs';

/** A file's size as the issue states sizes (1 MB DMAR). */
const mb = (file) => {
  const n = statSync(file).size;
  return n >= 1e6 ? `${(n / 1e6).toFixed(1)} MB` : `${Math.round(n / 1e3)} kB`;
};

function dmar(ctx, format) {
  const { inputs, scratch, peers } = ctx;
  const [ridmap, iasl] = versus(
    ridmapDecode([inputs.dmar], { format, out: join(scratch, `ridmap-dmar.${format === 'json' ? 'json' : 'txt'}`) }),
    peers.iasl && iaslDecode(peers.iasl, [inputs.dmar], join(scratch, 'iasl-dmar')),
    { runs: ctx.runs },
  );
  return {
    title: `decode DMAR ${mb(inputs.dmar)} (${ctx.size.dmarScopes / 1000}k 2-hop scopes) -> ${format}`,
    ridmap, peer: { name: 'iasl -d', ...iasl }, goal: { text: '< 1 (faster than iasl)', max: 1, strict: true },
  };
}

export const decodeFigures = {
  'dmar-text': { needs: ['dmar'], run: (ctx) => dmar(ctx, 'text') },
  'dmar-json': { needs: ['dmar'], run: (ctx) => dmar(ctx, 'json') },
  iort: {
    needs: ['iort'],
    run(ctx) {
      const { inputs, scratch, peers } = ctx;
      const [ridmap, iasl] = versus(
        ridmapDecode([inputs.iort], { out: join(scratch, 'ridmap-iort.txt') }),
        peers.iasl && iaslDecode(peers.iasl, [inputs.iort], join(scratch, 'iasl-iort')),
        { runs: ctx.runs },
      );
      return { title: `decode IORT ${mb(inputs.iort)} (${ctx.size.iortMappings / 1000}k ID mappings) -> text`, ridmap, peer: { name: 'iasl -d', ...iasl } };
    },
  },
  dtb: {
    needs: ['dtb'],
    run(ctx) {
      const { inputs, peers } = ctx;
      const [ridmap, dtc] = versus(ridmapDecode([inputs.dtb]), peers.dtc && dtcDecode(peers.dtc, inputs.dtb), { runs: ctx.runs });
      return { title: `decode DTB ${mb(inputs.dtb)} (${ctx.size.dtbNodes / 1000}k nodes) -> dts`, ridmap, peer: { name: 'dtc -I dtb -O dts', ...dtc } };
    },
  },
};
