/**
 * The tree as DTS text, laid out as dtc -O dts lays it out: `/dts-v1/;`, a
 * blank line, the memory reservations, then the nodes with one tab per
 * level, labels before names, properties before children and a blank line
 * before each child. Values print through dts-value-text.ts.
 *
 * A node or property whose name DTS cannot spell (a DTB may hold any bytes
 * in a name; dtc has no escape for them, names.ts) is printed as a comment
 * saying it is left out, never as text that neither dtc nor ridmap would
 * read: the rest of the tree stays readable, and namesDtsCannotWrite lists
 * what was left out so that the caller says so.
 *
 * Phandles that layout would assign are not printed: the references say
 * which nodes need one, and dtc assigns the same numbers from them (the rule
 * in layout.ts), so the text stays as a person would write it. Lines are
 * collected and joined once, so large trees print in linear time.
 *
 * A DTB that reads cleanly is printed the same way straight from its bytes
 * (dtb-print.ts), without building the tree; the two must agree byte for
 * byte (test/dt/dtb-print-direct.test.ts).
 */
import { valueText } from './dts-value-text.js';
import { nameForComment, writableInDts } from './names.js';
import { fullName, openClose, walkNodes, type DtProperty, type DtReservation, type DtTree } from './tree.js';

function labelPrefix(labels: readonly string[]): string {
  return labels.length === 0 ? '' : labels.map((l) => `${l}: `).join('');
}

function propertyLine(p: DtProperty, writable: (name: string) => boolean): string {
  if (!writable(p.name)) return `/* property ${nameForComment(p.name)} is left out: DTS cannot spell its name */`;
  const value = valueText(p.value);
  return `${labelPrefix(p.labels)}${p.name}${value === '' ? '' : ` = ${value}`};`;
}

/** writableInDts, asked once per distinct name (a large tree repeats a few dozen property names). */
function writableCache(): (name: string) => boolean {
  const known = new Map<string, boolean>();
  return (name) => {
    let ok = known.get(name);
    if (ok === undefined) known.set(name, (ok = writableInDts(name)));
    return ok;
  };
}

function hex64(v: bigint): string {
  return `0x${BigInt.asUintN(64, v).toString(16).padStart(16, '0')}`;
}

/** A memory reservation's line (without the line end). */
export function reservationLine(r: DtReservation): string {
  return `${labelPrefix(r.labels)}/memreserve/\t${hex64(r.address)} ${hex64(r.size)};`;
}

export function formatDts(tree: DtTree): string {
  const lines: string[] = ['/dts-v1/;', ''];
  for (const r of tree.memoryReservations) lines.push(reservationLine(r));
  /** Depth of a node left out, while its subtree goes by. */
  let skipping: number | undefined;
  const writable = writableCache();
  const indents = [''];
  for (const { kind, node, depth } of openClose(tree.root)) {
    while (indents.length <= depth + 1) indents.push(`${indents[indents.length - 1]!}\t`);
    const indent = indents[depth]!;
    if (skipping !== undefined) {
      if (kind === 'close' && depth === skipping) skipping = undefined;
      continue;
    }
    if (kind === 'close') {
      lines.push(`${indent}};`);
      continue;
    }
    if (depth > 0) lines.push('');
    if (depth > 0 && !writable(fullName(node))) {
      lines.push(`${indent}/* node ${nameForComment(fullName(node))} and what is below it are left out: DTS cannot spell its name */`);
      skipping = depth;
      continue;
    }
    lines.push(`${indent}${labelPrefix(node.labels)}${depth === 0 ? '/' : fullName(node)} {`);
    const inner = indents[depth + 1]!;
    for (const p of node.properties) lines.push(inner + propertyLine(p, writable));
  }
  return lines.join('\n') + '\n';
}

/**
 * The nodes and properties formatDts leaves out because DTS cannot spell
 * their names, by path (a node's subtree goes with it and is not listed).
 */
export function namesDtsCannotWrite(tree: DtTree): string[] {
  const out: string[] = [];
  const writable = writableCache();
  const leftOut = new Set<DtTree['root']>();
  for (const { node, path, parent, depth } of walkNodes(tree.root)) {
    if (parent && leftOut.has(parent)) {
      leftOut.add(node);
      continue;
    }
    if (depth > 0 && !writable(fullName(node))) {
      leftOut.add(node);
      out.push(`node ${nameForComment(path)}`);
      continue;
    }
    for (const p of node.properties) if (!writable(p.name)) out.push(`property ${nameForComment(p.name)} of ${nameForComment(path)}`);
  }
  return out;
}
