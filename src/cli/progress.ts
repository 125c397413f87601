/**
 * Progress on stderr for work that takes longer than about a second (issue
 * 22: a 100k-endpoint build ran 11 s in silence): one line, rewritten in
 * place, only when stderr is a terminal a person watches (bin.ts: a TTY, no
 * CI variable); never when piped, never under `--format json`.
 *
 * The work is synchronous, so no timer can fire during it: the line changes
 * when the work reaches a step (a phase, a table, an output, a check; never
 * an item), and costs a clock read there. It appears at the first step after
 * `afterMs`, is redrawn at most every REDRAW_MS, and is erased before
 * anything else is written to stdout or stderr.
 */
const REDRAW_MS = 100;
/** Steps are named by the code, but a file name in one can be long: the line must not wrap, or \r cannot rewrite it. */
const MAX_LINE = 78;

export class Progress {
  private readonly start = performance.now();
  private lastDraw = Number.NEGATIVE_INFINITY;
  private drawn = false;

  /** `afterMs` undefined: stderr is no terminal, and nothing is ever drawn. */
  constructor(
    private readonly write: (text: string) => void,
    private readonly command: string,
    private readonly afterMs: number | undefined,
  ) {}

  /** The work has reached `what`. */
  step(what: string): void {
    if (this.afterMs === undefined) return;
    const now = performance.now();
    const elapsed = now - this.start;
    if (elapsed < this.afterMs || now - this.lastDraw < REDRAW_MS) return;
    this.lastDraw = now;
    this.drawn = true;
    const line = `ridmap ${this.command}: ${what} (${(elapsed / 1000).toFixed(1)} s)`;
    this.write(`\r\x1b[K${line.length > MAX_LINE ? `${line.slice(0, MAX_LINE - 1)}…` : line}`);
  }

  /** Erases the line, if one is shown, so that what comes next starts at column 0. */
  clear(): void {
    if (!this.drawn) return;
    this.drawn = false;
    this.write('\r\x1b[K');
  }
}
