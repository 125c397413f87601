// The figures as a plain table for people and as JSON for machines. A row
// holds ridmap's figure, the peer's (or why there is none), the ratio
// ridmap/peer (or, for scale figures, big/small), the goal and whether it is met.

/**
 * Ratio and verdict of a row, from its figures. Goals are judged on CPU time
 * (user + system), which a busy machine disturbs far less than the wall
 * clock (issue 21 states its goals so); wall time is shown beside. A goal is
 * a ratio (`max`: ridmap/peer, or big/small) and may add absolute bounds
 * (`maxCpuMs`, `maxRssMb`) on ridmap's own figure.
 */
export function finish(row) {
  const r = row.ridmap;
  const p = row.peer;
  if (row.ratio === undefined && r?.wallMs && p?.wallMs) {
    row.ratio = r.wallMs / p.wallMs;
    row.ratioOf = 'ridmap/peer time';
  }
  if (row.cpuRatio === undefined && r?.cpuMs && p?.cpuMs) row.cpuRatio = r.cpuMs / p.cpuMs;
  if (row.goal) row.met = meets(row);
  return row;
}

/** true / false, or undefined when a figure the goal needs is missing. */
function meets({ goal, ridmap: r, cpuRatio }) {
  const verdicts = [];
  if (goal.max !== undefined) verdicts.push(cpuRatio === undefined ? undefined : goal.strict ? cpuRatio < goal.max : cpuRatio <= goal.max);
  if (goal.maxCpuMs !== undefined) verdicts.push(r?.cpuMs == null ? undefined : r.cpuMs <= goal.maxCpuMs);
  if (goal.maxRssMb !== undefined) verdicts.push(r?.rssKb == null ? undefined : r.rssKb / 1024 <= goal.maxRssMb);
  if (verdicts.includes(false)) return false;
  return verdicts.includes(undefined) ? undefined : true;
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

/**
 * The README's performance table: one line per figure with a goal or a
 * peer, as Markdown, from the same rows the console table shows.
 */
export function markdownTable(rows) {
  const out = ['| figure | ridmap (CPU, wall, RSS) | peer (CPU, wall) | CPU ratio | goal | met |', '|---|---|---|---|---|---|'];
  for (const row of rows) {
    const r = row.ridmap ?? {};
    const p = row.peer;
    const mine = row.note ? 'not run' : r.error ? 'failed' : `${time(r.cpuMs)}, ${time(r.wallMs)}, ${rss(r.rssKb)}`;
    const peer = !p ? '' : p.missing ? `${p.name}: missing` : p.error ? `${p.name}: failed` : `${p.name}: ${time(p.cpuMs)}, ${time(p.wallMs)}`;
    const ratio = row.cpuRatio === undefined ? '' : `${row.cpuRatio.toFixed(2)}x${row.ratioOf && row.ratioOf !== 'ridmap/peer time' ? ` (${row.ratioOf.replace(' time', '')})` : ''}`;
    const met = row.met === undefined ? (row.goal ? '?' : '') : row.met ? 'yes' : '**no**';
    out.push(`| ${row.title} | ${mine} | ${peer} | ${ratio} | ${row.goal?.text ?? ''} | ${met} |`);
  }
  return out.join('\n');
}

export function toJson(meta, rows) {
  return JSON.stringify({ meta, figures: rows }, null, 2) + '\n';
}
