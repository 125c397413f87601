/**
 * The kernel the VIOT judge tests boot: one with virtio-iommu (Debian 13's
 * 6.12; Debian 12's 6.1 has none). Taken from $RIDMAP_JUDGE_CACHE when that
 * kernel has the driver, else from .judge-cache/trixie, where
 * `scripts/judge-assets.sh .judge-cache/trixie --release trixie` puts it.
 * `missing` says why the tests skip.
 */
import { join } from 'node:path';
import { findJudgeAssets, type JudgeAssets } from '../../src/judge/assets.js';
import { missingQemu } from '../interop/qemu-env.js';
import { REPO_ROOT } from '../support/paths.js';
import { reportMissing } from './missing-prerequisite.js';

const candidates = [process.env['RIDMAP_JUDGE_CACHE'], join(REPO_ROOT, '.judge-cache', 'trixie')].filter((d): d is string => d !== undefined);
const found = candidates.map((dir) => ({ dir, assets: findJudgeAssets(dir) })).find((c) => c.assets?.config.has('VIRTIO_IOMMU'));

/** The cache directory (for `ridmap boot --assets`) and its assets. */
export const VIOT_KERNEL: { dir: string; assets: JudgeAssets } | undefined = found ? { dir: found.dir, assets: found.assets! } : undefined;

export const VIOT_KERNEL_MISSING: string | undefined = VIOT_KERNEL === undefined
  ? `no kernel with virtio-iommu in ${candidates.join(' or ')} (run scripts/judge-assets.sh .judge-cache/trixie --release trixie)`
  : missingQemu('x86');

/** Call once per VIOT test file: warns (or, in CI, fails) when the boots cannot run. */
export function reportMissingViotKernel(): void {
  reportMissing('VIOT judge', VIOT_KERNEL_MISSING, 'its kernel and QEMU');
}
