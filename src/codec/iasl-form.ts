/**
 * The text forms of iasl's data-table disassembly that ridmap prints, in one
 * place. Every form prints the same lines (fields, flag bits, subtable
 * headings, the Raw Table Data dump); they differ in the width column, the
 * label column, the header comment, and labels an iasl release renamed.
 *
 * The declarations (`src/acpi/<table>/spec.ts`) carry the labels of the
 * current form. An older form lists here only what it prints otherwise,
 * keyed `<structure name>.<member key>`: when iasl renames a label, the
 * declaration takes the new one and the old one moves into this table.
 */
import { padLeft } from './hexfmt.js';

export type IaslFormName = 'current' | '2020';

/** How an older form prints one member instead of the declaration's way. */
export interface MemberForm {
  readonly label?: string;
  /** Only the first this many of the field's bits are printed (the release decoded no more; 0: none). */
  readonly bits?: number;
  /** Text after the value instead of the declaration's `describe` (the table name after the signature). */
  readonly describe?: string;
  /** This field and the next `join` integer fields print as one little-endian integer (a field the release did not split yet). */
  readonly join?: number;
}

export interface IaslForm {
  readonly name: IaslFormName;
  /** The iasl release whose text this form reproduces. */
  readonly iaslVersion: string;
  /** The `Format:` line of the header comment. */
  readonly formatLine: string;
  /** Columns of the right-aligned label on a field line. */
  readonly labelWidth: number;
  /** The width column of a field line, between the decimal offset and `]`. */
  widthColumn(width: number): string;
  /** How a raw buffer longer than its line goes on (raw-buffer.ts): with ASCII comments, or plain indented lines. */
  readonly rawBuffer: 'comment' | 'plain';
  /** Members this form prints otherwise than the declarations do. */
  readonly members: ReadonlyMap<string, MemberForm>;
}

/** iasl since 20221020: the width in hex (`004h`), the label in 27 columns. */
export const CURRENT_FORM: IaslForm = {
  name: 'current',
  iaslVersion: '20260408',
  formatLine: ' * Format: [HexOffset DecimalOffset ByteLength]  FieldName : FieldValue (in hex)',
  labelWidth: 27,
  widthColumn: (width) => width.toString(16).toUpperCase().padStart(3, '0') + 'h',
  rawBuffer: 'comment',
  members: new Map(),
};

/**
 * iasl before 20221020 (Debian 12 ships 20200925): the width in decimal
 * (`  4`), the label in 28 columns, and the labels of VT-d before 3.x.
 */
export const FORM_2020: IaslForm = {
  name: '2020',
  iaslVersion: '20200925',
  formatLine: ' * Format: [HexOffset DecimalOffset ByteLength]  FieldName : FieldValue',
  labelWidth: 28,
  widthColumn: (width) => padLeft(String(width), 3),
  rawBuffer: 'plain',
  members: new Map<string, MemberForm>([
    ['DMAR.signature', { describe: '    [DMA Remapping table]' }],
    ['MCFG.signature', { describe: '    [Memory Mapped Configuration table]' }],
    // VT-d before 3.x: byte 5 of a DRHD was reserved.
    ['DRHD.size', { label: 'Reserved', bits: 0 }],
    // Before VT-d 3.4, a device scope's bytes 2-3 were one reserved u16.
    ['DeviceScope.flags', { label: 'Reserved', join: 1 }],
    // IORT: bytes 4-7 of a node header were reserved before IORT E.b gave them the Identifier.
    ...['ItsGroup', 'NamedComponent', 'RootComplex', 'Smmu', 'SmmuV3', 'Pmcg', 'Rmr', 'Iwb'].map((node): [string, MemberForm] => [`${node}.identifier`, { label: 'Reserved' }]),
    // A root complex's PASID Capabilities (E.e) and the byte after it were one 3-byte Reserved.
    ['RootComplex.pasidCapabilities', { label: 'Reserved', join: 1 }],
    // Memory flag bit 2 (CANWBS, E.e) and SMMUv3 DeviceID Valid (E.c) came later.
    ['MemoryProperties.memoryAccessFlags', { bits: 2 }],
    ['SmmuV3.flags', { bits: 3 }],
    // MADT: GICR and GIC ITS Flags (ACPI 6.5) and the byte after them were one reserved u16.
    ['Gicr.flags', { label: 'Reserved', join: 1 }],
    ['GicIts.flags', { label: 'Reserved', join: 1 }],
  ]),
};

export const IASL_FORMS: ReadonlyMap<IaslFormName, IaslForm> = new Map([
  ['current', CURRENT_FORM],
  ['2020', FORM_2020],
]);

/** The form named by `--iasl-format`, or undefined. */
export function iaslForm(name: string): IaslForm | undefined {
  return IASL_FORMS.get(name as IaslFormName);
}
