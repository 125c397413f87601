/**
 * A paintable RID → (IOMMU, output ID) table, one 64 Ki-entry plane per PCI
 * segment. Resolvers paint ranges in precedence order (later paint wins) and
 * read the result back as normalized translations. Shared by the topology's
 * own assignment and every table resolver, so that they describe the same
 * RIDs the same way.
 */
import type { Rid } from './rid.js';
import { normalizeTranslations, type Translation } from './translation-map.js';

const UNTRANSLATED = -1;
const RIDS_PER_SEGMENT = 0x10000;

interface Plane {
  unit: Int32Array;
  output: Float64Array;
}

export class RidTable {
  private readonly planes = new Map<number, Plane>();
  /** IOMMU identities, indexed by the numbers stored in the planes. */
  private readonly identities: string[] = [];
  private readonly indexOf = new Map<string, number>();

  private plane(segment: number): Plane {
    let p = this.planes.get(segment);
    if (!p) {
      p = { unit: new Int32Array(RIDS_PER_SEGMENT).fill(UNTRANSLATED), output: new Float64Array(RIDS_PER_SEGMENT) };
      this.planes.set(segment, p);
    }
    return p;
  }

  private unitIndex(identity: string): number {
    let i = this.indexOf.get(identity);
    if (i === undefined) {
      i = this.identities.push(identity) - 1;
      this.indexOf.set(identity, i);
    }
    return i;
  }

  /** RID r goes to `identity` with `output`; null makes it untranslated. */
  set(segment: number, r: Rid, identity: string | null, output = 0): void {
    const p = this.plane(segment);
    p.unit[r] = identity === null ? UNTRANSLATED : this.unitIndex(identity);
    p.output[r] = output;
  }

  /** RIDs first..last go to `identity`, output `outputBase + (r - first)` (identity when outputBase is undefined). */
  setRange(segment: number, first: Rid, last: Rid, identity: string | null, outputBase?: number): void {
    const p = this.plane(segment);
    const unit = identity === null ? UNTRANSLATED : this.unitIndex(identity);
    const base = outputBase ?? first;
    p.unit.fill(unit, first, last + 1);
    for (let r = first; r <= last; r++) p.output[r] = base + (r - first);
  }

  /** Identity of the IOMMU that RID r goes to, or null. */
  at(segment: number, r: Rid): string | null {
    const u = this.planes.get(segment)?.unit[r] ?? UNTRANSLATED;
    return u === UNTRANSLATED ? null : this.identities[u]!;
  }

  /** Runs of RIDs with one IOMMU and consecutive output IDs, normalized. */
  translations(source: string): Translation[] {
    const out: Translation[] = [];
    for (const [segment, { unit, output }] of this.planes) {
      let run: Translation | undefined;
      let runUnit = UNTRANSLATED;
      for (let r = 0; r < RIDS_PER_SEGMENT; r++) {
        const u = unit[r]!;
        if (u === UNTRANSLATED) {
          run = undefined;
          continue;
        }
        if (run && runUnit === u && run.outputBase + (r - run.first) === output[r]) {
          run.last = r;
        } else {
          run = { segment, first: r, last: r, iommu: this.identities[u]!, outputBase: output[r]!, source };
          runUnit = u;
          out.push(run);
        }
      }
    }
    return normalizeTranslations(out);
  }
}
