/**
 * Validation of a topology document in two layers: the schema (shape and
 * types, from the TypeBox declaration) and the semantics a firmware engineer
 * would otherwise find in a boot log. Every diagnostic has a stable code from
 * the table below and a document path; parseTopology adds line and column.
 *
 * Semantic checks run only on a document that passed the schema: checking a
 * half-typed document mostly reports echoes of the schema errors (an IOMMU
 * whose entry is misspelt shows up again as "unknown-iommu" at every user).
 */
import type { Diagnostic } from '../diagnostic.js';
import { Topology } from './topology-schema.js';
import { withSchemaDefaults } from './schema-defaults.js';
import { schemaDiagnostics, type Spelling } from './validate/schema-errors.js';
import { indexTopology } from './validate/topology-index.js';
import { checkReferences } from './validate/references.js';
import { checkPciTree } from './validate/pci-tree.js';
import { checkHostBridgeBuses } from './validate/host-bridge-buses.js';
import { checkIommuAssignment } from './validate/iommu-assignment.js';
import { checkDmarDevices } from './validate/dmar-devices.js';
import { checkReservedMemory } from './validate/reserved-memory.js';
import { checkIommuCoherent } from './validate/iommu-coherent.js';
import { checkPageSizes } from './validate/page-sizes.js';

/** Every code validateTopology can report; each has a fixture test/fixtures/topology-invalid/<code>.yaml. */
export const TOPOLOGY_DIAGNOSTIC_CODES = {
  // ── schema layer ───────────────────────────────────────────────────────────
  'unknown-property': 'A key the schema does not define; the closest known key is suggested.',
  'missing-property': 'A required key is absent.',
  'bad-type': 'A value of the wrong kind (text where a number belongs, a list where an object belongs).',
  'bad-enum': 'A name outside its fixed set (node type, IOMMU type, model, kind).',
  'out-of-range': 'A number, text length or list length outside its bounds.',
  'bad-format': 'Text not in the required form (id, bus:dev.fn, printable ASCII, hex address).',
  'duplicate-item': 'A list that must not repeat an item repeats one.',
  'bad-addr': 'A PCI node\'s addr is not "dd.f" text: any number is refused (YAML reads an unquoted 03.1 as 3.1 and 10.0 as 10).',
  'bad-address': 'A 64-bit address that does not fit: a hex string over 16 digits, or an integer past 2^53 not written as hex text.',
  schema: 'Fallback for a schema rule with no dedicated message (unreachable with the current schema; kept so no error is ever lost).',
  // ── semantic layer ─────────────────────────────────────────────────────────
  'duplicate-id': 'Two objects share an id (ids are one namespace across the whole document).',
  'duplicate-devfn': 'Two functions at the same device.function on one bus.',
  'bad-devfn': 'Device above 31 (0x1f) or function above 7.',
  'missing-function-0': 'A slot has functions but no function 0, so Linux never scans it.',
  'bus-range-overlap': 'Two host bridges of one segment decode overlapping bus ranges.',
  'bad-bus-range': 'A host bridge whose rootBus is above its busLimit.',
  'expander-root-bus': 'An expander host bridge without an explicit rootBus, or with one not above the main bridge\'s.',
  'unknown-iommu': 'An iommu reference that names no IOMMU.',
  'unknown-msi-controller': 'An msiController reference that names no MSI controller.',
  'unknown-device': 'A device reference (address space, virtio-iommu-pci) that names no PCI function or platform device.',
  'wrong-iommu-kind': 'A reference to the wrong kind of thing: DMAR-only devices on a non-VT-d unit, platform devices on VT-d, a virtio-iommu that is not an endpoint.',
  'pcie-on-conventional-bus': 'A PCIe-only function below a conventional PCI bus.',
  'bad-parent': 'A PCIe function where the PCIe topology does not allow it (e.g. an endpoint on a root bus, a switch port outside a switch).',
  'link-device-not-zero': 'A device other than 0 below a root port, downstream port or PCI-to-PCIe bridge: a link has only device 0.',
  'children-on-endpoint': 'An endpoint with children.',
  'reservation-on-endpoint': 'reserveBuses on a function that has no secondary bus.',
  'flag-not-applicable': 'A bridge quirk flag on a function it cannot apply to.',
  'iommu-and-bypass': 'A node both names an IOMMU and bypasses the IOMMU.',
  'stream-id-on-vtd': 'streamIdBase under a VT-d unit, whose output ID is always the RID.',
  'include-all-conflict': 'Two INCLUDE_PCI_ALL units in one segment, or bypass in a segment with one.',
  'iommu-segment-mismatch': 'A node assigned to a VT-d unit of another PCI segment.',
  'missing-stream-ids': 'A platform device behind a non-VT-d IOMMU without the stream IDs it emits.',
  'duplicate-iommu-base': 'Two IOMMUs at the same register base address.',
  'duplicate-enumeration-id': 'Two I/O APICs, HPETs or ACPI namespace devices with the same DMAR enumeration ID.',
  'bad-alias': 'A dmaAliases entry that is not a devfn, or is the function\'s own devfn.',
  'bad-reserved-region': 'A reserved memory region of size 0 or past the end of the 64-bit address space.',
  'unaligned-reserved-region': 'A reserved memory region whose base or size is not a multiple of 4 KiB.',
  'address-space-duplicate': 'A device listed in more than one address space (or twice in one).',
  'coherent-disagree': 'An SMMU whose coherent (or coherentWalk) and capabilities.coherent disagree: they are one fact.',
  'bad-page-size': 'A capabilities.pageSizes entry that is not a power of two.',
} as const;

export type TopologyCode = keyof typeof TOPOLOGY_DIAGNOSTIC_CODES;

const semanticChecks = [
  checkReferences,
  checkPciTree,
  checkHostBridgeBuses,
  checkIommuAssignment,
  checkDmarDevices,
  checkReservedMemory,
  checkIommuCoherent,
  checkPageSizes,
];

/**
 * The document with the schema's defaults filled in (host bridge `children: []`),
 * as a copy. Validation and parsing both see this form, so a missing
 * defaulted key is never an error.
 */
export function topologyWithDefaults(doc: unknown): unknown {
  return withSchemaDefaults(Topology, doc);
}

export function validateTopology(doc: unknown): Diagnostic[] {
  return validateWithDefaults(topologyWithDefaults(doc));
}

/**
 * validateTopology of a document that has its defaults already (topologyWithDefaults);
 * `spelling` (from the YAML reader) lets messages quote how a number was written.
 */
export function validateWithDefaults(value: unknown, spelling?: Spelling): Diagnostic[] {
  const schema = schemaDiagnostics(Topology, value, '', spelling);
  if (schema.length > 0) return schema;
  const index = indexTopology(value as Topology);
  return semanticChecks.flatMap((check) => check(index));
}
