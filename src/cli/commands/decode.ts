/**
 * `ridmap decode FILE... [--format text|json]`: every table in each input, in
 * iasl's field-line form (so it diffs against `iasl -d`) or as the JSON that
 * `encode` reads back; a DTB or DTS prints as the DTS dtc would print. What
 * cannot be decoded is reported on stderr with its offset, the rest is still
 * printed, and the exit code is 2.
 */
import { Option, type Command } from 'commander';
import { writeTablesJson, writeTablesText } from '../../acpi/print-table.js';
import { tableToJson, type DecodedTable } from '../../acpi/table.js';
import { hasErrors, type Diagnostic } from '../../diagnostic.js';
import { decodeMapFindings } from '../../checks/decode-findings.js';
import { readDiagnostics } from '../../io/load-input.js';
import { treeToJson } from '../../dt/json.js';
import { loadInputFile } from '../../io/load-input-file.js';
import type { CliContext } from '../context.js';
import { EXIT_FINDINGS, EXIT_INPUT } from '../exit-codes.js';
import { iaslForm } from '../../codec/index.js';
import { failOnOption, failsOnWarnings, iaslFormatOption, includeDirOption, signatureOption, strictOption, visibleDiagnostics, verboseOption, type FailOn } from '../options.js';
import { selectTables, signaturesNotFound } from '../../io/signatures.js';
import { appendAll } from '../../append.js';

export function registerDecode(program: Command, ctx: CliContext): void {
  program
    .command('decode')
    .description('print every table in raw tables, acpidump text, iasl .dsl files, decoded JSON, DTB or DTS')
    .argument('<file...>', 'input files (kind detected from the content)')
    .addOption(new Option('-f, --format <format>', 'output form').choices(['text', 'json']).default('text'))
    .addOption(iaslFormatOption())
    .addOption(verboseOption())
    .addOption(includeDirOption())
    .addOption(signatureOption())
    .addOption(failOnOption())
    .addOption(strictOption())
    .addHelpText(
      'after',
      `
Text is what \`iasl -d\` prints, line for line: field lines [OOOh DDDD WWWh]  Label : Value,
the flag bits iasl decodes beneath, and the Raw Table Data dump; \`--iasl-format 2020\` prints
the form of iasl before 20221020 (Debian 12's). Tables ridmap does not model print as header + hex dump.
A DTB or DTS prints as DTS (what \`dtc -O dts\` prints, labels and references kept).
JSON is the input of \`ridmap encode\` (edit it, then recompile).

Examples:
  ridmap decode DMAR.dat
  sudo acpidump > dump.txt && ridmap decode dump.txt
  sudo acpidump | ridmap decode - --signature DMAR,IORT
  ridmap decode IORT.dat --format json > iort.json
  ridmap decode board.dtb`,
    )
    .action(async (files: string[], opts: { format: 'text' | 'json'; iaslFormat: string; verbose: boolean; includeDir?: string[]; signature?: string[]; failOn: FailOn }) => {
      const tables: DecodedTable[] = [];
      const trees: unknown[] = [];
      const diagnostics: Diagnostic[] = [];
      // Findings that do not make the input unreadable: printed, but decode still succeeds.
      const shown: Diagnostic[] = [];
      const out = ctx.outStream();
      // The signatures every input held, for --signature's note on those none did.
      const formats: { format: string }[] = [];
      for (const file of files) {
        // An unreadable file ends the command: what the files before it printed still goes out, as it did unstreamed.
        const whole = await loadInputFile(file, { includeDirs: opts.includeDir ?? [] }).catch((e: unknown) => {
          out.flush();
          throw e;
        });
        for (const t of whole.tables) formats.push({ format: t.format });
        const input = selectTables([whole], opts.signature)[0]!;
        if (input.topologyText !== undefined) {
          diagnostics.push({ severity: 'error', code: 'input-is-topology', file: input.file,
            message: 'this is a topology, not a table: `ridmap build` makes tables from it, `ridmap map` shows its map' });
          continue;
        }
        appendAll(diagnostics, readDiagnostics(input));
        const acpi: DecodedTable[] = [];
        for (const t of input.tables) {
          const walked = decodeMapFindings(t);
          appendAll(diagnostics, walked.unusable);
          appendAll(shown, walked.shown);
          if ('table' in t.decoded) acpi.push(t.decoded.table);
          else if (opts.format === 'text') {
            if (!t.writeText?.(out)) {
              out.flush();
              ctx.out(t.printText());
            }
            // What DTS cannot spell is printed as a comment; the text is then incomplete, which is an error like any undecodable part.
            for (const what of t.leftOutOfText?.() ?? []) {
              diagnostics.push({ severity: 'error', code: 'dt-name-invalid', file: input.file, message: `${what} is left out of the DTS (a comment says where): DTS has no way to spell its name` });
            }
          }
          else trees.push({ file: input.file, deviceTree: treeToJson(t.decoded.tree) });
        }
        // Text is written file by file; only the JSON document needs every table at the end (a batch must not keep 1,000 models alive).
        if (opts.format === 'json') appendAll(tables, acpi);
        if (opts.format === 'text') writeTablesText(out, acpi, { file: input.file, form: iaslForm(opts.iaslFormat) });
      }
      if (opts.format === 'json') {
        // One document: ACPI tables as `encode` reads them; device trees (which encode does not take) beside them.
        if (trees.length === 0) writeTablesJson(out, tables);
        else ctx.out(JSON.stringify({ tables: tables.map(tableToJson), deviceTrees: trees }, null, 2));
      }
      out.flush();
      appendAll(shown, signaturesNotFound(formats, opts.signature));
      ctx.report(visibleDiagnostics([...diagnostics, ...shown], opts.verbose));
      if (hasErrors(diagnostics)) ctx.fail(EXIT_INPUT);
      // A warning (a reserved field set, a wrong checksum) decodes: exit 0, unless CI asked for warnings to fail.
      else if (failsOnWarnings([...diagnostics, ...shown], opts.failOn)) ctx.fail(EXIT_FINDINGS);
    });
}
