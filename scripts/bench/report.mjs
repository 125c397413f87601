// The figures as a plain table for people and as JSON for machines. A row
// holds ridmap's figure, the peer's (or why there is none), the ratio
// ridmap/peer (or, for builds, big/small), the goal and whether it is met.

/** Ratio and verdict of a row, from its figures. */
export function finish(row) {
  const r = row.ridmap;
  const p = row.peer;
  if (row.ratio === undefined && r?.wallMs && p?.wallMs) {
    row.ratio = r.wallMs / p.wallMs;
    row.ratioOf = 'ridmap/peer time';
  }
  // CPU time is less disturbed by a busy machine; shown beside, the goal stays on wall time.
  if (row.cpuRatio === undefined && r?.cpuMs && p?.cpuMs) row.cpuRatio = r.cpuMs / p.cpuMs;
  if (row.goal && row.ratio !== undefined) row.met = row.goal.strict ? row.ratio < row.goal.max : row.ratio <= row.goal.max;
  return row;
}

// GNU time counts CPU in 10 ms ticks: 0 means less than one tick.
const time = (ms) => (ms == null ? '-' : ms === 0 ? '<10 ms' : ms < 1000 ? `${ms.toFixed(ms < 100 ? 1 : 0)} ms` : `${(ms / 1000).toFixed(2)} s`);
const rss = (kb) => (kb == null ? '-' : `${Math.round(kb / 1024)} MB`);

function cells(row) {
  const r = row.ridmap ?? {};
  const p = row.peer;
  let [peerTime, peerCpu, peerRss] = ['', '', ''];
  if (p?.missing) peerTime = 'peer missing';
  else if (p?.error) peerTime = 'peer failed';
  else if (p) [peerTime, peerCpu, peerRss] = [time(p.wallMs), time(p.cpuMs), rss(p.rssKb)];
  const quiet = row.note || r.error;
  const verdict = row.met === undefined ? (row.goal ? '?' : '') : row.met ? 'yes' : 'NO';
  return [
    row.title,
    quiet ? '' : String(r.runs ?? ''),
    row.note ? 'not run' : r.error ? 'FAILED' : time(r.wallMs),
    quiet ? '' : time(r.cpuMs),
    quiet ? '' : rss(r.rssKb),
    p?.name ?? '',
    peerTime,
    peerCpu,
    peerRss,
    row.ratio === undefined ? '' : `${row.ratio.toFixed(2)}x`,
    row.cpuRatio === undefined ? '' : `${row.cpuRatio.toFixed(2)}x`,
    row.goal?.text ?? '',
    verdict,
  ];
}

const HEAD = ['figure', 'n', 'ridmap', 'cpu', 'RSS', 'peer', 'peer time', 'peer cpu', 'peer RSS', 'ratio', 'cpu ratio', 'goal', 'met'];

export function formatTable(rows) {
  const table = [HEAD, ...rows.map(cells)];
  const widths = HEAD.map((_, i) => Math.max(...table.map((c) => c[i].length)));
  const line = (c) => c.map((v, i) => v.padEnd(widths[i])).join('  ').trimEnd();
  const out = [line(table[0]), line(widths.map((w) => '-'.repeat(w))), ...table.slice(1).map(line)];
  // What did not produce a figure, said in full under the table.
  for (const row of rows) {
    if (row.note) out.push(`  ${row.title}: ${row.note}`);
    if (row.ridmap?.error) out.push(`  ${row.title}: ridmap failed: ${row.ridmap.error}`);
    if (row.peer?.error) out.push(`  ${row.title}: ${row.peer.name} failed: ${row.peer.error}`);
    if (row.ratioOf && row.ratioOf !== 'ridmap/peer time') {
      out.push(`  ${row.title}: ratio is ${row.ratioOf}${row.rssRatio ? `; peak RSS ratio ${row.rssRatio.toFixed(2)}x` : ''}`);
    }
  }
  return out.join('\n');
}

export function toJson(meta, rows) {
  return JSON.stringify({ meta, figures: rows }, null, 2) + '\n';
}
