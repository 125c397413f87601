/**
 * The page: two input slots, the tabs that show what ridmap says about them,
 * and the wiring to the workers. Work happens in the workers; this thread
 * only renders what they send, part by part.
 */
import { formatDiagnostic, type Diagnostic, type Severity } from '../../src/diagnostic.js';
import type { CheckView, DiffView, MapView, TableView } from '../../src/report/index.js';
import { button, download, el, formatMs } from './dom.js';
import { DiffPane } from './diff-pane.js';
import { exampleChooser, exampleName, exampleNames, findExample } from './examples.js';
import { FindingsPane } from './findings.js';
import { InputSlot, type SlotFile } from './inputs.js';
import { introduction } from './intro.js';
import { LINK_DATA_LIMIT, LinkFileError, linkDataLength, packFile, unpackFile, type LinkFile } from './link-files.js';
import { MapPane } from './map-pane.js';
import { PicturePane } from './picture-pane.js';
import type { Reply, SideName } from './protocol.js';
import { TablePane } from './table-pane.js';
import { formatHash, parseHash, type ViewState } from './url-state.js';
import { Workers } from './workers.js';
import './style.css';

/** What the workers have sent about one side so far. */
interface SideResult {
  tables?: TableView[];
  diagnostics: Diagnostic[];
  loadMs?: number;
  map?: MapView;
  picture?: { svg?: string; note?: string; ms?: number };
  check?: { view: CheckView; total: Record<Severity, number>; ms: number };
}

const TABS = ['tables', 'findings', 'map', 'picture', 'diff'] as const;
type Tab = (typeof TABS)[number];

const results: Record<SideName, SideResult> = { A: { diagnostics: [] }, B: { diagnostics: [] } };
let shown: SideName = 'A';
let diff: DiffView | undefined;
let tab: Tab = 'tables';
/** The hash the page last wrote (or read): the view as a link (url-state.ts). */
let written = location.hash;
/** The link's view still being opened (its files unpacking), and the latest view being written. */
let applying: Promise<void> | undefined;
let hashGeneration = 0;
/** Workers finished with the current run: the page is settled (tests wait for it) when both are. */
const finished = new Set<string>();

const workers = new Workers(onReply);
const tablePane = new TablePane((index) => workers.text(shown, index));
const findingsPane = new FindingsPane(openFinding);
const mapPane = new MapPane();
const picturePane = new PicturePane(() => fileStem(shown));
const diffPane = new DiffPane((hex) => workers.diff(hex), (pair) => {
  for (const s of ['A', 'B'] as const) {
    const index = pairedTables(s).get(pair);
    if (index !== undefined) workers.text(s, index, 'diff');
  }
});
const panes: Record<Tab, HTMLElement> = { tables: tablePane.element, findings: findingsPane.element, map: mapPane.element, picture: picturePane.element, diff: diffPane.element };

const slots: Record<SideName, InputSlot> = {
  A: new InputSlot('A', 'Input', 'Drop raw tables (.dat, .dsl), acpidump text, DTB/DTS or a topology YAML here: several at once.', schedule,
    exampleChooser((name) => addExample(slots.A, name))),
  B: new InputSlot('B', 'Compare with (optional)', 'Drop a second set here to see the semantic diff of A and B.', schedule),
};

const intro = introduction();
const problems = el('section', { class: 'problems', attrs: { id: 'problems', hidden: '' } });
const status = el('p', { class: 'status', attrs: { id: 'status', 'aria-live': 'polite' } });
const sideToggle = el('div', { class: 'side-toggle', attrs: { role: 'group', 'aria-label': 'side shown' } });
const tabButtons = Object.fromEntries(TABS.map((t) => [t, button(t[0]!.toUpperCase() + t.slice(1), () => selectTab(t), { class: 'tab', id: `tab-${t}` })])) as Record<Tab, HTMLButtonElement>;
/** Each export is enabled once the part it saves has arrived. */
const exportButtons = {
  map: button('map.json', () => exportMap(), { title: 'the map JSON of `ridmap map --format json`', id: 'export-map' }),
  tables: button('tables.json', () => workers.export(shown, 'tables'), { title: 'the JSON of `ridmap decode --format json` (what `ridmap encode` reads back)', id: 'export-tables' }),
  check: button('check.json', () => workers.export(shown, 'check'), { title: 'findings and summary, as `ridmap check --format json`', id: 'export-check' }),
};
/** Copies the view's link (writeHash says in its title what the link carries). */
const linkButton = button('link', () => void navigator.clipboard?.writeText(location.href), { id: 'copy-link' });
const exports = el('div', { class: 'exports' }, exportButtons.map, exportButtons.tables, exportButtons.check, linkButton);
const results_ = el('section', { class: 'results', attrs: { hidden: '' } },
  el('nav', { class: 'tabs' }, sideToggle, ...TABS.map((t) => tabButtons[t]), el('span', { class: 'spacer' }), el('span', { class: 'label', text: 'Export' }), exports),
  el('div', { class: 'panes' }, ...TABS.map((t) => panes[t])));

