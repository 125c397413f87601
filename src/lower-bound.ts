/**
 * Binary search over anything sorted: the first index in [0, count) for which
 * `isBelow` is false, given that it is true for a prefix and false after it
 * (count when it is true everywhere). Callers keep their data as it is and
 * say only what "below the key" means for one index.
 */
export function lowerBound(count: number, isBelow: (index: number) => boolean): number {
  let lo = 0;
  let hi = count;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (isBelow(mid)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
