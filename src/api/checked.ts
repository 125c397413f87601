/**
 * The library API's functions with their arguments checked (api/guard.ts):
 * what src/index.ts exports. Each row names the parameters as the function
 * declares them and the shape it relies on; the inner functions stay
 * unchecked for the CLI and the page, which build their arguments themselves.
 */
import * as acpiTable from '../acpi/table.js';
import * as decodeInputModule from '../io/decode-input.js';
import * as dmarBuild from '../acpi/dmar/from-topology.js';
import * as dmarResolve from '../acpi/dmar/resolve.js';
import * as mapTables from '../acpi/map-tables.js';
import * as printTable from '../acpi/print-table.js';
import * as resolvers from '../acpi/resolvers.js';
import * as viot from '../acpi/viot/index.js';
import * as buildOutputsModule from '../build-outputs.js';
import * as loadInputModule from '../io/load-input.js';
import * as diagnostic from '../diagnostic.js';
import { InputError } from '../diagnostic.js';
import * as atomicWrite from '../io/atomic-write.js';
import * as loadTopology from '../io/load-topology.js';
import * as mapJson from '../map/map-json.js';
import * as renderMapModule from '../map/render-map.js';
import { numberingPolicyNames } from '../model/numbering-policies.js';
import * as parseTopologyModule from '../model/parse-topology.js';
import * as resolve from '../model/resolve.js';
import * as ridModule from '../model/rid.js';
import * as translationMap from '../model/translation-map.js';
import * as topologySchema from '../model/topology-json-schema.js';
import * as validate from '../model/validate-topology.js';
import * as report from '../report/index.js';
import { arrayOf, bytes, either, guarded, instanceOf, int, nonEmptyString, object, oneOf, optional, string, type Check } from './guard.js';

const U8 = int(0, 0xff);
const U16 = int(0, 0xffff);
const NON_NEGATIVE = int(0, Number.MAX_SAFE_INTEGER);

const diagnosticShape = object('a diagnostic ({severity, code, message})', { severity: oneOf(['error', 'warning', 'info']), code: string, message: string });
const translation = object('a translation ({segment, first, last, iommu, outputBase, source})', {
  segment: U16, first: U16, last: U16, iommu: string, outputBase: NON_NEGATIVE, source: string,
});
const translations = arrayOf(translation);
const map = object('a translation map ({translations, ...})', { translations, devices: optional(arrayOf(object('a device entry'))), mmio: optional(arrayOf(object('an MMIO translation'))) });
const resolved = object('a resolved topology (from resolveTopology)', {
  topology: object('a topology'), hostBridges: arrayOf(object('a host bridge')), functions: arrayOf(object('a PCI function')),
  byId: instanceOf(Map, 'a Map'), iommus: arrayOf(object('an IOMMU')), map,
});
const model = object('a table model (an object, as decodeTable or decode --format json gives)');
const printable = object('a decoded table (from decodeTable or decodeInput)', { def: object('a table definition'), model });
const decoded = object('a decoded table (from decodeTable or decodeInput)', { signature: string, model });
const namedBytes = arrayOf(object('a named input ({name, bytes})', { name: string, bytes }));
/** A file's content: text, or bytes (an ArrayBuffer, a DataView or a Uint16Array is refused rather than written wrong). */
const textOrBytes: Check = (v) => (typeof v === 'string' ? undefined : bytes(v)?.replace('must be a Uint8Array', 'must be a string or a Uint8Array'));
const fileOption = optional(object('options ({file?})', { file: optional(string) }));

/**
 * A topology argument is validated whole, as parseTopology validates a text,
 * and every problem is listed: this check throws them itself rather than
 * returning the first (resolveTopology is synchronous, so a throw is its failure).
 */
const topology: Check = (v) => {
  const problems = validate.validateTopology(v).filter((d) => d.severity === 'error');
  if (problems.length) throw new InputError(problems.map((d) => ({ ...d, message: `resolveTopology: topology${d.path ? `.${d.path}` : ''} ${d.message}` })));
  return undefined;
};

export const formatDiagnostic = guarded('formatDiagnostic', [['diagnostic', diagnosticShape]], diagnostic.formatDiagnostic);
export const hasErrors = guarded('hasErrors', [['diagnostics', arrayOf(diagnosticShape)]], diagnostic.hasErrors);

