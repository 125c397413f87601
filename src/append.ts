/**
 * Appends a list to another one element at a time. `target.push(...items)`
 * passes each element as an argument, and a list the input sizes (findings
 * per device, lines per device, host bridges) overflows the stack at about
 * 120,000 elements in Node (fewer in a browser worker): issue 21.
 */
export function appendAll<T>(target: T[], items: Iterable<T>): T[] {
  for (const item of items) target.push(item);
  return target;
}

/** The smallest of `values` and `start` (Math.min(...values) would spread them as arguments). */
export function minOf(values: Iterable<number>, start = Infinity): number {
  let min = start;
  for (const v of values) if (v < min) min = v;
  return min;
}

/** The largest of `values` and `start` (Math.max(...values) would spread them as arguments). */
export function maxOf(values: Iterable<number>, start = -Infinity): number {
  let max = start;
  for (const v of values) if (v > max) max = v;
  return max;
}
