/** The few DOM helpers the page needs. Table contents are text: they always go in as textContent, never as HTML. */

type Child = Node | string | undefined | false;

export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: { class?: string; text?: string; title?: string; attrs?: Record<string, string> } = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (props.class) e.className = props.class;
  if (props.text !== undefined) e.textContent = props.text;
  if (props.title) e.title = props.title;
  for (const [k, v] of Object.entries(props.attrs ?? {})) e.setAttribute(k, v);
  for (const c of children) if (c !== undefined && c !== false) e.append(c);
  return e;
}

/** Saves text as a file (the browser's download), without any server. */
export function download(name: string, content: string, type: string): void {
  const url = URL.createObjectURL(new Blob([content], { type }));
  const a = el('a', { attrs: { href: url, download: name } });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export function button(text: string, onClick: () => void, props: { class?: string; title?: string; id?: string } = {}): HTMLButtonElement {
  const b = el('button', { text, class: props.class ?? '', ...(props.title ? { title: props.title } : {}), attrs: { type: 'button', ...(props.id ? { id: props.id } : {}) } });
  b.addEventListener('click', onClick);
  return b;
}

/** `12 345` bytes, `1.0 MB`. */
export function formatSize(n: number): string {
  return n < 10_000 ? `${n} bytes` : n < 1_000_000 ? `${(n / 1000).toFixed(1)} kB` : `${(n / 1_000_000).toFixed(1)} MB`;
}

export function formatMs(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
}
