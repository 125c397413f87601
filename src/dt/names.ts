/**
 * Which node and property names a tree may carry, and which DTS can spell.
 *
 * The Devicetree Specification (v0.4, §2.2.1 and §2.2.4) allows node names
 * (node-name and unit-address) of `0-9 a-z A-Z , . _ + -` and property names
 * of those plus `? #`. dtc's lexer reads a little more in a name
 * (`* # ? @` anywhere) and has no escape for anything else: a name with a
 * space, `<`, a quote or a control character (possible in a DTB, which
 * stores names as plain bytes) cannot be written in DTS at all.
 */
import { fullName, type DtNode } from './tree.js';

const SPEC_NODE_NAME = /^[0-9a-zA-Z,._+-]+(@[0-9a-zA-Z,._+-]*)?$/;
const SPEC_PROPERTY_NAME = /^[0-9a-zA-Z,._+?#-]+$/;
/** dtc's PROPNODECHAR: what its lexer takes as a node or property name. */
const DTC_NAME = /^[0-9a-zA-Z,._+*#?@-]+$/;

/** Why a node's name breaks the specification, or undefined when it does not (the root's name is empty). */
export function badNodeName(node: DtNode, isRoot: boolean): string | undefined {
  if (isRoot) return undefined;
  const name = fullName(node);
  if (name === '') return 'a node other than the root has an empty name';
  return SPEC_NODE_NAME.test(name) ? undefined : `node name ${JSON.stringify(name)} has characters outside the specification's [0-9a-zA-Z,._+-] (and one @ before the unit address)`;
}

/** Why a property's name breaks the specification, or undefined when it does not. */
export function badPropertyName(name: string): string | undefined {
  if (name === '') return 'a property has an empty name';
  return SPEC_PROPERTY_NAME.test(name) ? undefined : `property name ${JSON.stringify(name)} has characters outside the specification's [0-9a-zA-Z,._+?#-]`;
}

/** True when DTS can spell `name` (dtc reads it back as the same name). */
export function writableInDts(name: string): boolean {
  return DTC_NAME.test(name);
}

/** DTC_NAME's characters, by byte value (a one-character test of the same expression). */
const DTC_NAME_BYTE = Uint8Array.from({ length: 256 }, (_, b) => (DTC_NAME.test(String.fromCharCode(b)) ? 1 : 0));

/** writableInDts of the name in bytes [start, end) of a blob, without making a string of it. */
export function writableInDtsBytes(bytes: Uint8Array, start: number, end: number): boolean {
  if (end <= start) return false;
  for (let i = start; i < end; i++) if (DTC_NAME_BYTE[bytes[i]!] === 0) return false;
  return true;
}

/** A name quoted for a DTS comment: JSON-escaped, and unable to end the comment early. */
export function nameForComment(name: string): string {
  return JSON.stringify(name).replaceAll('*/', '*\\/');
}