document.body.append(
  el('header', { class: 'top' },
    el('h1', {}, 'ridmap', el('span', { class: 'tagline', text: ' which IOMMU translates which device: DMAR, IVRS, IORT, VIOT, RIMT and Device Tree, decoded and checked in your browser. Nothing is uploaded.' }))),
  el('section', { class: 'inputs' }, slots.A.element, slots.B.element),
  intro,
  status,
  problems,
  results_,
);
// A link's view first: writing the hash for the empty page would lose it.
applyHash();
window.addEventListener('hashchange', () => {
  // The page's own writes replace the history entry and fire nothing; this is a hash edited or a link followed.
  if (location.hash !== written) applyHash();
});
document.addEventListener('dragover', (e) => e.preventDefault());
document.addEventListener('drop', (e) => {
  // A drop outside both slots goes to A.
  e.preventDefault();
  void slots.A.addFiles([...(e.dataTransfer?.files ?? [])]);
});

let pending: number | undefined;
/** Inputs changed: a new run shortly (several files chosen at once are one run). */
function schedule(): void {
  clearTimeout(pending);
  pending = window.setTimeout(start, 50);
}

function start(): void {
  writeHash();
  results.A = { diagnostics: [] };
  results.B = { diagnostics: [] };
  diff = undefined;
  const sides = { A: slots.A.files, ...(slots.B.files.length ? { B: slots.B.files } : {}) };
  if (slots.A.files.length === 0 && slots.B.files.length === 0 && !slots.A.refused.length && !slots.B.refused.length) {
    results_.hidden = true;
    intro.hidden = false;
    status.textContent = '';
    tablePane.setTables([]);
    document.body.dataset['state'] = 'empty';
    renderProblems();
    return;
  }
  if (!slots.A.files.length && slots.B.files.length) shown = 'B';
  else if (shown === 'B' && !slots.B.files.length) shown = 'A';
  results_.hidden = false;
  intro.hidden = true;
  finished.clear();
  document.body.dataset['state'] = 'working';
  workers.analyse(sides);
  tablePane.setTables([]);
  findingsPane.waiting();
  picturePane.waiting();
  diffPane.show(undefined);
  renderChrome();
}

function onReply(reply: Reply): void {
  const r = 'side' in reply ? results[reply.side] : undefined;
  switch (reply.type) {
    case 'loaded':
      r!.tables = reply.tables;
      r!.diagnostics = reply.diagnostics;
      r!.loadMs = reply.ms;
      if (reply.side === shown) tablePane.setTables(reply.tables);
      if (results.A.tables && results.B.tables) diffPane.setPairs([...pairedTables('A').keys()].filter((k) => pairedTables('B').has(k)));
      break;
    case 'text':
      if (reply.for === 'diff') {
        const t = r!.tables?.find((x) => x.index === reply.index);
        diffPane.showFields(reply.side, `${reply.side}: ${t ? `${t.file} · ${t.name}` : ''}`, reply.indexed);
      } else if (reply.side === shown) {
        tablePane.showText(reply.index, reply.indexed, reply.ms);
      }
      break;
    case 'map':
      r!.map = reply.map;
      if (reply.side === shown) mapPane.show(reply.map);
      break;
    case 'picture':
      r!.picture = reply;
      if (reply.side === shown) picturePane.show(reply, r!.map?.dot);
      break;
    case 'check':
      r!.check = { view: reply.check, total: reply.total, ms: reply.ms };
      if (reply.side === shown) findingsPane.show(r!.check);
      break;
    case 'diff':
      diff = reply.diff;
      diffPane.show(diff);
      break;
    case 'export':
      download(`${fileStem(reply.side)}.${reply.what}.json`, reply.json, 'application/json');
      break;
    case 'failed':
      results[shown].diagnostics.push({ severity: 'error', code: 'internal-error', message: `ridmap failed (a bug: please report it with the input): ${reply.message}` });
      if (reply.role === 'check') findingsPane.failed();
      settle(reply.role);
      break;
    case 'done':
      settle(reply.role);
      break;
  }
  renderChrome();
}

