/**
 * `ridmap check INPUT... [--topology T] [--numbering POLICY...] [--format text|json]`:
 * lint (the named checks), round trip, consistency between the inputs and
 * with the topology, renumbering invariance and the topology's own findings.
 * Text: findings on stderr in the usual form, a summary per table on stdout.
 * JSON: `{findings, summary}` on stdout. Exit 1 on any error finding, 2 for
 * unreadable input.
 */
import { InvalidArgumentError, Option, type Command } from 'commander';
import { needsText } from '../../checks/check.js';
import { checkInputs } from '../../checks/check-inputs.js';
import { CHECKS } from '../../checks/registry.js';
import { selectChecks } from '../../checks/select.js';
import { formatSummary } from '../../checks/summary.js';
import { hasErrors, InputError } from '../../diagnostic.js';
import type { LoadedInput } from '../../io/load-input.js';
import { compareSnapshotWithLinux, LINUX_DIFFERS } from '../../import/host/host-oracle.js';
import { inputName, readInputText } from '../../io/read-input.js';
import { NUMBERING_POLICIES } from '../../model/numbering.js';
import type { CliContext } from '../context.js';
import { readInputFiles, verdictSummary, type SnapshotInput } from '../snapshot-input.js';
import { EXIT_FINDINGS, EXIT_INPUT } from '../exit-codes.js';
import { failOnOption, failsOnWarnings, firmwareOption, includeDirOption, linuxTarget, osOption, signatureOption, strictOption, verboseOption, visibleDiagnostics, type FailOn } from '../options.js';
import { appendAll } from '../../append.js';

interface CheckCliOptions {
  os: string;
  firmware: string;
  topology?: string;
  numbering?: string[];
  format: 'text' | 'json';
  verbose: boolean;
  includeDir?: string[];
  enable?: string[];
  disable?: string[];
  signature?: string[];
  failOn: FailOn;
}

const POLICY_NAMES = NUMBERING_POLICIES.map((p) => p.name);

/** Policies as several arguments or comma-separated (`--numbering compact,hotplug-shift`). */
function policyList(value: string, previous: string[] | undefined): string[] {
  const names = value.split(',').map((s) => s.trim()).filter(Boolean);
  const bad = names.filter((n) => !POLICY_NAMES.includes(n));
  if (bad.length) throw new InvalidArgumentError(`unknown numbering policy ${bad.join(', ')}; valid policies: ${POLICY_NAMES.join(', ')}`);
  return [...(previous ?? []), ...names];
}

/** Check ids, repeatable or comma-separated (`--disable a,b --disable c`), as dtc's -W takes them; checkInputs refuses unknown ones. */
function idList(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), ...value.split(',').map((s) => s.trim()).filter(Boolean)];
}

