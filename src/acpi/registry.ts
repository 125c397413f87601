/**
 * Tables by signature. A table ridmap decodes field by field is one row here
 * (VIOT and IORT plug in the same way); any other signature is decoded as
 * header + raw body and printed as header fields + hex dump, never refused.
 */
import { ascii, lengthField, rest, struct, u32le, type Json, type StructSpec, type TextSink } from '../codec/index.js';
import type { Diagnostic } from '../diagnostic.js';
import { DMAR_DESCRIPTION, dmarSpec } from './dmar/spec.js';
import { printIortFields } from './iort/codec.js';
import { IORT_JSON } from './iort/table-json.js';
import { IORT_DESCRIPTION, iortSpec } from './iort/registry-row.js';
import { acpiHeaderMembers } from './header.js';
import { VIOT_DESCRIPTION, viotSpec } from './viot/spec.js';

export interface TableDef {
  /** 4-character signature (8 for the RSDP's `RSD PTR `). */
  signature: string;
  /** iasl's name for the table, shown after the signature. */
  description?: string;
  spec: StructSpec;
  /**
   * `standard`: the 36-byte header with Length and checksum; `facs`: only
   * Signature and Length (the FACS has no checksum); `opaque`: no header
   * checks at all (RSDP, whose checksums cover 20 or Length bytes).
   */
  header: 'standard' | 'facs' | 'opaque';
  /** Decoded field by field (false: header + raw body). */
  modelled: boolean;
  /**
   * Field lines of the whole table from its bytes, for tables whose parts sit
   * at offsets that other fields give (IORT): `spec` then declares them only
   * down to fixed fields, and this prints everything.
   */
  printFields?: (bytes: Uint8Array, out: TextSink) => void;
  /**
   * The table's own JSON form, for the same tables: references symbolic and
   * offset-placed parts as fields, where the `spec` declaration alone would
   * show them as hex. `decode --format json` writes it and `encode` reads it.
   */
  json?: TableJson;
}

export interface TableJson {
  /** The JSON, or undefined where it would not give these exact bytes back (the declaration's JSON is used then). */
  fromBytes: (bytes: Uint8Array) => Json | undefined;
  /** Bytes from the JSON, or every problem with its JSON path; undefined when the JSON is the declaration's form. */
  toBytes: (json: unknown, path: string) => { bytes?: Uint8Array; diagnostics: Diagnostic[] } | undefined;
}

/** The tables ridmap models: add one row per table. */
const ROWS: readonly TableDef[] = [
  { signature: 'DMAR', description: DMAR_DESCRIPTION, spec: dmarSpec, header: 'standard', modelled: true },
  { signature: 'IORT', description: IORT_DESCRIPTION, spec: iortSpec, header: 'standard', modelled: true, printFields: printIortFields, json: IORT_JSON },
  { signature: 'VIOT', description: VIOT_DESCRIPTION, spec: viotSpec, header: 'standard', modelled: true },
];

/** Any table with the standard header: header fields, then the body as bytes. */
export const rawTableSpec: StructSpec = struct({
  name: 'Table',
  typeName: 'AcpiRawTable',
  members: [...acpiHeaderMembers(undefined), { ...rest('data', 'Table Data'), block: true }],
});

/** FACS: Signature and Length only (no revision/OEM/checksum in the standard place). */
const facsSpec: StructSpec = struct({
  name: 'FACS',
  typeName: 'AcpiFacs',
  members: [
    { kind: 'field', key: 'signature', label: 'Signature', type: ascii(4) },
    lengthField('Length', u32le),
    { ...rest('data', 'Table Data'), block: true },
  ],
});

/** RSDP: kept as bytes after its 8-character signature. */
const rsdpSpec: StructSpec = struct({
  name: 'RSDP',
  typeName: 'AcpiRsdp',
  members: [
    { kind: 'field', key: 'signature', label: 'Signature', type: ascii(8) },
    { ...rest('data', 'Table Data'), block: true },
  ],
});

const BY_SIGNATURE = new Map<string, TableDef>([
  ...ROWS.map((r) => [r.signature, r] as const),
  ['FACS', { signature: 'FACS', spec: facsSpec, header: 'facs', modelled: false }],
  ['RSD PTR ', { signature: 'RSD PTR ', spec: rsdpSpec, header: 'opaque', modelled: false }],
]);

/** The definition for a signature; unknown signatures get the raw table definition. */
export function tableDef(signature: string): TableDef {
  return BY_SIGNATURE.get(signature) ?? { signature, spec: rawTableSpec, header: 'standard', modelled: false };
}

export function modelledSignatures(): string[] {
  return ROWS.map((r) => r.signature);
}

/**
 * Signatures of the ACPI specification and the tables it reserves for other
 * specifications; used to recognise a raw table file by its first bytes.
 */
const KNOWN = new Set(
  ('AEST AGDI APIC APMT ASF! BDAT BERT BGRT BOOT CCEL CDIT CEDT CPEP CRAT CSRT DBG2 DBGP DMAR DRTM DSDT DTPR ECDT ' +
    'EINJ ERST ETDT FACP FACS FIDT FPDT GTDT HEST HMAT HPET IBFT IERS IORT IVRS KEYP LPIT MADT MCFG MCHI MHSP MISC ' +
    'MPAM MPST MSCT MSDM NBFT NFIT NHLT OEMB PCCT PDTT PHAT PMTT PPTT PRMT PSDT RAS2 RASF RGRT RHCT RIMT RSDT SBST ' +
    'SDEI SDEV SLIC SLIT SPCR SPMI SRAT SSDT STAO SVKL SWFT TCPA TPM2 UEFI VIOT WAET WDAT WDDT WDRT WPBT WSMT XENV XSDT')
    .split(' '),
);

export function isKnownSignature(signature: string): boolean {
  return KNOWN.has(signature) || BY_SIGNATURE.has(signature) || /^OEM[0-9A-Z]$/.test(signature);
}
