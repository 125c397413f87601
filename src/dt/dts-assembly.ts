/**
 * Building the live tree from DTS statements with dtc's merge semantics,
 * whoever reads the syntax: the tree-sitter walk (dts-parse.ts) and the
 * linear reader of plain DTS (dts-plain.ts) both call these, so that the two
 * give the same tree by construction, not by being kept in step.
 *
 * A body that defines a node for the first time is "fresh": there dtc refuses
 * a name twice and ignores deletions; a later body for the same node merges.
 * Labels go to the first node that takes them; children are indexed by full
 * name per node so that building a wide node stays linear.
 */
import { guessBootCpuid, omitUnreferenced } from './dts-finish.js';
import { createNode, emptyTree, fullName, mergeLabels, nodeAtPath, setProperty, walkNodes, type DtNode, type DtProperty, type DtRef, type DtTree } from './tree.js';

/** Properties of a node past which setProperty finds a name by an index rather than by looking through them. */
const MANY_PROPERTIES = 16;

/** Where statements go: the top level, or the body of a node. */
export interface Scope {
  target?: DtNode;
  /** The body defines its node for the first time (deletions in it do nothing, as in dtc). */
  fresh: boolean;
  /** Property and child names defined in this body, for dtc's duplicate errors: kept in a fresh body only, made at its first name. */
  properties?: Set<string>;
  nodes?: Set<string>;
}

export class DtsAssembly {
  readonly tree: DtTree = emptyTree();
  readonly labels = new Map<string, DtNode>();
  readonly omitIfNoRef = new Set<DtNode>();
  /** Deleted properties, kept in place until the end so that a redefinition returns to its old position. */
  readonly tombstones = new Set<DtProperty>();
  /** Nodes some body has defined already; a body for any other builds its node. */
  private readonly defined = new Set<DtNode>();
  private readonly childIndex = new Map<DtNode, Map<string, DtNode>>();
  /** Where each property name first is in a node's list, for a node with many (made at its MANY_PROPERTIES-th). */
  private readonly propertyIndex = new Map<DtNode, Map<string, number>>();

  topScope(): Scope {
    return { fresh: false };
  }

  /** The scope of a body for `target`; the first body of a node is fresh. */
  bodyScope(target: DtNode): Scope {
    const scope: Scope = { target, fresh: !this.defined.has(target) };
    this.defined.add(target);
    return scope;
  }

  /** Records a property name in the scope; true when a fresh body names it twice (dtc's error). */
  duplicateProperty(scope: Scope, name: string): boolean {
    return scope.fresh && seenBefore((scope.properties ??= new Set()), name);
  }

  /** Records a child name in the scope; true when a fresh body names it twice (dtc's error). */
  duplicateNode(scope: Scope, full: string): boolean {
    return scope.fresh && seenBefore((scope.nodes ??= new Set()), full);
  }

  /**
   * A child in its parent's fresh body, which duplicateNode has found new:
   * the parent has no child of that name, so it is appended without building
   * the parent's index (childrenOf builds it from the children when a later
   * body merges into the parent); an index already built hears of it.
   */
  freshChild(parent: DtNode, full: string): DtNode {
    const child = createNode(full);
    parent.children.push(child);
    this.childIndex.get(parent)?.set(full, child);
    return child;
  }

  /** The child of that full name, created at the end when there is none. */
  child(parent: DtNode, full: string): DtNode {
    const index = this.childrenOf(parent);
    let child = index.get(full);
    if (!child) {
      parent.children.push((child = createNode(full)));
      index.set(full, child);
    }
    return child;
  }

  childrenOf(node: DtNode): Map<string, DtNode> {
    let index = this.childIndex.get(node);
    if (!index) {
      index = new Map(node.children.map((c) => [fullName(c), c]));
      this.childIndex.set(node, index);
    }
    return index;
  }

  /**
   * Sets a property as a DTS definition does (tree.ts setProperty: the first
   * of that name is replaced in its place, else it is appended). A node with
   * many properties gets an index of their names, so that a body that
   * redefines thousands of them stays linear; every property set on the node
   * from then on comes through here (a fresh body's appends come before it
   * is made: that body is the node's first).
   */
  setProperty(node: DtNode, property: DtProperty): void {
    const properties = node.properties;
    let index = this.propertyIndex.get(node);
    if (!index) {
      if (properties.length < MANY_PROPERTIES) {
        setProperty(node, property);
        return;
      }
      index = new Map();
      for (let i = properties.length - 1; i >= 0; i--) index.set(properties[i]!.name, i);
      this.propertyIndex.set(node, index);
    }
    const at = index.get(property.name);
    if (at === undefined) {
      index.set(property.name, properties.length);
      properties.push(property);
    } else {
      properties[at] = { ...property, labels: mergeLabels(properties[at]!.labels, property.labels) };
    }
  }

  addLabels(node: DtNode, labels: readonly string[]): void {
    if (labels.length === 0) return;
    node.labels = mergeLabels(node.labels, labels);
    for (const l of labels) if (!this.labels.has(l)) this.labels.set(l, node);
  }

  /** Whether a reference names a node now (a label of a deleted node names none). */
  resolves(ref: DtRef): boolean {
    return ref.kind === 'label' ? this.labels.has(ref.label) : nodeAtPath(this.tree.root, ref.path) !== undefined;
  }

  deleteNode(victim: DtNode): void {
    for (const { node } of walkNodes(this.tree.root)) {
      const i = node.children.indexOf(victim);
      if (i >= 0) {
        node.children.splice(i, 1);
        this.childIndex.get(node)?.delete(fullName(victim));
        break;
      }
    }
    for (const { node } of walkNodes(victim)) {
      for (const l of node.labels) if (this.labels.get(l) === node) this.labels.delete(l);
    }
  }

  /** What dtc does once the whole source is read: deleted properties go, unreferenced /omit-if-no-ref/ nodes go, boot CPU guessed. */
  finish(): DtTree {
    if (this.tombstones.size > 0) {
      for (const { node } of walkNodes(this.tree.root)) node.properties = node.properties.filter((p) => !this.tombstones.has(p));
    }
    omitUnreferenced(this.tree, this.omitIfNoRef);
    this.tree.bootCpuidPhys = guessBootCpuid(this.tree);
    return this.tree;
  }
}

/** Whether the set has the name already; it has it afterwards. */
export function seenBefore(seen: Set<string>, name: string): boolean {
  if (seen.has(name)) return true;
  seen.add(name);
  return false;
}
