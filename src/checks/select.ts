/**
 * Which checks `check` lists, as dtc's `-W`/`-E` choose its checks: every
 * check by default; `--enable ID` (repeatable, or a comma list) lists only
 * the enabled ones; `--disable ID` leaves one out. An id no check has is a
 * usage error naming the ids near it, never a selection that silently
 * matches nothing.
 */
import { InputError } from '../diagnostic.js';
import { suggestion } from '../model/validate/did-you-mean.js';
import type { Check } from './check.js';

export interface CheckSelection {
  enable?: readonly string[];
  disable?: readonly string[];
}

/** Whether a check's findings are listed; throws InputError (usage) for an unknown id. */
export function selectChecks(selection: CheckSelection, checks: readonly Check[]): (id: string) => boolean {
  const ids = checks.map((c) => c.id);
  const known = new Set(ids);
  const unknown = [...(selection.enable ?? []), ...(selection.disable ?? [])].filter((id) => !known.has(id));
  if (unknown.length) {
    throw new InputError(unknown.map((id) => ({ severity: 'error', code: 'usage', message: `no check has the id "${id}"${suggestion(id, ids)}; ${near(id, ids)}` })));
  }
  const enabled = selection.enable?.length ? new Set(selection.enable) : undefined;
  const disabled = new Set(selection.disable ?? []);
  return (id) => (!enabled || enabled.has(id)) && !disabled.has(id);
}

/** The ids of the unknown id's family (`iort-...`), or every id when it has none. */
function near(id: string, ids: readonly string[]): string {
  const family = id.split('-')[0]!;
  const same = ids.filter((x) => x.split('-')[0] === family);
  return same.length ? `the ${family}-... checks are ${same.join(', ')}` : `the checks are ${ids.join(', ')} (ridmap check --help)`;
}
