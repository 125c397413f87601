/**
 * A set of RIDs in words a firmware engineer reads at a glance. With a
 * topology, a bridge whose own RID and whole bus range are in the set reads
 * `00:1c.0 and below (rp1)`, a single function `05:01.0 (nic0)`; what is
 * left (and everything without a topology) reads as BDF ranges or buses.
 */
import type { PciFunction, ResolvedTopology } from '../model/resolved.js';
import { formatBdf, rid, type Rid } from '../model/rid.js';
import { appendAll } from '../append.js';

type Range = [first: Rid, last: Rid];

const hex2 = (n: number) => n.toString(16).padStart(2, '0');

export function describeRids(segment: number, ranges: readonly (readonly [Rid, Rid])[], resolved?: ResolvedTopology): string {
  let left: Range[] = ranges.map(([f, l]) => [f, l]);
  const phrases: string[] = [];
  const visit = (f: PciFunction): void => {
    const below: Range | undefined = f.isBridge ? [rid(f.secondary!, 0), rid(f.subordinate!, 0xff)] : undefined;
    if (covers(left, [f.rid, f.rid]) && (!below || covers(left, below))) {
      phrases.push(`${formatBdf(f.rid)}${below ? ' and below' : ''} (${f.id})`);
      left = subtract(subtract(left, [f.rid, f.rid]), below ?? [f.rid, f.rid]);
      return;
    }
    f.children.forEach(visit);
  };
  for (const hb of resolved?.hostBridges ?? []) if (hb.segment === segment) hb.functions.forEach(visit);
  appendAll(phrases, left.map(plainRange));
  return phrases.join(', ');
}

function plainRange([first, last]: Range): string {
  if (first === last) return formatBdf(first);
  if (first === 0 && last === 0xffff) return 'every RID';
  if ((first & 0xff) === 0 && (last & 0xff) === 0xff) {
    const [a, b] = [first >> 8, last >> 8];
    return a === b ? `bus ${hex2(a)}` : `buses ${hex2(a)}-${hex2(b)}`;
  }
  return `${formatBdf(first)}-${formatBdf(last)}`;
}

function covers(set: readonly Range[], [f, l]: Range): boolean {
  let at = f;
  for (const [a, b] of set) {
    if (b < at) continue;
    if (a > at) return false;
    at = b + 1;
    if (at > l) return true;
  }
  return false;
}

function subtract(set: readonly Range[], [f, l]: Range): Range[] {
  return set.flatMap(([a, b]): Range[] => {
    if (b < f || a > l) return [[a, b]];
    const out: Range[] = [];
    if (a < f) out.push([a, f - 1]);
    if (b > l) out.push([l + 1, b]);
    return out;
  });
}
