/**
 * ridmap's library API: what the CLI is built from, for tools that embed it.
 * Everything here is pure (bytes, strings and objects in and out) except the
 * small `io` helpers at the end.
 */

// Diagnostics
export { formatDiagnostic, hasErrors, InputError, type Diagnostic, type Severity } from './diagnostic.js';

// Topology: description, validation, numbering, resolution
export { parseTopology } from './model/parse-topology.js';
export { validateTopology } from './model/validate-topology.js';
export { topologyJsonSchema } from './model/topology-json-schema.js';
export type * from './model/topology-schema.js';
export { NUMBERING_POLICIES } from './model/numbering.js';
export { resolveTopology, type ResolveOptions } from './model/resolve.js';
export type * from './model/resolved.js';
export { formatBdf, formatSbdf, parseBdf, rid, type Rid } from './model/rid.js';

// The translation map and its forms
export { lookupRid, normalizeTranslations, type DeviceEntry, type MmioTranslation, type Translation, type TranslationMap } from './model/translation-map.js';
export { mapToJson } from './map/map-json.js';
export { renderMap, MAP_FORMATS, type MapFormat } from './map/render-map.js';

// ACPI tables: decode, encode, print, resolve, build
export { decodeInput, type DecodedInput } from './acpi/decode-input.js';
export { decodeTable, encodeTable, encodeJsonDocument, tablesFromJson, type DecodedTable } from './acpi/table.js';
export { printTableText, printTablesText, printTablesJson } from './acpi/print-table.js';
export { mapAcpiTables } from './acpi/map-tables.js';
export { tableResolver } from './acpi/resolvers.js';
export { dmarFromTopology } from './acpi/dmar/from-topology.js';
export { resolveDmar } from './acpi/dmar/resolve.js';
export type * from './acpi/dmar/model.js';
export { decodeViot, encodeViot, resolveViot, viotFromTopology } from './acpi/viot/index.js';
export { buildOutputs, type BuildOutput, type BuildResult } from './build-outputs.js';

// Reading any input (tables, acpidump, DTB/DTS, topologies) from names and bytes, and what ridmap says about them
export { loadInput, type LoadedInput } from './checks/load-input.js';
export { buildReport, buildDiff, type Report, type NamedBytes } from './report/index.js';

// Files (the only part that touches the file system)
export { loadTopologyFile } from './io/load-topology.js';
export { writeFileAtomic } from './io/atomic-write.js';
