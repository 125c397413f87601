/**
 * Captures for the suite: each command line captured once per run into a
 * fresh directory (nothing is cached across runs), at most `limit` QEMUs at
 * a time so that TCG guests do not starve each other on a small machine.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { captureQemu, type CaptureManifest } from '../../scripts/qemu-capture/capture.mjs';
import { QEMU_BINARY, type Arch } from './qemu-env.js';

export interface Captured {
  dir: string;
  manifest: CaptureManifest;
}

export class CapturePool {
  private readonly root = mkdtempSync(join(tmpdir(), 'ridmap-interop-'));
  private running = 0;
  private readonly queue: (() => void)[] = [];
  private readonly started = new Map<string, Promise<Captured>>();

  constructor(private readonly limit: number) {}

  /** The capture of one command line, started now or already under way. */
  capture(name: string, arch: Arch, argv: readonly string[]): Promise<Captured> {
    let p = this.started.get(name);
    if (!p) {
      p = this.slot(async () => {
        const dir = join(this.root, name);
        mkdirSync(dir);
        return { dir, manifest: await captureQemu([QEMU_BINARY[arch], ...argv], dir) };
      });
      // A failure is reported by the test that awaits it, not as an unhandled rejection.
      p.catch(() => {});
      this.started.set(name, p);
    }
    return p;
  }

  private async slot<T>(task: () => Promise<T>): Promise<T> {
    if (this.running >= this.limit) await new Promise<void>((go) => this.queue.push(go));
    this.running++;
    try {
      return await task();
    } finally {
      this.running--;
      this.queue.shift()?.();
    }
  }

  dispose(): void {
    rmSync(this.root, { recursive: true, force: true });
  }
}