/** Any value: saying what is wrong with it is this function's job. */
export const validateTopology = guarded('validateTopology', [['document', () => undefined]], validate.validateTopology);
export const topologyJsonSchema = guarded('topologyJsonSchema', [], topologySchema.topologyJsonSchema);
export const parseTopology = guarded('parseTopology', [['text', string], ['file', string]], parseTopologyModule.parseTopology);
export const resolveTopology = guarded(
  'resolveTopology',
  [['topology', topology], ['options', optional(object('options ({numbering?})', { numbering: optional(oneOf(numberingPolicyNames())) }))]],
  resolve.resolveTopology,
);
export const rid = guarded('rid', [['bus', U8], ['devfn', U8]], ridModule.rid);
export const formatBdf = guarded('formatBdf', [['rid', U16]], ridModule.formatBdf);
export const formatSbdf = guarded('formatSbdf', [['segment', U16], ['rid', U16]], ridModule.formatSbdf);
export const parseBdf = guarded('parseBdf', [['text', string]], ridModule.parseBdf);

export const lookupRid = guarded('lookupRid', [['translations', translations], ['segment', U16], ['rid', U16]], translationMap.lookupRid);
export const normalizeTranslations = guarded('normalizeTranslations', [['translations', translations]], translationMap.normalizeTranslations);
export const mapToJson = guarded('mapToJson', [['map', map]], mapJson.mapToJson);
export const renderMap = guarded('renderMap', [['resolved', resolved], ['format', oneOf(renderMapModule.MAP_FORMATS)]], renderMapModule.renderMap);

export const decodeInput = guarded('decodeInput', [['data', either(bytes, string, 'a Uint8Array or a string')], ['file', string]], decodeInputModule.decodeInput);
export const decodeTable = guarded('decodeTable', [['bytes', bytes], ['options', optional(object('options ({name?})', { name: optional(string) }))]], acpiTable.decodeTable);
export const encodeTable = guarded('encodeTable', [['model', model]], acpiTable.encodeTable);
export const encodeJsonDocument = guarded('encodeJsonDocument', [['text', string]], acpiTable.encodeJsonDocument);
export const tablesFromJson = guarded('tablesFromJson', [['text', string]], acpiTable.tablesFromJson);
export const printTableText = guarded('printTableText', [['table', printable], ['options', fileOption]], printTable.printTableText);
export const printTablesText = guarded('printTablesText', [['tables', arrayOf(printable)], ['options', fileOption]], printTable.printTablesText);
export const printTablesJson = guarded('printTablesJson', [['tables', arrayOf(printable)]], printTable.printTablesJson);
export const mapAcpiTables = guarded(
  'mapAcpiTables',
  [['tables', arrayOf(object('a sourced table ({table, file})', { table: decoded, file: string }))], ['resolved', optional(resolved)]],
  mapTables.mapAcpiTables,
);
export const tableResolver = guarded('tableResolver', [['signature', string]], resolvers.tableResolver);
export const dmarFromTopology = guarded('dmarFromTopology', [['resolved', resolved]], dmarBuild.dmarFromTopology);
export const resolveDmar = guarded('resolveDmar', [['table', object('a DMAR model ({remappingStructures, ...})', { remappingStructures: arrayOf(object('a remapping structure')) })], ['resolved', optional(resolved)]], dmarResolve.resolveDmar);
export const decodeViot = guarded('decodeViot', [['bytes', bytes]], viot.decodeViot);
export const encodeViot = guarded('encodeViot', [['table', model]], viot.encodeViot);
export const resolveViot = guarded('resolveViot', [['table', object('a VIOT model ({nodes, ...})', { nodes: arrayOf(object('a VIOT node')) })], ['resolved', optional(resolved)]], viot.resolveViot);
export const viotFromTopology = guarded('viotFromTopology', [['resolved', resolved]], viot.viotFromTopology);
export const buildOutputs = guarded('buildOutputs', [['resolved', resolved]], buildOutputsModule.buildOutputs);

export const loadInput = guarded(
  'loadInput',
  [['file', string], ['bytes', bytes], ['options', optional(object('options ({readInclude?})', { readInclude: optional((v) => (typeof v === 'function' ? undefined : 'must be a function')) }))]],
  loadInputModule.loadInput,
  'async',
);
export const buildReport = guarded('buildReport', [['files', namedBytes]], report.buildReport, 'async');
export const buildDiff = guarded('buildDiff', [['a', namedBytes], ['b', namedBytes], ['options', optional(object('options ({hex?})'))]], report.buildDiff, 'async');

export const loadTopologyFile = guarded('loadTopologyFile', [['path', nonEmptyString]], loadTopology.loadTopologyFile);
export const writeFileAtomic = guarded('writeFileAtomic', [['path', nonEmptyString], ['data', textOrBytes]], atomicWrite.writeFileAtomic);
