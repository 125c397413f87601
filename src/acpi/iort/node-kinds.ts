/**
 * Where each IORT node type keeps its parts. A node is its 16-byte header,
 * fixed fields (sections, in order), optional fields of newer node revisions
 * (`extension`, read while there is room before the first array), a device
 * name for named components and IWBs, and arrays placed where their offset
 * fields say. Reader, layout pass, writer, text and JSON all follow this one
 * table; nothing assumes a node's size.
 */
import type { FieldMember, StructSpec } from '../../codec/index.js';
import type { IortNodeName } from './model.js';
import {
  contextInterrupt,
  idMapping,
  itsGroupBody,
  itsIdentifier,
  iwbBody,
  memoryAccessProperties,
  namedComponentFlags,
  namedComponentLimit,
  pmcgBody,
  pmcgExtension,
  pmuInterrupt,
  rmrBody,
  rmrBodyE,
  rmrMemoryRange,
  rootComplexBody,
  rootComplexExtension,
  smmuBody,
  smmuGlobalInterrupts,
  smmuV3Body,
  smmuV3Extension,
} from './spec.js';

/** A run of fixed fields; `key` nests its fields under one model key. */
export interface Section {
  key?: string;
  spec: StructSpec;
  /** iasl's line naming a group of fields (`Memory Properties : [IORT Memory Access Properties]`). */
  heading?: { label: string; value: string };
}

/**
 * An array of fixed-size structures inside a node. `count` names the fixed
 * field holding the element count, or is `one` for a single structure that
 * is there when its offset is not 0. `offset` names the field holding its
 * offset from the node start; without one the array follows the fixed fields.
 */
export interface PlacedArray {
  key: string;
  label: string;
  element: StructSpec;
  count: string | 'one';
  offset?: string;
  /** The element field that holds a node reference. */
  ref?: string;
  /** The model holds this element field's value instead of the element. */
  scalar?: string;
  /** Text puts a blank line before each element (iasl does for mappings and RMR descriptors). */
  spaced?: boolean;
}

export interface NodeKind {
  type: number;
  name: IortNodeName;
  /** As iasl and the spec name the type. */
  title: string;
  sections(revision: number): readonly Section[];
  extension?: readonly FieldMember[];
  deviceName?: boolean;
  /** In the order encode places them. */
  arrays: readonly PlacedArray[];
  /** Fixed fields that hold a node reference. */
  refs?: readonly string[];
}

export const idMappings: PlacedArray = {
  key: 'idMappings',
  label: 'ID mappings',
  element: idMapping,
  count: 'mappingCount',
  offset: 'mappingOffset',
  ref: 'outputReference',
  spaced: true,
};

const memory: Section = {
  key: 'memoryProperties',
  spec: memoryAccessProperties,
  heading: { label: 'Memory Properties', value: '[IORT Memory Access Properties]' },
};

const fixed = (...sections: Section[]) => () => sections;

const interrupts = (key: string, label: string, element: StructSpec, prefix: string): PlacedArray => ({
  key,
  label,
  element,
  count: `${prefix}InterruptCount`,
  offset: `${prefix}InterruptOffset`,
});

export const NODE_KINDS: readonly NodeKind[] = [
  {
    type: 0,
    name: 'ItsGroup',
    title: 'ITS Group',
    sections: fixed({ spec: itsGroupBody }),
    arrays: [
      { key: 'itsIdentifiers', label: 'ITS identifiers', element: itsIdentifier, count: 'itsCount', scalar: 'identifier' },
      idMappings,
    ],
  },
  {
    type: 1,
    name: 'NamedComponent',
    title: 'Named Component',
    sections: fixed({ spec: namedComponentFlags }, memory, { spec: namedComponentLimit }),
    deviceName: true,
    arrays: [idMappings],
  },
  {
    type: 2,
    name: 'RootComplex',
    title: 'Root Complex',
    sections: fixed(memory, { spec: rootComplexBody }),
    extension: rootComplexExtension,
    arrays: [idMappings],
  },
  {
    type: 3,
    name: 'Smmu',
    title: 'SMMUv1/v2',
    sections: fixed({ spec: smmuBody }),
    arrays: [
      { key: 'globalInterrupts', label: 'global interrupts', element: smmuGlobalInterrupts, count: 'one', offset: 'globalInterruptOffset', spaced: true },
      interrupts('contextInterrupts', 'context interrupts', contextInterrupt, 'context'),
      interrupts('pmuInterrupts', 'PMU interrupts', pmuInterrupt, 'pmu'),
      idMappings,
    ],
  },
  {
    type: 4,
    name: 'SmmuV3',
    title: 'SMMUv3',
    sections: fixed({ spec: smmuV3Body }),
    extension: smmuV3Extension,
    arrays: [idMappings],
  },
  {
    type: 5,
    name: 'Pmcg',
    title: 'PMCG',
    sections: fixed({ spec: pmcgBody }),
    extension: pmcgExtension,
    arrays: [idMappings],
    refs: ['nodeReference'],
  },
  {
    type: 6,
    name: 'Rmr',
    title: 'RMR',
    // Node revision 0 (issue E) had no Flags field.
    sections: (revision) => [{ spec: revision === 0 ? rmrBodyE : rmrBody }],
    arrays: [
      idMappings,
      { key: 'memoryRanges', label: 'memory range descriptors', element: rmrMemoryRange, count: 'rmrCount', offset: 'rmrOffset', spaced: true },
    ],
  },
  {
    type: 7,
    name: 'Iwb',
    title: 'IWB',
    sections: fixed({ spec: iwbBody }),
    deviceName: true,
    arrays: [idMappings],
  },
];

export const KIND_BY_TYPE: ReadonlyMap<number, NodeKind> = new Map(NODE_KINDS.map((k) => [k.type, k]));
export const KIND_BY_NAME: ReadonlyMap<string, NodeKind> = new Map(NODE_KINDS.map((k) => [k.name, k]));

/** Fixed fields that the layout pass computes: the header's, and each array's count and offset. */
export function derivedKeys(kind: NodeKind): Set<string> {
  const keys = new Set(['type', 'length', 'mappingCount', 'mappingOffset']);
  for (const a of kind.arrays) {
    if (a.count !== 'one') keys.add(a.count);
    if (a.offset) keys.add(a.offset);
  }
  return keys;
}
