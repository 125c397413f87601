/**
 * The page's worker: all of ridmap's work happens here, in library code from
 * src/ (the report module, the same functions the CLI commands call), so the
 * page stays responsive while a 1 MB table decodes. The page runs two: a
 * viewer (tables, map, picture, diff) and a checker (check, the slow part).
 */
import { Graphviz } from '@hpcc-js/wasm-graphviz';
import grammarUrl from 'tree-sitter-devicetree/tree-sitter-devicetree.wasm?url';
import treeSitterUrl from 'web-tree-sitter/tree-sitter.wasm?url';
import type { Severity } from '../../src/diagnostic.js';
import { configureDtsParser } from '../../src/dt/ts-parser.js';
import { checkSide, decodedJson, diffSides, loadSide, mapView, tableText, tableViews, type CheckView, type NamedBytes, type Side } from '../../src/report/index.js';
import { indexText } from './line-index.js';
import { SHOWN_FINDINGS, type Reply, type Request, type Role, type SideName } from './protocol.js';

// The wasm files are assets of the build (Vite gives their URLs); the library would look in node_modules.
configureDtsParser({ locateFile: () => treeSitterUrl, grammar: grammarUrl });

let graphviz: Promise<Graphviz> | undefined;
const sides = new Map<SideName, { side: Side; files: NamedBytes[]; check?: CheckView }>();

const post = (reply: Reply, transfer: Transferable[] = []) => (self as unknown as Worker).postMessage(reply, transfer);

async function analyse(run: number, role: Role, given: Partial<Record<SideName, NamedBytes[]>>): Promise<void> {
  sides.clear();
  for (const name of ['A', 'B'] as const) {
    const files = given[name];
    if (!files?.length) continue;
    const t0 = performance.now();
    const side = await loadSide(files);
    sides.set(name, { side, files });
    if (role === 'check') continue;
    const tables = tableViews(side);
    post({ run, type: 'loaded', side: name, tables, diagnostics: side.diagnostics, ms: performance.now() - t0 });
    // The first table that says something about IOMMUs is what the page opens with.
    const first = tables.find((t) => t.maps) ?? tables[0];
    if (first) sendText(run, name, first.index);
    const map = mapView(side);
    post({ run, type: 'map', side: name, map });
    await draw(run, name, map.dot, map.pictureNote);
  }
  if (role === 'check') {
    for (const [name, loaded] of sides) {
      const t0 = performance.now();
      const check = (loaded.check = checkSide(loaded.side));
      const total: Record<Severity, number> = { error: 0, warning: 0, info: 0 };
      for (const f of check.findings) total[f.severity]++;
      post({ run, type: 'check', side: name, check: { ...check, findings: check.findings.slice(0, SHOWN_FINDINGS) }, total, ms: performance.now() - t0 });
    }
  } else if (sides.size === 2) {
    sendDiff(run, false);
  }
}

function sendText(run: number, side: SideName, index: number, forDiff?: 'diff'): void {
  const loaded = sides.get(side);
  if (!loaded) return;
  const t0 = performance.now();
  const indexed = indexText(tableText(loaded.side, index));
  const transfer = [indexed.bytes.buffer, indexed.starts.buffer, indexed.fieldOffset.buffer, indexed.fieldLength.buffer];
  post({ run, type: 'text', side, index, indexed, ms: performance.now() - t0, ...(forDiff ? { for: forDiff } : {}) }, transfer);
}

function sendDiff(run: number, hex: boolean): void {
  const a = sides.get('A');
  const b = sides.get('B');
  if (!a || !b) return;
  const label = (files: NamedBytes[]) => files.map((f) => f.name).join(', ');
  post({ run, type: 'diff', hex, diff: diffSides(a.side, b.side, { a: label(a.files), b: label(b.files) }, { hex }) });
}

async function draw(run: number, side: SideName, dot: string | undefined, note: string | undefined): Promise<void> {
  if (!dot) {
    post({ run, type: 'picture', side, ...(note ? { note } : {}) });
    return;
  }
  const t0 = performance.now();
  graphviz ??= Graphviz.load();
  const svg = (await graphviz).dot(dot);
  post({ run, type: 'picture', side, svg, ms: performance.now() - t0 });
}

async function handle(req: Request): Promise<void> {
  switch (req.type) {
    case 'analyse':
      await analyse(req.run, req.role, req.sides);
      post({ run: req.run, type: 'done', role: req.role });
      return;
    case 'text':
      return sendText(req.run, req.side, req.index, req.for);
    case 'diff':
      return sendDiff(req.run, req.hex);
    case 'export': {
      const loaded = sides.get(req.side);
      if (!loaded) return;
      // The viewer has the tables, the checker the findings: the page asks the one that has them.
      const json = req.what === 'tables' ? decodedJson(loaded.side) : loaded.check && `${JSON.stringify({ findings: loaded.check.findings, summary: loaded.check.summary }, null, 2)}\n`;
      if (json !== undefined) post({ run: req.run, type: 'export', side: req.side, what: req.what, json });
      return;
    }
  }
}

// Requests are handled one at a time, in order: a text asked for during an analysis comes after it.
let queue = Promise.resolve();
let role: Role = 'view';
self.onmessage = (event: MessageEvent<Request>) => {
  const req = event.data;
  if (req.type === 'analyse') role = req.role;
  queue = queue.then(() =>
    handle(req).catch((e: unknown) => {
      post({ run: req.run, type: 'failed', role, message: e instanceof Error ? (e.stack ?? e.message) : String(e) });
    }),
  );
};