function settle(role: string): void {
  finished.add(role);
  if (finished.size === 2) document.body.dataset['state'] = 'done';
}

/** Everything outside the panes: side toggle, tab counts, status, problems. */
function renderChrome(): void {
  const both = slots.A.files.length > 0 && slots.B.files.length > 0;
  sideToggle.replaceChildren(...(both ? (['A', 'B'] as const).map((s) => button(s, () => showSide(s), { class: s === shown ? 'current' : '', id: `side-${s}` })) : []));
  tabButtons.diff.hidden = !both;
  if (!both && tab === 'diff') selectTab('tables');
  exportButtons.map.disabled = !results[shown].map;
  exportButtons.tables.disabled = !results[shown].tables?.length;
  exportButtons.check.disabled = !results[shown].check;
  const total = results[shown].check?.total;
  tabButtons.findings.textContent = total ? `Findings (${total.error + total.warning + total.info})` : 'Findings…';
  tabButtons.findings.classList.toggle('has-errors', (total?.error ?? 0) > 0);
  status.textContent = (['A', 'B'] as const)
    .filter((s) => slots[s].files.length)
    .map((s) => {
      const x = results[s];
      const parts = [`${s}: ${slots[s].files.length} file${slots[s].files.length === 1 ? '' : 's'}`];
      parts.push(x.loadMs === undefined ? 'reading…' : `${x.tables?.length ?? 0} table${x.tables?.length === 1 ? '' : 's'}, read in ${formatMs(x.loadMs)}`);
      parts.push(x.check ? `checked in ${formatMs(x.check.ms)}` : 'checking…');
      return parts.join(' · ');
    })
    .join('   |   ');
  renderProblems();
}

function renderProblems(): void {
  const all = [...slots.A.refused, ...slots.B.refused, ...results.A.diagnostics, ...results.B.diagnostics];
  problems.hidden = all.length === 0;
  problems.replaceChildren(
    el('h2', { text: all.some((d) => d.severity === 'error') ? 'Could not read everything' : 'Notes on the input' }),
    el('ul', { class: 'diagnostics' }, ...all.map((d) => el('li', { class: d.severity, text: formatDiagnostic(d) }))),
  );
}

function selectTab(t: Tab): void {
  tab = t;
  for (const x of TABS) {
    panes[x].hidden = x !== t;
    tabButtons[x].classList.toggle('current', x === t);
  }
  writeHash();
}

/**
 * The view as a link: the inputs (examples by name, files of one's own packed
 * when they fit: link-files.ts), the tab, the side. Examples only are written at
 * once; packing is asynchronous, and a later view supersedes an earlier one
 * still packing.
 */
function writeHash(): void {
  if (applying) return;
  const generation = ++hashGeneration;
  const view = { ...(tab !== 'tables' ? { tab } : {}), side: shown };
  const a = slots.A.examples();
  const b = slots.B.examples();
  if (a && b) {
    setHash({ examples: a, compare: b, files: [], compareFiles: [], ...view }, 'examples');
    return;
  }
  void Promise.all([linkFilesOf(slots.A), linkFilesOf(slots.B)]).then(([files, compareFiles]) => {
    if (generation !== hashGeneration) return;
    const length = linkDataLength(files) + linkDataLength(compareFiles);
    if (length <= LINK_DATA_LIMIT) setHash({ examples: [], compare: [], files, compareFiles, ...view }, 'files', length);
    else setHash({ examples: [], compare: [], files: [], compareFiles: [], ...view }, 'too-big', length);
  });
}

/** Packed once per file: a tab click does not deflate the inputs again. */
const packed = new WeakMap<SlotFile, Promise<LinkFile>>();
function linkFilesOf(slot: InputSlot): Promise<LinkFile[]> {
  return Promise.all(slot.files.map((f) => {
    let p = packed.get(f);
    if (!p) packed.set(f, (p = packFile(f.name, f.bytes)));
    return p;
  }));
}

