// The bench's command line. Kept apart from run.mjs so that the options and
// their help are in one short place.
export const FIGURES = ['dmar-text', 'dmar-json', 'iort', 'dtb', 'dts', 'batch', 'startup', 'build-x86', 'build-arm', 'check-x86', 'check-arm', 'million-x86', 'million-arm'];
/** What a plain `npm run bench` measures: all but the million-endpoint figures (minutes each; CI's bench job runs them). */
export const DEFAULT_FIGURES = FIGURES.filter((f) => !f.startsWith('million'));

export const HELP = `usage: npm run bench -- [options]

  --runs N        timed runs per figure; each figure is their median (default 5, --quick 1).
                  A start-up sample is 20 processes in a row (GNU time counts 10 ms ticks);
                  10k-endpoint builds and checks take min(N, 3).
  --big-runs N    timed runs of each 100k-endpoint build (default 1; one takes about a minute)
  --only A[,B]    only these figures: ${FIGURES.join(', ')};
                  a prefix selects a group (dmar, build, check, million); default: all but million
  --quick         smaller inputs (10k DMAR scopes, 1k IORT mappings, 1k DT nodes, 100 tables,
                  1k/10k endpoints, 10k/100k for million): a smoke run of the bench itself
  --readme        put this run's figures and conditions in README.md, between its bench
                  markers, in place of the last run's
  --json FILE     also write every figure, with its samples, as JSON
  --profile DIR   after the figures, run each profiled ridmap process once under
                  node --cpu-prof, keep the .cpuprofile files in DIR and print
                  their top self-time frames
  --scratch DIR   where inputs and outputs go (default bench-out/); emptied first, so another
                  folder must be empty or one the bench made
  -h, --help      this text`;

export function parseArgs(argv) {
  const o = { runs: undefined, bigRuns: 1, only: DEFAULT_FIGURES, quick: false, json: undefined, profile: undefined, scratch: undefined, readme: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value`);
      return v;
    };
    if (a === '--runs') o.runs = positive(a, value());
    else if (a === '--big-runs') o.bigRuns = positive(a, value());
    else if (a === '--only') o.only = selectFigures(value());
    else if (a === '--quick') o.quick = true;
    else if (a === '--json') o.json = value();
    else if (a === '--profile') o.profile = value();
    else if (a === '--scratch') o.scratch = value();
    else if (a === '--readme') o.readme = true;
    else if (a === '-h' || a === '--help') o.help = true;
    else throw new Error(`unknown option ${a}`);
  }
  o.runs ??= o.quick ? 1 : 5;
  return o;
}

function positive(name, v) {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${name} takes a whole number >= 1, not ${v}`);
  return n;
}

function selectFigures(list) {
  const picked = new Set();
  for (const want of list.split(',').map((s) => s.trim()).filter(Boolean)) {
    const hits = FIGURES.filter((f) => f === want || f.startsWith(`${want}-`));
    if (hits.length === 0) throw new Error(`--only: no figure ${want} (${FIGURES.join(', ')})`);
    hits.forEach((h) => picked.add(h));
  }
  return FIGURES.filter((f) => picked.has(f));
}
