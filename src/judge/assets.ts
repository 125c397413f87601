/**
 * What a judge boot needs from outside the project: a Debian kernel, the
 * modules /init loads (in the order they must be loaded) and a static busybox,
 * as scripts/judge-assets.sh leaves them in `<cache>/<arch>`. Reads files only.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The guest architectures the judge boots. */
export type JudgeArch = 'amd64' | 'arm64' | 'riscv64';

/** How the kernel has a driver: built in (`y`), as a module (`m`) or not at all (absent). */
export type KernelConfig = ReadonlyMap<string, 'y' | 'm'>;

export interface JudgeAssets {
  arch: JudgeArch;
  kernelVersion: string;
  vmlinuz: string;
  busybox: string;
  /** Plain-ELF modules, each after the ones it depends on; /init loads them in this order. */
  modules: readonly string[];
  /** The kernel's CONFIG_ lines the judge cares about (empty when unknown, e.g. a user's --kernel). */
  config: KernelConfig;
}

/** The assets in a cache directory written by scripts/judge-assets.sh, or undefined when it is incomplete. */
export function findJudgeAssets(cacheDir: string, arch: JudgeArch = 'amd64'): JudgeAssets | undefined {
  const dir = join(cacheDir, arch);
  const file = (name: string) => join(dir, name);
  if (!['vmlinuz', 'busybox', 'kernel-version', 'modules.order'].every((n) => existsSync(file(n)))) return undefined;
  const order = readFileSync(file('modules.order'), 'utf8').split('\n').map((l) => l.trim()).filter((l) => l !== '');
  return {
    arch,
    kernelVersion: readFileSync(file('kernel-version'), 'utf8').trim(),
    vmlinuz: file('vmlinuz'),
    busybox: file('busybox'),
    modules: order.map((m) => join(dir, 'modules', m)),
    config: existsSync(file('config.txt')) ? parseKernelConfig(readFileSync(file('config.txt'), 'utf8')) : new Map(),
  };
}

/** `CONFIG_X=y` / `CONFIG_X=m` lines; `# CONFIG_X is not set` and anything else mean absent. */
export function parseKernelConfig(text: string): KernelConfig {
  const out = new Map<string, 'y' | 'm'>();
  for (const line of text.split('\n')) {
    const m = /^CONFIG_(\w+)=([ym])\s*$/.exec(line);
    if (m) out.set(m[1]!, m[2] as 'y' | 'm');
  }
  return out;
}
