/**
 * `lspci -t` (`-tv`, `-tvnn`): the bus tree, read for each function's
 * parent and each bridge's bus range.
 *
 * lspci (ls-tree.c) prints a tree by walking it depth first into one line
 * buffer: a function is `dd.f`; a bridge adds `-[ss-uu]-` (or `-[ss]-`) and
 * its bus; a bus with one function continues the line with `--`, a bus with
 * several starts each with `+-` (the last with `\-`), one per line, at the
 * same column; the host and a bridge holding several buses list them as
 * `+-[dddd:bb]-`. When a line is printed, the buffer up to its end is kept
 * with every `+` and `|` turned into `|` and all else into blanks, so a
 * continuation line is blanks and bars up to the column of the bus it
 * belongs to. That column is all that ties a line to its bus: this reader
 * keeps the open buses on an explicit stack by column (no recursion, so
 * the input cannot choose the depth of a call stack) and walks each line
 * left to right once.
 */
import { hostSbdf } from '../host/host-snapshot.js';
import { LspciCode, lspciError, trailingIds } from './lspci-text.js';

export interface TreeFunction {
  segment: number;
  bus: number;
  device: number;
  fn: number;
  sbdf: string;
  /** The bridge above, or null on a root bus; absent for the top bridge of a filtered tree (`lspci -t -s`), whose parent lspci does not print. */
  parent?: string | null;
  secondaryBus?: number;
  subordinateBus?: number;
  vendorId?: number;
  deviceId?: number;
  /** 1-based line the function was printed on. */
  line: number;
}

export interface TreeRootBus {
  segment: number;
  bus: number;
}

/** A bus whose functions (or, for `buses`, whose sub-buses) hang at `column`. */
interface OpenBus {
  column: number;
  kind: 'functions' | 'buses';
  segment: number;
  bus: number;
  /** The bridge the bus is behind; null for the host. */
  bridge: string | null;
  /** `\-` was seen: no more branches at this column. */
  closed: boolean;
}

/** What comes next on a line as it is walked. */
type Step =
  | { at: 'function'; pos: number; segment: number; bus: number; bridge: string | null | undefined }
  | { at: 'bridge'; pos: number; segment: number; bus: number; bridge: string | null }
  | { at: 'bus'; pos: number; segment: number; bus: number; bridge: string | null }
  | { at: 'busToken'; pos: number; segment: number; bridge: string | null };

