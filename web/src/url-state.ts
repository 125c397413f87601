/**
 * The view in the URL's hash, so that a link in a bug report opens what its
 * writer saw: `#example=q35-vtd-pci-bridge&tab=picture` (examples of
 * tables/ in A, `compare=` for B, the tab, `side=B`). The page writes it as
 * the user picks examples, tabs and sides (replacing the history entry: a
 * tab click is not a page to go back to), and reads it when opened or when
 * the hash is changed by hand. Files of one's own go in packed
 * (`file=NAME:DATA`, `comparefile=` for B; link-files.ts) when they fit.
 */
import type { LinkFile } from './link-files.js';

export interface ViewState {
  examples: string[];
  compare: string[];
  /** A's and B's own files, packed; a side holds examples or files, never both. */
  files: LinkFile[];
  compareFiles: LinkFile[];
  tab?: string;
  side?: 'A' | 'B';
}

/** Names may repeat the key or be comma-separated. */
const names = (params: URLSearchParams, key: string) => params.getAll(key).flatMap((v) => v.split(',')).map((v) => v.trim()).filter(Boolean);

export function parseHash(hash: string): ViewState {
  const params = new URLSearchParams(hash.replace(/^#/, ''));
  const tab = params.get('tab') ?? undefined;
  const side = params.get('side');
  return {
    examples: names(params, 'example'), compare: names(params, 'compare'),
    files: linkFiles(params, 'file'), compareFiles: linkFiles(params, 'comparefile'),
    ...(tab ? { tab } : {}), ...(side === 'A' || side === 'B' ? { side } : {}),
  };
}

/** `NAME:DATA`: the data (base64url) has no colon, so the last one ends the name. */
function linkFiles(params: URLSearchParams, key: string): LinkFile[] {
  return params.getAll(key).map((v) => {
    const colon = v.lastIndexOf(':');
    return colon < 0 ? { name: v, data: '' } : { name: v.slice(0, colon), data: v.slice(colon + 1) };
  });
}

/** The hash for a view, `''` for the empty page. Commas and slashes stay readable. */
export function formatHash(s: ViewState): string {
  const parts: string[] = [];
  const add = (key: string, value: string) => parts.push(`${key}=${encodeURIComponent(value).replace(/%2C/g, ',')}`);
  if (s.examples.length) add('example', s.examples.join(','));
  if (s.compare.length) add('compare', s.compare.join(','));
  for (const f of s.files) add('file', `${f.name}:${f.data}`);
  for (const f of s.compareFiles) add('comparefile', `${f.name}:${f.data}`);
  if (s.tab) add('tab', s.tab);
  if (s.side === 'B') add('side', 'B');
  return parts.length ? `#${parts.join('&')}` : '';
}
