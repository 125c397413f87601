/**
 * ridmap's library API: what the CLI is built from, for tools that embed it.
 * Everything here is pure (bytes, strings and objects in and out) except the
 * small `io` helpers at the end. Every function checks its arguments
 * (api/checked.ts) and throws InputError (code `invalid-argument`) for a
 * wrong type or an out-of-range number.
 */

// Diagnostics
export { InputError, type Diagnostic, type Severity } from './diagnostic.js';
export { formatDiagnostic, hasErrors } from './api/checked.js';

// Topology: description, validation, numbering, resolution
export { parseTopology } from './api/checked.js';
export { validateTopology, topologyJsonSchema } from './api/checked.js';
export type * from './model/topology-schema.js';
export { NUMBERING_POLICIES } from './model/numbering.js';
export { resolveTopology } from './api/checked.js';
export type { ResolveOptions } from './model/resolve.js';
export type * from './model/resolved.js';
export { formatBdf, formatSbdf, parseBdf, rid } from './api/checked.js';
export type { Rid } from './model/rid.js';

// The translation map and its forms
export { lookupRid, normalizeTranslations } from './api/checked.js';
export type { DeviceEntry, MmioTranslation, Translation, TranslationMap } from './model/translation-map.js';
export { mapToJson } from './api/checked.js';
export { renderMap } from './api/checked.js';
export { MAP_FORMATS, type MapFormat } from './map/render-map.js';

// ACPI tables: decode, encode, print, resolve, build
export { decodeInput } from './api/checked.js';
export type { DecodedInput } from './io/decode-input.js';
export { decodeTable, encodeTable, encodeJsonDocument, tablesFromJson } from './api/checked.js';
export type { DecodedTable } from './acpi/table.js';
export { printTableText, printTablesText, printTablesJson } from './api/checked.js';
export { mapAcpiTables } from './api/checked.js';
export { tableResolver } from './api/checked.js';
export { dmarFromTopology } from './api/checked.js';
export { resolveDmar } from './api/checked.js';
export type * from './acpi/dmar/model.js';
export { decodeViot, encodeViot, resolveViot, viotFromTopology } from './api/checked.js';
export { buildOutputs } from './api/checked.js';
export type { BuildOutput, BuildResult } from './build-outputs.js';

// Reading any input (tables, acpidump, DTB/DTS, topologies) from names and bytes, and what ridmap says about them
export { loadInput } from './api/checked.js';
export type { LoadedInput } from './io/load-input.js';
export { buildReport, buildDiff } from './api/checked.js';
export type { Report, NamedBytes } from './report/index.js';

// Files (the only part that touches the file system)
export { loadTopologyFile } from './api/checked.js';
export { writeFileAtomic } from './api/checked.js';
