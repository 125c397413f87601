/**
 * Progress on stderr for work that takes longer than about a second (issue
 * 22: a 100k-endpoint build ran 11 s in silence): one line, rewritten in
 * place, only when stderr is a terminal a person watches (bin.ts: a TTY, no
 * CI variable); never when piped, never under `--format json`.
 *
 * The work is synchronous, so no timer can fire during it: the line changes
 * when the work reaches a step (a phase, a table, an output; never a check
 * or an item, so a run has tens of steps, a 1,000-table batch a thousand),
 * and costs a clock read there. It appears at the first step after
 * `afterMs` and is erased before anything else is written to stdout or
 * stderr. Every step past it is drawn: a step skipped to save a write would
 * leave the one before it on screen for as long as the skipped one runs.
 */
/** Steps are named by the code, but a file name in one can be long: the line must not wrap, or \r cannot rewrite it. */
const MAX_LINE = 78;

export class Progress {
  private readonly start = performance.now();
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
    const elapsed = performance.now() - this.start;
    if (elapsed < this.afterMs) return;
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
