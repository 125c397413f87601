/**
 * Which endpoint nodes Linux keeps, and with which IOMMU (acpi_viot_init and
 * viot_parse_node in drivers/acpi/viot.c):
 * - nodes are visited in table order; an IOMMU node is not parsed on its own
 *   (only reached through Output Nodes); a node of an unknown type is skipped;
 *   a PCI Range or MMIO Endpoint shorter than 24 bytes ends the parse, so the
 *   nodes after it never count;
 * - an endpoint whose Output Node is not a usable IOMMU node (another kind of
 *   node, an IOMMU node shorter than 16 bytes, no node at all, or a PCI IOMMU
 *   with no device at its BDF) is dropped and the parse goes on.
 * Every drop is a finding here, at the endpoint's path.
 */
import type { Diagnostic } from '../../diagnostic.js';
import { formatAddress } from '../../model/address.js';
import type { ResolvedTopology } from '../../model/resolved.js';
import { formatSbdf } from '../../model/rid.js';
import { nodePaths, specOfNode } from './nodes.js';
import { isIommuNode, isOtherNode, type ViotEndpointNode, type ViotIommuNode, type ViotNode, type ViotNodeRef, type ViotTable } from './model.js';
import { ViotNodeType } from './spec.js';

/** The identity a virtio-iommu has in every map (DESIGN.md), from its node. */
export function viotIommuIdentity(node: ViotIommuNode): string {
  return node.type === 'VirtioIommuPci'
    ? `virtio-iommu-pci@${formatSbdf(node.segment, node.bdf)}`
    : `virtio-iommu-mmio@${formatAddress(node.baseAddress)}`;
}

export interface LiveEndpoint<N extends ViotEndpointNode = ViotEndpointNode> {
  node: N;
  path: string;
  /** The IOMMU's identity and its node. */
  iommu: string;
  iommuNode: ViotIommuNode;
}

export interface LiveEndpoints {
  /** PCI ranges Linux keeps, in table order. */
  ranges: LiveEndpoint<ViotEndpointNode & { type: 'PciRange' }>[];
  /** MMIO endpoints Linux keeps, in table order. */
  mmio: LiveEndpoint<ViotEndpointNode & { type: 'MmioEndpoint' }>[];
  /** Structure path of every node. */
  paths: string[];
  findings: Diagnostic[];
}

const hex = (n: number): string => '0x' + n.toString(16);

/** Every code liveEndpoints gives: findings about which endpoints count, found without painting a RID plane. */
export const LIVE_ENDPOINT_CODES = ['viot-endpoint-short', 'viot-node-unsupported', 'viot-output-dangling', 'viot-iommu-short',
  'viot-output-not-iommu', 'viot-iommu-not-found'] as const;
type LiveEndpointCode = (typeof LIVE_ENDPOINT_CODES)[number];

export function liveEndpoints(table: ViotTable, resolved?: ResolvedTopology): LiveEndpoints {
  const nodes = table.nodes;
  const paths = nodePaths(nodes);
  const out: LiveEndpoints = { ranges: [], mmio: [], paths, findings: [] };
  const finding = (severity: Diagnostic['severity'], code: LiveEndpointCode, path: string, message: string) =>
    out.findings.push({ severity, code, path, message });

  for (const [i, node] of nodes.entries()) {
    const path = paths[i]!;
    if (isOtherNode(node)) {
      if (node.type === ViotNodeType.PCI_RANGE || node.type === ViotNodeType.MMIO_ENDPOINT) {
        finding('error', 'viot-endpoint-short', path,
          `an endpoint node shorter than 24 bytes: Linux stops parsing the VIOT here, so the ${nodes.length - i - 1} node(s) after it are ignored too`);
        break;
      }
      if (node.type !== ViotNodeType.VIRTIO_IOMMU_PCI && node.type !== ViotNodeType.VIRTIO_IOMMU_MMIO) {
        finding('info', 'viot-node-unsupported', path, `node type ${node.type} is reserved: Linux skips it ("Unsupported node")`);
      }
      continue;
    }
    if (isIommuNode(node)) continue;
    const target = iommuOf(node.outputNode, nodes, paths, resolved);
    if ('problem' in target) {
      finding('error', target.code, `${path}.outputNode`, `${target.problem}: Linux drops this endpoint ("No IOMMU node found")`);
      continue;
    }
    const live = { path, iommu: viotIommuIdentity(target.node), iommuNode: target.node };
    if (node.type === 'PciRange') out.ranges.push({ ...live, node });
    else out.mmio.push({ ...live, node });
  }
  return out;
}

type Target = { node: ViotIommuNode } | { code: LiveEndpointCode; problem: string };

/** The IOMMU node an Output Node names, as viot_get_iommu finds it, or why there is none. */
function iommuOf(ref: ViotNodeRef, nodes: readonly ViotNode[], paths: readonly string[], resolved?: ResolvedTopology): Target {
  const index = 'node' in ref ? ref.node : undefined;
  const target = index === undefined ? undefined : nodes[index];
  if (target === undefined) {
    const what = 'offset' in ref ? `offset ${hex(ref.offset)}, where no node starts` : `node ${index}, which does not exist`;
    return { code: 'viot-output-dangling', problem: `the Output Node names ${what}` };
  }
  const where = paths[index!]!;
  if (isOtherNode(target) && (target.type === ViotNodeType.VIRTIO_IOMMU_PCI || target.type === ViotNodeType.VIRTIO_IOMMU_MMIO)) {
    return { code: 'viot-iommu-short', problem: `the Output Node names ${where}, an IOMMU node shorter than 16 bytes` };
  }
  if (!isIommuNode(target)) {
    const spec = specOfNode(target);
    const kind = spec ? `a ${spec.typeName}` : `a node of type ${String(target.type)}`;
    return { code: 'viot-output-not-iommu', problem: `the Output Node names ${where}, ${kind}, not an IOMMU node` };
  }
  if (resolved && target.type === 'VirtioIommuPci' && !pciFunctionAt(resolved, target.segment, target.bdf)) {
    return {
      code: 'viot-iommu-not-found',
      problem: `${where} is the PCI function ${formatSbdf(target.segment, target.bdf)}, but the topology has none there ` +
        `(numbering ${resolved.numbering})`,
    };
  }
  return { node: target };
}

function pciFunctionAt(resolved: ResolvedTopology, segment: number, bdf: number): boolean {
  return resolved.functions.some((f) => f.segment === segment && f.rid === bdf);
}