export function registerCheck(program: Command, ctx: CliContext): void {
  program
    .command('check')
    .description('lint, round-trip and cross-check tables and topologies; exit 1 on any error finding')
    .argument('[input...]', 'tables (raw, acpidump text, iasl .dsl, decoded JSON, DTB, DTS) and/or one topology (built and checked too), or a machine snapshot (ridmap snapshot: its tables against its PCI tree and against what Linux did)')
    .option('-t, --topology <file>', 'the platform\'s topology: resolve the tables against it (it is checked, not built)')
    .addOption(new Option('-n, --numbering <policy...>', `renumbering policies to check (default: all: ${POLICY_NAMES.join(', ')})`).argParser(policyList))
    .addOption(new Option('-f, --format <format>', 'output form').choices(['text', 'json']).default('text'))
    .addOption(new Option('--enable <id>', 'list only these checks (repeatable, or comma-separated ids)').argParser(idList))
    .addOption(new Option('--disable <id>', 'do not list these checks (repeatable, or comma-separated ids)').argParser(idList))
    .addOption(osOption())
    .addOption(firmwareOption())
    .addOption(verboseOption())
    .addOption(includeDirOption())
    .addOption(signatureOption())
    .addOption(failOnOption())
    .addOption(strictOption())
    .addHelpText(
      'after',
      `
Checks (${CHECKS.length}; ids are stable; each with what it needs to run):
${CHECKS.map((c) => `  ${c.id.padEnd(34)} ${c.severity.padEnd(7)} ${needsText(c.needs)}`).join('\n')}

Renumbering: the topology is numbered under each policy, every table resolved again, and
each device must keep the IOMMU and output IDs the topology gives it: an error for DMAR
(scope paths do not hold bus numbers), a warning for RID-keyed tables (VIOT, IORT, DT).

Examples:
  ridmap check out/q35/DMAR.dat --topology tables/q35-vtd-pci-bridge.yaml
  ridmap check tables/x86-server-dmar.yaml
  ridmap check board.dts IORT.dat --topology board.yaml
  ridmap check dump.txt --disable table-checksum,reserved-nonzero
  sudo acpidump | ridmap check - --signature DMAR
  ridmap check dump.txt --strict          # CI: warnings exit 1 too
  ridmap check IORT.dat --enable iort-reference-cycle --enable iort-dangling-reference
  sudo acpidump > dump.txt && ridmap check dump.txt --format json`,
    )
    .action(async (inputs: string[], opts: CheckCliOptions) => {
      if (inputs.length === 0 && !opts.topology) {
        throw new InputError([{ severity: 'error', code: 'usage', message: 'check needs an input, or a --topology to check on its own' }]);
      }
      const selection = { ...(opts.enable ? { enable: opts.enable } : {}), ...(opts.disable ? { disable: opts.disable } : {}) };
      selectChecks(selection, CHECKS); // an unknown id is a usage error before any input is read
      const progress = ctx.progress('check', { json: opts.format === 'json' });
      const loaded: LoadedInput[] = [];
      const machines: { file: string; input: SnapshotInput }[] = [];
      for await (const read of readInputFiles(inputs, opts.includeDir ?? [], progress)) {
        if (!('machine' in read)) {
          loaded.push(read.loaded);
          continue;
        }
        // A machine snapshot: its tables are checked against its own PCI tree, and the map against what Linux did.
        machines.push({ file: read.file, input: read.machine });
        appendAll(loaded, read.machine.tables);
      }
      if (machines.length > 1) throw new InputError([{ severity: 'error', code: 'usage', message: 'check takes one machine snapshot at a time' }]);
      const machine = machines[0];
      const topology = opts.topology
        ? { file: inputName(opts.topology), text: readInputText(opts.topology) }
        : machine ? { file: machine.file, text: machine.input.topologyText } : undefined;
      const checked = checkInputs(loaded, {
        ...(topology ? { topology } : {}),
        ...(opts.numbering ? { policies: opts.numbering } : {}),
        linux: linuxTarget(opts),
        checks: selection,
        ...(opts.signature ? { signatures: opts.signature } : {}),
        onStep: (step) => progress.step(step),
      });
      const verdict = machine ? compareSnapshotWithLinux(machine.input.snapshot, machine.input.topology) : undefined;
      // Under check, a difference from Linux that no rule explains is an error: the map is not what Linux did.
      const linuxFindings = (verdict?.findings ?? []).map((d) => (d.code === LINUX_DIFFERS ? { ...d, severity: 'error' as const } : d));
      const result = { ...checked, findings: [...(machine?.input.warnings ?? []), ...checked.findings, ...linuxFindings] };
      if (opts.format === 'json') {
        ctx.out(JSON.stringify({ findings: result.findings, summary: result.summary, ...(verdict ? { linux: verdict.comparison } : {}) }, null, 2));
      } else {
        ctx.report(visibleDiagnostics(result.findings, opts.verbose));
        ctx.out(formatSummary(result.summary));
        if (verdict) ctx.out(verdictSummary(verdict.comparison));
      }
      if (result.inputError) ctx.fail(EXIT_INPUT);
      if (hasErrors(result.findings) || failsOnWarnings(result.findings, opts.failOn)) ctx.fail(EXIT_FINDINGS);
    });
}
