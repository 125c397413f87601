/** The declarative binary engine: knows structures, lengths and lists, nothing about ACPI. */
export * from './primitives.js';
export * from './struct.js';
export { BinCode, EncodeCode, JsonCode } from './codes.js';
export { decode, type DecodeOptions, type Decoded } from './decode.js';
export { encode, sum8, type Encoded } from './encode.js';
export { measure, derivedValue, placedParts, arrayElements, type PlacedPart } from './layout.js';
export { structureTree, allStructures, type StructureNode, type StructureItems, type FieldPlace } from './structure-tree.js';
export { printStruct, printToString, fieldLine, bitLine, formatValue, displayText, lineValueText, type PrintContext } from './print.js';
export { CURRENT_FORM, FORM_2020, IASL_FORMS, iaslForm, type IaslForm, type IaslFormName, type MemberForm } from './iasl-form.js';
export { TextSink } from './text-sink.js';
export { toJson, fromJson, type Json, type FromJson } from './json.js';
export { hexDumpLines } from './hexdump.js';
export { concatBytes, equalBytes } from './bytes.js';
export { bytesToHex, bytesToHexPairs, hexToBytes, hexUpper, hexUpperBig, jsonHex } from './hexfmt.js';
