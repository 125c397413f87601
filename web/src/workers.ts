/**
 * The page's two workers (worker.ts): a viewer and a checker, so that the
 * tables, map and picture show while the check (seconds on a 1 MB table)
 * still runs. A new run replaces a busy worker outright rather than waiting
 * for work nobody will look at.
 */
import type { NamedBytes } from '../../src/report/index.js';
import type { Reply, Request, Role, SideName } from './protocol.js';

const spawn = () => new Worker(new URL('./worker.ts', import.meta.url), { type: 'module' });

export class Workers {
  private run = 0;
  private readonly workers: Record<Role, Worker>;
  private readonly busy: Record<Role, boolean> = { view: false, check: false };

  constructor(private readonly onReply: (reply: Reply) => void) {
    this.workers = { view: this.start('view'), check: this.start('check') };
  }

  /** Starts a run over the sides' files; returns its number (replies carry it). */
  analyse(sides: Partial<Record<SideName, NamedBytes[]>>): number {
    const run = ++this.run;
    for (const role of ['view', 'check'] as const) {
      if (this.busy[role]) {
        this.workers[role].terminate();
        this.workers[role] = this.start(role);
      }
      this.busy[role] = true;
      this.send(role, { type: 'analyse', run, role, sides });
    }
    return run;
  }

  text(side: SideName, index: number, forDiff?: 'diff'): void {
    this.send('view', { type: 'text', run: this.run, side, index, ...(forDiff ? { for: forDiff } : {}) });
  }

  diff(hex: boolean): void {
    this.send('view', { type: 'diff', run: this.run, hex });
  }

  /** Decoded tables come from the viewer, findings from the checker (which keeps them all). */
  export(side: SideName, what: 'tables' | 'check'): void {
    this.send(what === 'tables' ? 'view' : 'check', { type: 'export', run: this.run, side, what });
  }

  private send(role: Role, req: Request): void {
    this.workers[role].postMessage(req);
  }

  private start(role: Role): Worker {
    const w = spawn();
    w.onmessage = (e: MessageEvent<Reply>) => {
      const reply = e.data;
      if (reply.run !== this.run) return;
      if (reply.type === 'done' || reply.type === 'failed') this.busy[role] = false;
      this.onReply(reply);
    };
    w.onerror = (e) => {
      this.busy[role] = false;
      this.onReply({ run: this.run, type: 'failed', role, message: e.message || 'the worker could not start' });
    };
    return w;
  }
}
