// The encode figure: a DTS compiled to a DTB by the CLI (`ridmap encode
// board.dts -o board.dtb`), beside `dtc -I dts -O dtb` on the same source in
// the same run. Both write a file; a run counts only when its file is there.
import { existsSync, rmSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { mb } from './bench-decode.mjs';
import { againstPeers } from './measure.mjs';
import { dtcCompile, peerName } from './peers.mjs';
import { RIDMAP_BIN } from './paths.mjs';

function ridmapEncode(file, out) {
  return {
    cmd: process.execPath,
    args: [RIDMAP_BIN, 'encode', file, '-o', out],
    isNode: true,
    prepare: () => rmSync(out, { force: true }),
    verify: () => (existsSync(out) && statSync(out).size > 0 ? undefined : `ridmap wrote no ${basename(out)}`),
  };
}

export const encodeFigures = {
  dts: {
    needs: ['dtb'],
    run(ctx) {
      const { inputs, peers, scratch } = ctx;
      const title = `encode DTS ${mb(inputs.dts)} (${ctx.size.dtbNodes / 1000}k nodes) -> dtb`;
      const goal = { text: '<= 1.0 (x dtc)', max: 1.0 };
      const mine = ridmapEncode(inputs.dts, join(scratch, 'ridmap-board.dtb'));
      if (!peers.dtc) return { title, ridmap: againstPeers(mine, [], { runs: ctx.runs })[0], peer: { name: 'dtc', missing: true }, goal };
      const [ridmap, dtc] = againstPeers(mine, [dtcCompile(peers.dtc, inputs.dts, join(scratch, 'dtc-board.dtb'))], { runs: ctx.runs });
      return { title, ridmap, peer: { name: peerName('dtc', peers.dtc, '-I dts -O dtb'), ...dtc }, goal };
    },
  },
};