function setHash(state: ViewState, carries: 'examples' | 'files' | 'too-big', length = 0): void {
  const kb = (length / 1024).toFixed(1);
  linkButton.title = carries === 'too-big'
    ? `copy a link to this view: its tab and side only, since the inputs pack to ${kb} KB, over the ${LINK_DATA_LIMIT / 1024} KB a link carries`
    : carries === 'files' ? `copy a link to this view; it carries the inputs, packed in ${kb} KB` : 'copy a link to this view';
  linkButton.dataset['carries'] = carries;
  const hash = formatHash(state);
  if (hash === written) return;
  written = hash;
  history.replaceState(null, '', hash || location.pathname + location.search);
}

/** Opens the view a link names: its examples or files in A and B (anything there before goes), its tab and side. */
function applyHash(): void {
  const state = parseHash(location.hash);
  written = location.hash;
  if (state.side) shown = state.side;
  if (state.files.length || state.compareFiles.length) {
    slots.A.clear();
    slots.B.clear();
    // Until the files are unpacked, the half-filled page must not write its hash over the link's.
    const done = (applying = Promise.all([unpackInto(slots.A, state.files), unpackInto(slots.B, state.compareFiles)]).then(() => {
      if (applying !== done) return;
      applying = undefined;
      writeHash();
    }));
  } else if (state.examples.length || state.compare.length) {
    applying = undefined;
    slots.A.clear();
    slots.B.clear();
    for (const name of state.examples) addExample(slots.A, name);
    for (const name of state.compare) addExample(slots.B, name);
  }
  selectTab(TABS.find((x) => x === state.tab) ?? 'tables');
}

async function unpackInto(slot: InputSlot, files: LinkFile[]): Promise<void> {
  for (const f of files) {
    try {
      slot.addBytes(f.name, await unpackFile(f));
    } catch (e) {
      if (!(e instanceof LinkFileError)) throw e;
      slot.refuse({ severity: 'error', code: 'bad-link', file: f.name, message: `the link's file ${f.name} cannot be opened: ${e.message}` });
    }
  }
}

function addExample(slot: InputSlot, name: string): void {
  const example = findExample(name);
  if (example) slot.addText(example.file, example.text, exampleName(example.file));
  else slot.refuse({ severity: 'error', code: 'unknown-example', message: `the link names the example "${name}", which this page does not have; its examples are ${exampleNames().join(', ')}` });
}

/** Shows the other side's results in the tabs (the diff is of both). */
function showSide(s: SideName): void {
  shown = s;
  writeHash();
  const r = results[s];
  tablePane.setTables(r.tables ?? []);
  const first = r.tables?.find((t) => t.maps) ?? r.tables?.[0];
  if (first) tablePane.open(first.index);
  if (r.map) mapPane.show(r.map);
  if (r.picture) picturePane.show(r.picture, r.map?.dot);
  else picturePane.waiting();
  if (r.check) findingsPane.show(r.check);
  else findingsPane.waiting();
  renderChrome();
}

function openFinding(d: Diagnostic): void {
  const index = tablePane.tableFor(d.file, d.path);
  if (index === undefined) return;
  selectTab('tables');
  tablePane.open(index, d.offset);
}

/** A side's tables by the name the diff pairs them under: `DMAR`, or `SSDT[1]` for the second of a kind (diff-tables.ts). */
function pairedTables(side: SideName): Map<string, number> {
  const tables = results[side].tables ?? [];
  const count = new Map<string, number>();
  for (const t of tables) count.set(t.name, (count.get(t.name) ?? 0) + 1);
  const seen = new Map<string, number>();
  return new Map(tables.map((t) => {
    const k = seen.get(t.name) ?? 0;
    seen.set(t.name, k + 1);
    return [count.get(t.name)! > 1 ? `${t.name}[${k}]` : t.name, t.index] as const;
  }));
}

function fileStem(side: SideName): string {
  const first = slots[side].files[0]?.name ?? 'ridmap';
  return first.replace(/\.[^.]*$/, '') || 'ridmap';
}

function exportMap(): void {
  const map = results[shown].map;
  if (map) download(`${fileStem(shown)}.map.json`, JSON.stringify(map.json, null, 2) + '\n', 'application/json');
}
