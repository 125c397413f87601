/**
 * The example topologies of tables/ (what users copy from), bundled into the
 * page so that someone without a table at hand can see what it does, and so
 * that a link can name one (url-state.ts).
 */
import { el } from './dom.js';

const EXAMPLES = new Map(Object.entries(import.meta.glob<string>('../../tables/*.yaml', { query: '?raw', import: 'default', eager: true }))
  .map(([path, text]) => [path.split('/').pop()!, text] as const));

/** Names as links give them: the file name without `.yaml`. */
export const exampleName = (file: string) => file.replace(/\.yaml$/, '');

/** An example by its name (with or without `.yaml`): its file name and text. */
export function findExample(name: string): { file: string; text: string } | undefined {
  const file = name.endsWith('.yaml') ? name : `${name}.yaml`;
  const text = EXAMPLES.get(file);
  return text === undefined ? undefined : { file, text };
}

export function exampleNames(): string[] {
  return [...EXAMPLES.keys()].sort().map(exampleName);
}

export function exampleChooser(use: (name: string) => void): HTMLSelectElement {
  const select = el('select', { attrs: { id: 'examples', 'aria-label': 'example topologies' } },
    el('option', { text: 'Try an example…', attrs: { value: '' } }),
    ...exampleNames().map((name) => el('option', { text: `${name}.yaml`, attrs: { value: name } })));
  select.addEventListener('change', () => {
    if (select.value) use(select.value);
    select.value = '';
  });
  return select;
}
