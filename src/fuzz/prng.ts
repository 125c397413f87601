/**
 * A small seeded generator (mulberry32): fuzzing and property runs must
 * reproduce from their seed, so Math.random is never used.
 */
export interface Rng {
  /** Uniform in [0, 1). */
  (): number;
}

export function prng(seed: number): Rng {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** An integer in [0, n). */
export function below(rnd: Rng, n: number): number {
  return Math.floor(rnd() * n);
}

export function pick<T>(rnd: Rng, items: readonly T[]): T {
  return items[below(rnd, items.length)]!;
}
