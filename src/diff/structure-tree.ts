/** The structure tree lives with the codec (it walks declarations); the diff and the checks use it from here. */
export { allStructures, structureTree, type FieldPlace, type StructureNode } from '../codec/structure-tree.js';
