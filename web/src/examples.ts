/**
 * The example topologies of tables/ (what users copy from), bundled into the
 * page so that someone without a table at hand can see what it does.
 */
import { el } from './dom.js';

const EXAMPLES = import.meta.glob<string>('../../tables/*.yaml', { query: '?raw', import: 'default', eager: true });

export function exampleChooser(use: (name: string, text: string) => void): HTMLSelectElement {
  const names = Object.keys(EXAMPLES).sort();
  const select = el('select', { attrs: { id: 'examples', 'aria-label': 'example topologies' } },
    el('option', { text: 'Try an example…', attrs: { value: '' } }),
    ...names.map((path) => el('option', { text: path.split('/').pop()!, attrs: { value: path } })));
  select.addEventListener('change', () => {
    const path = select.value;
    if (path) use(path.split('/').pop()!, EXAMPLES[path]!);
    select.value = '';
  });
  return select;
}