/** The start of a filtered tree's line: `dddd:bb:` then a bridge `dd.f-[`. */
const FILTERED = /^([0-9a-fA-F]{4,8}):([0-9a-fA-F]{2}):(?=[0-9a-fA-F]{2}\.[0-7]-\[)/;

export class TreeReader {
  readonly functions: TreeFunction[] = [];
  readonly rootBuses: TreeRootBus[] = [];
  private stack: OpenBus[] = [];

  constructor(private readonly source: string) {}

  /** Whether `line` opens a tree: lspci starts one with `-[dddd:bb]-` or `-+-[dddd:bb]-` in column 0. */
  static starts(line: string): boolean {
    return /^-(?:\+-)?\[[0-9a-fA-F]{4,8}:[0-9a-fA-F]{2}\]-/.test(line) || FILTERED.test(line);
  }

  /** Whether `line` continues a tree: blanks and bars, then a branch `+-` or `\-`. */
  static continues(line: string): boolean {
    return /^[ |]*[+\\]-/.test(line);
  }

  /** Starts a new tree at `line` (its first line). */
  begin(line: string, n: number): void {
    this.stack = [];
    const filtered = FILTERED.exec(line);
    if (filtered) {
      // `lspci -t -s SLOT` (pciutils 3.10 on) starts each matching bridge's subtree with its domain and bus.
      const segment = parseInt(filtered[1]!, 16);
      const bus = parseInt(filtered[2]!, 16);
      this.walk(line, n, { at: 'function', pos: filtered[0].length, segment, bus, bridge: undefined });
      return;
    }
    this.walk(line, n, { at: 'bridge', pos: 0, segment: 0, bus: 0, bridge: null });
  }

  /** A continuation line: find the open bus its branch column belongs to, then walk on. */
  continue(line: string, n: number): void {
    let i = 0;
    while (line[i] === ' ' || line[i] === '|') i++;
    while (this.stack.length && this.stack[this.stack.length - 1]!.column > i) this.stack.pop();
    const open = this.stack[this.stack.length - 1];
    if (!open || open.column !== i || open.closed) {
      lspciError(this.source, n, LspciCode.badTree, `a tree branch in column ${i + 1} that no bus above it opened (is a line of the tree missing or re-indented?)`);
    }
    if (line[i] === '\\') open.closed = true;
    if (open.kind === 'buses') this.walk(line, n, { at: 'busToken', pos: i + 2, segment: open.segment, bridge: open.bridge });
    else this.walk(line, n, { at: 'function', pos: i + 2, segment: open.segment, bus: open.bus, bridge: open.bridge });
  }

  private walk(line: string, n: number, first: Step): void {
    const bad = (pos: number, what: string): never =>
      lspciError(this.source, n, LspciCode.badTree, `column ${pos + 1}: expected ${what} (lspci -t prints \`dd.f\`, \`-[ss-uu]-\`, \`[dddd:bb]\`, \`+-\`, \`\\-\` and \`--\`)`);
    let step: Step | undefined = first;
    while (step) {
      const pos: number = step.pos;
      switch (step.at) {
        case 'function': {
          const m = /^([0-9a-fA-F]{2})\.([0-7])/.exec(line.slice(pos, pos + 4));
          if (!m) return bad(pos, 'a function `dd.f`');
          const device = parseInt(m[1]!, 16);
          if (device > 0x1f) return bad(pos, 'a device number up to 1f');
          const fn = Number(m[2]);
          const sbdf = hostSbdf(step.segment, step.bus, device, fn);
          const f: TreeFunction = { segment: step.segment, bus: step.bus, device, fn, sbdf, line: n };
          if (step.bridge !== undefined) f.parent = step.bridge;
          this.functions.push(f);
          let at: number = pos + 4;
          if (line.startsWith('-[', at)) {
            const r = /^-\[([0-9a-fA-F]{2})(?:-([0-9a-fA-F]{2}))?\]-/.exec(line.slice(at, at + 10));
            if (!r) return bad(at, 'a bus range `-[ss-uu]-`');
            f.secondaryBus = parseInt(r[1]!, 16);
            f.subordinateBus = r[2] ? parseInt(r[2], 16) : f.secondaryBus;
            at += r[0].length;
            step = { at: 'bridge', pos: at, segment: step.segment, bus: f.secondaryBus, bridge: sbdf };
            break;
          }
          // An endpoint: the line ends, or goes on with two blanks and its name (-v), `[vvvv:dddd]` with -nn.
          if (at < line.length && !line.startsWith('  ', at)) return bad(at, 'the end of the line or two blanks and a name');
          const ids = trailingIds(line.slice(at));
          if (ids) Object.assign(f, ids);
          step = undefined;
          break;
        }
        case 'bridge': {
          // The `-` a bridge (or the host) opens its buses with.
          if (line[pos] !== '-') return bad(pos, '`-`');
          const next = line.slice(pos + 1, pos + 3);
          if ((next === '+-' || next === '\\-') && line[pos + 3] === '[') {
            this.stack.push({ column: pos + 1, kind: 'buses', segment: step.segment, bus: step.bus, bridge: step.bridge, closed: next === '\\-' });
            step = { at: 'busToken', pos: pos + 3, segment: step.segment, bridge: step.bridge };
          } else if (step.bridge === null) {
            step = { at: 'busToken', pos: pos + 1, segment: step.segment, bridge: null };
          } else {
            step = { at: 'bus', pos: pos + 1, segment: step.segment, bus: step.bus, bridge: step.bridge };
          }
          break;
        }
        case 'busToken': {
          const m = /^\[([0-9a-fA-F]{4,8}):([0-9a-fA-F]{2})\]-/.exec(line.slice(pos, pos + 14));
          if (!m) return bad(pos, 'a bus `[dddd:bb]-`');
          const segment = parseInt(m[1]!, 16);
          const bus = parseInt(m[2]!, 16);
          if (step.bridge === null) this.rootBuses.push({ segment, bus });
          step = { at: 'bus', pos: pos + m[0].length, segment, bus, bridge: step.bridge };
          break;
        }
        case 'bus': {
          if (pos >= line.length) {
            step = undefined; // a bus with no function on it
          } else if (line.startsWith('--', pos)) {
            step = { at: 'function', pos: pos + 2, segment: step.segment, bus: step.bus, bridge: step.bridge };
          } else if (line.startsWith('+-', pos) || line.startsWith('\\-', pos)) {
            this.stack.push({ column: pos, kind: 'functions', segment: step.segment, bus: step.bus, bridge: step.bridge, closed: line[pos] === '\\' });
            step = { at: 'function', pos: pos + 2, segment: step.segment, bus: step.bus, bridge: step.bridge };
          } else {
            return bad(pos, '`--`, `+-`, `\\-` or the end of the line');
          }
          break;
        }
      }
    }
  }
}
