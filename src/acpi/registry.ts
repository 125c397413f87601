/**
 * Tables by signature: everything ridmap knows about a table it models is one
 * row here (its declaration, how it resolves to a translation map, how it is
 * built from a topology, what its structures are called in a diff), so that
 * a new table is its spec, from-topology, resolve and identity files, one row
 * here, its checks (checks/<table>/ and one line in checks/registry.ts) and a
 * golden case. Any other signature is decoded as header + raw body and printed
 * as header fields + hex dump, never refused.
 */
import { ascii, lengthField, rest, struct, u32le, type Encoded, type Json, type Model, type StructSpec } from '../codec/index.js';
import type { ReferenceGraph } from '../codec/clean-walk.js';
import type { Diagnostic } from '../diagnostic.js';
import type { ResolvedTopology } from '../model/resolved.js';
import type { TranslationMap } from '../model/translation-map.js';
import { dmarFromTopology } from './dmar/from-topology.js';
import { DMAR_IDENTITIES } from './dmar/identity.js';
import type { DmarTable } from './dmar/model.js';
import { resolveDmar } from './dmar/resolve.js';
import { DMAR_DESCRIPTION, dmarSpec } from './dmar/spec.js';
import { iortFromTopology } from './iort/from-topology.js';
import { IORT_IDENTITIES } from './iort/identity.js';
import { iortWireFindings, resolveIortWire } from './iort/resolve.js';
import { IORT_DESCRIPTION, iortSpec } from './iort/spec.js';
import { iortDecodeChecks } from './iort/table-checks.js';
import { iortQuietWhenClean } from './iort/clean-findings.js';
import { RIMT_IDENTITIES } from './rimt/identity.js';
import { rimtFromTopology } from './rimt/from-topology.js';
import { resolveRimtModel } from './rimt/resolve.js';
import { RIMT_DESCRIPTION, rimtSpec } from './rimt/spec.js';
import { viotFromTopology } from './viot/from-topology.js';
import { VIOT_IDENTITIES } from './viot/identity.js';
import { resolveViotModel, viotFindings } from './viot/resolve.js';
import { viotQuietWhenClean } from './viot/clean-findings.js';
import { ivrsFromTopology } from './ivrs/from-topology.js';
import { IVRS_IDENTITIES } from './ivrs/identity.js';
import { ivrsFindings, resolveIvrs } from './ivrs/resolve.js';
import { IVRS_DESCRIPTION, ivrsSpec } from './ivrs/spec.js';
import { acpiHeaderMembers } from './header.js';
import { MADT_IDENTITIES } from './madt/identity.js';
import { MADT_DESCRIPTION, madtSpec } from './madt/spec.js';
import { MCFG_IDENTITIES } from './mcfg/identity.js';
import { MCFG_DESCRIPTION, mcfgSpec } from './mcfg/spec.js';
import { VIOT_DESCRIPTION, viotSpec } from './viot/spec.js';
import { once } from '../once.js';

/** Table → translation map, the way Linux reads it (with the topology: paths and bus ranges resolve, devices are listed). */
export type TableResolver = (model: Model, resolved?: ResolvedTopology) => TranslationMap;

/** What `build` writes for a table from a topology. */
export interface TableBuild<T = unknown> {
  /** Output file name (`DMAR.dat`). */
  file: string;
  description: string;
  /** The table a resolved topology calls for (no table: the topology needs none). */
  fromTopology: (resolved: ResolvedTopology) => { table?: T; diagnostics: Diagnostic[] };
  /** Bytes of the built table; default: the row's declaration. */
  encode?: (table: T) => Encoded;
  /** The built table is in the form decodeTable gives (`check` compares the two). */
  builtIsDecoded?: true;
}

const tableBuild = <T>(b: TableBuild<T>) => b as TableBuild;

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
   * What decode says about the table beyond its structures (IORT: a table
   * revision with known issues, bytes mangled by a text conversion), given
   * the header check's findings. From the bytes alone: a table it says
   * nothing about may go the clean way (table.ts), without a model.
   */
  decodeChecks?: (bytes: Uint8Array, path: string, header: readonly Diagnostic[]) => Diagnostic[];
  /** Table → translation map (tables that say which IOMMU translates what). */
  resolve?: TableResolver;
  /**
   * What the table says about itself without its map, for `decode` and the
   * table's checks; default: the resolver's findings (cheaper here where
   * walking every ID costs). Given `codes`, it may skip work for findings
   * with other codes (`decode` shows only a few): it must still give every
   * one of these, and may give others.
   */
  findings?: (model: Model, codes?: ReadonlySet<string>) => Diagnostic[];
  /**
   * For a table the decode walk finds clean (clean-walk.ts): true when none
   * of the findings `decode` shows (decode-findings.ts) is there, told from
   * its items and references alone; such a table needs no model to be
   * printed. Without it, a clean table whose format has findings for decode
   * is printed from its bytes all the same, its model decoded for them.
   */
  quietWhenClean?: (g: ReferenceGraph) => boolean;
  build?: TableBuild;
  /** What the diff calls each structure, by the declaration's typeName (kinds without one match by position). */
  identities?: Readonly<Record<string, StructureIdentity>>;
}

/**
 * A structure's name in a diff. `ref` names what a reference field of the
 * structure points at (an IORT ID mapping's output node), by that
 * structure's own identity.
 */
