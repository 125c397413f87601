/**
 * Structure paths (`DMAR/DRHD[1]/DeviceScope[0]`) built lazily: decoding a
 * large table makes one small node per structure and formats a string only
 * when a diagnostic needs it.
 */
export interface PathNode {
  readonly parent: PathNode | undefined;
  readonly seg: string;
  readonly index: number;
}

export function rootPath(seg: string): PathNode {
  return { parent: undefined, seg, index: -1 };
}

export function childPath(parent: PathNode, seg: string, index = -1): PathNode {
  return { parent, seg, index };
}

export function pathString(p: PathNode, fieldKey?: string): string {
  const parts: string[] = [];
  for (let n: PathNode | undefined = p; n; n = n.parent) parts.push(n.index >= 0 ? `${n.seg}[${n.index}]` : n.seg);
  const s = parts.reverse().join('/');
  return fieldKey ? `${s}.${fieldKey}` : s;
}

/** Counts items per name so that paths read `DRHD[1]` for the second DRHD. */
export class IndexCounter {
  private readonly counts = new Map<string, number>();
  next(name: string): number {
    const n = this.counts.get(name) ?? 0;
    this.counts.set(name, n + 1);
    return n;
  }
}
