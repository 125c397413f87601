/** Options shared by several commands, declared once. */
import { Option } from 'commander';
import { NUMBERING_POLICIES } from '../model/numbering.js';

export function numberingOption(): Option {
  return new Option('-n, --numbering <policy>', 'bus-numbering policy')
    .choices(NUMBERING_POLICIES.map((p) => p.name))
    .default('firmware');
}