export type StructureIdentity = (m: Model, ref: (key: string) => string) => string;

/** The tables ridmap models: add one row per table. */
const ROWS: readonly TableDef[] = [
  {
    signature: 'DMAR',
    description: DMAR_DESCRIPTION,
    spec: dmarSpec,
    header: 'standard',
    modelled: true,
    resolve: (model, resolved) => resolveDmar(model as DmarTable, resolved),
    build: tableBuild({ file: 'DMAR.dat', description: 'ACPI DMAR (Intel VT-d)', fromTopology: dmarFromTopology, builtIsDecoded: true }),
    identities: DMAR_IDENTITIES,
  },
  {
    signature: 'VIOT',
    description: VIOT_DESCRIPTION,
    get spec() {
      return viotSpec();
    },
    header: 'standard',
    modelled: true,
    resolve: resolveViotModel,
    findings: viotFindings,
    quietWhenClean: viotQuietWhenClean,
    build: tableBuild({ file: 'VIOT.dat', description: 'ACPI VIOT (virtio-iommu)', fromTopology: viotFromTopology }),
    identities: VIOT_IDENTITIES,
  },
  {
    signature: 'IORT',
    description: IORT_DESCRIPTION,
    get spec() {
      return iortSpec();
    },
    header: 'standard',
    modelled: true,
    decodeChecks: iortDecodeChecks,
    resolve: resolveIortWire,
    findings: iortWireFindings,
    quietWhenClean: iortQuietWhenClean,
    // The built model is the declaration's: encoded by it like any row's.
    build: tableBuild({ file: 'IORT.dat', description: 'ACPI IORT (Arm SMMU and ITS)', fromTopology: (r) => iortFromTopology(r) }),
    identities: IORT_IDENTITIES,
  },
  {
    signature: 'IVRS',
    description: IVRS_DESCRIPTION,
    get spec() {
      return ivrsSpec();
    },
    header: 'standard',
    modelled: true,
    resolve: resolveIvrs,
    findings: ivrsFindings,
    build: tableBuild({ file: 'IVRS.dat', description: 'ACPI IVRS (AMD-Vi)', fromTopology: ivrsFromTopology }),
    identities: IVRS_IDENTITIES,
  },
  {
    signature: 'RIMT',
    description: RIMT_DESCRIPTION,
    get spec() {
      return rimtSpec();
    },
    header: 'standard',
    modelled: true,
    resolve: resolveRimtModel,
    build: tableBuild({ file: 'RIMT.dat', description: 'ACPI RIMT (RISC-V IOMMU)', fromTopology: rimtFromTopology }),
    identities: RIMT_IDENTITIES,
  },
  {
    // No translation map of its own: read for the interrupt controllers the IOMMU tables name (IVRS IOAPICs, IORT ITSes).
    signature: 'APIC',
    description: MADT_DESCRIPTION,
    get spec() {
      return madtSpec();
    },
    header: 'standard',
    modelled: true,
    identities: MADT_IDENTITIES,
  },
  {
    // No translation map of its own: where each PCI segment's configuration space is (decode, encode, text, JSON).
    signature: 'MCFG',
    description: MCFG_DESCRIPTION,
    get spec() {
      return mcfgSpec();
    },
    header: 'standard',
    modelled: true,
    identities: MCFG_IDENTITIES,
  },
];

/** Any table with the standard header: header fields, then the body as bytes (built on first use, as the others below). */
export const rawTableSpec: () => StructSpec = once(() =>
  struct({
    name: 'Table',
    typeName: 'AcpiRawTable',
    members: [...acpiHeaderMembers(undefined), { ...rest('data', 'Table Data'), block: true }],
  }),
);

/** FACS: Signature and Length only (no revision/OEM/checksum in the standard place). */
const facsSpec = once(() =>
  struct({
    name: 'FACS',
    typeName: 'AcpiFacs',
    members: [
      { kind: 'field', key: 'signature', label: 'Signature', type: ascii(4) },
      lengthField('Length', u32le),
      { ...rest('data', 'Table Data'), block: true },
    ],
  }),
);

/** RSDP: kept as bytes after its 8-character signature. */
const rsdpSpec = once(() =>
  struct({
    name: 'RSDP',
    typeName: 'AcpiRsdp',
    members: [
      { kind: 'field', key: 'signature', label: 'Signature', type: ascii(8) },
      { ...rest('data', 'Table Data'), block: true },
    ],
  }),
);

const BY_SIGNATURE = new Map<string, TableDef>();
for (const r of ROWS) BY_SIGNATURE.set(r.signature, r);
BY_SIGNATURE.set('FACS', {
  signature: 'FACS',
  get spec() {
    return facsSpec();
  },
  header: 'facs',
  modelled: false,
});
BY_SIGNATURE.set('RSD PTR ', {
  signature: 'RSD PTR ',
  get spec() {
    return rsdpSpec();
  },
  header: 'opaque',
  modelled: false,
});

/** The definition for a signature; unknown signatures get the raw table definition. */
export function tableDef(signature: string): TableDef {
  return BY_SIGNATURE.get(signature) ?? { signature, spec: rawTableSpec(), header: 'standard', modelled: false };
}

export function modelledSignatures(): string[] {
  return ROWS.map((r) => r.signature);
}

/** The rows of the tables ridmap models, in registry order. */
export function modelledTables(): readonly TableDef[] {
  return ROWS;
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
