// Decode figures: one large table decoded by one ridmap process, beside the
// peer decoding the same file in the same run. ridmap writes its output
// where the peer does: a file for iasl (which writes NAME.dsl), /dev/null
// for dtc (run with -o /dev/null). The goals are issue 21's, against
// current ACPICA's iasl; Debian's older iasl gets a row of its own.
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { againstPeers } from './measure.mjs';
import { dtcDecode, iaslDecode, peerName } from './peers.mjs';
import { ridmapDecode } from './ridmap-cmd.mjs';

/** A file's size as the issue states sizes (1 MB DMAR). */
export const mb = (file) => {
  const n = statSync(file).size;
  return n >= 1e6 ? `${(n / 1e6).toFixed(1)} MB` : `${Math.round(n / 1e3)} kB`;
};

/**
 * ridmap's decode of `files` beside `iasl -d` of the same files: a row
 * against the goals' iasl (current ACPICA) and one against Debian's.
 */
export function versusIasl(ctx, { key, files, ridmap, title, goal }) {
  const { scratch, peers } = ctx;
  const named = [peers.iasl, peers.iaslDebian].filter(Boolean);
  const specs = named.map((p, i) => iaslDecode(p, files, join(scratch, `iasl-${key}-${i}`)));
  const [mine, ...theirs] = againstPeers(ridmap, specs, { runs: ctx.runs });
  if (named.length === 0) return { title, ridmap: mine, peer: { name: 'iasl -d', missing: true }, goal };
  return named.map((p, i) => ({
    title: i === 0 ? title : `  same, beside Debian's iasl`,
    ridmap: mine,
    peer: { name: peerName('iasl', p, files.length > 1 ? `-d f1..f${files.length}` : '-d'), ...theirs[i] },
    goal: i === 0 ? goal : undefined,
  }));
}

function dmar(ctx, format, goal) {
  const { inputs, scratch } = ctx;
  return versusIasl(ctx, {
    key: `dmar-${format}`,
    files: [inputs.dmar],
    ridmap: ridmapDecode([inputs.dmar], { format, out: join(scratch, `ridmap-dmar.${format === 'json' ? 'json' : 'txt'}`) }),
    title: `decode DMAR ${mb(inputs.dmar)} (${ctx.size.dmarScopes / 1000}k 2-hop scopes) -> ${format}`,
    goal,
  });
}

export const decodeFigures = {
  'dmar-text': { needs: ['dmar'], run: (ctx) => dmar(ctx, 'text', { text: '<= 0.5 (x iasl)', max: 0.5 }) },
  'dmar-json': { needs: ['dmar'], run: (ctx) => dmar(ctx, 'json', { text: '<= 0.7 (x iasl text)', max: 0.7 }) },
  iort: {
    needs: ['iort'],
    run(ctx) {
      const { inputs, scratch } = ctx;
      return versusIasl(ctx, {
        key: 'iort',
        files: [inputs.iort],
        ridmap: ridmapDecode([inputs.iort], { out: join(scratch, 'ridmap-iort.txt') }),
        title: `decode IORT ${mb(inputs.iort)} (${ctx.size.iortMappings / 1000}k ID mappings) -> text`,
      });
    },
  },
  dtb: {
    needs: ['dtb'],
    run(ctx) {
      const { inputs, peers } = ctx;
      const title = `decode DTB ${mb(inputs.dtb)} (${ctx.size.dtbNodes / 1000}k nodes) -> dts`;
      const goal = { text: '<= 0.7 (x dtc)', max: 0.7 };
      if (!peers.dtc) return { title, ridmap: againstPeers(ridmapDecode([inputs.dtb]), [], { runs: ctx.runs })[0], peer: { name: 'dtc', missing: true }, goal };
      const [ridmap, dtc] = againstPeers(ridmapDecode([inputs.dtb]), [dtcDecode(peers.dtc, inputs.dtb)], { runs: ctx.runs });
      return { title, ridmap, peer: { name: peerName('dtc', peers.dtc, '-I dtb -O dts'), ...dtc }, goal };
    },
  },
};
