/** What the page is for and where tables come from: shown until there is an input. */
import { el } from './dom.js';

export function introduction(): HTMLElement {
  return el('section', { class: 'intro', attrs: { id: 'intro' } },
    el('h2', { text: 'Give it the tables from a bug report' }),
    el('ul', {},
      el('li', {}, el('strong', { text: 'Tables: ' }), 'each decoded field by field as iasl prints it, beside its bytes (point at a field to see them).'),
      el('li', {}, el('strong', { text: 'Findings: ' }), 'every problem ', el('code', { text: 'ridmap check' }), ' finds, with its id: Linux\'s lookup rules, round trip, agreement with a topology, renumbering.'),
      el('li', {}, el('strong', { text: 'Map and Picture: ' }), 'which IOMMU translates which requester ID, as a table and as a graph coloured by IOMMU.'),
      el('li', {}, el('strong', { text: 'Diff: ' }), 'give a second input on the right for the semantic difference of the two.')),
    el('p', { class: 'meta' }, 'Where tables come from: ', el('code', { text: 'sudo acpidump > dump.txt' }), ' (all tables as text), ',
      el('code', { text: '/sys/firmware/acpi/tables/DMAR' }), ' (one raw table), ', el('code', { text: '/sys/firmware/fdt' }),
      ' (the DTB), or a topology YAML as ', el('code', { text: 'ridmap import qemu' }), ' writes it. Everything runs in this page; nothing is sent anywhere.'));
}
