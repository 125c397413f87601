/**
 * The view in the URL's hash, so that a link in a bug report opens what its
 * writer saw: `#example=q35-vtd-pci-bridge&tab=picture` (examples of
 * tables/ in A, `compare=` for B, the tab, `side=B`). The page writes it as
 * the user picks examples, tabs and sides (replacing the history entry: a
 * tab click is not a page to go back to), and reads it when opened or when
 * the hash is changed by hand. Files of one's own have no name a link can
 * carry, so a view with any leaves the examples out of the hash.
 */

export interface ViewState {
  examples: string[];
  compare: string[];
  tab?: string;
  side?: 'A' | 'B';
}

/** Names may repeat the key or be comma-separated. */
const names = (params: URLSearchParams, key: string) => params.getAll(key).flatMap((v) => v.split(',')).map((v) => v.trim()).filter(Boolean);

export function parseHash(hash: string): ViewState {
  const params = new URLSearchParams(hash.replace(/^#/, ''));
  const tab = params.get('tab') ?? undefined;
  const side = params.get('side');
  return { examples: names(params, 'example'), compare: names(params, 'compare'), ...(tab ? { tab } : {}), ...(side === 'A' || side === 'B' ? { side } : {}) };
}

/** The hash for a view, `''` for the empty page. Commas and slashes stay readable. */
export function formatHash(s: ViewState): string {
  const parts: string[] = [];
  const add = (key: string, value: string) => parts.push(`${key}=${encodeURIComponent(value).replace(/%2C/g, ',')}`);
  if (s.examples.length) add('example', s.examples.join(','));
  if (s.compare.length) add('compare', s.compare.join(','));
  if (s.tab) add('tab', s.tab);
  if (s.side === 'B') add('side', 'B');
  return parts.length ? `#${parts.join('&')}` : '';
}
