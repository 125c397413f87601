/**
 * `ridmap decode FILE... [--format text|json]`: every table in each input, in
 * iasl's field-line form (so it diffs against `iasl -d`) or as the JSON that
 * `encode` reads back. What cannot be decoded is reported on stderr with its
 * offset, the rest is still printed, and the exit code is 2.
 */
import { Option, type Command } from 'commander';
import { decodeInput } from '../../acpi/decode-input.js';
import { printTablesJson, printTablesTextChunks } from '../../acpi/print-table.js';
import type { DecodedTable } from '../../acpi/table.js';
import { hasErrors, type Diagnostic } from '../../diagnostic.js';
import { readInputBytes } from '../../io/read-input.js';
import type { CliContext } from '../context.js';
import { EXIT_INPUT } from '../exit-codes.js';
import { visibleDiagnostics, verboseOption } from '../options.js';

export function registerDecode(program: Command, ctx: CliContext): void {
  program
    .command('decode')
    .description('print every table in raw tables, acpidump text, iasl .dsl files or decoded JSON')
    .argument('<file...>', 'input files (kind detected from the content)')
    .addOption(new Option('-f, --format <format>', 'output form').choices(['text', 'json']).default('text'))
    .addOption(verboseOption())
    .addHelpText(
      'after',
      `
Text uses iasl's field lines, [OOOh DDDD  W]  Label : Value, with flags decoded beneath, so
a diff against \`iasl -d\` lines up. Tables ridmap does not model print as header + hex dump.
JSON is the input of \`ridmap encode\` (edit it, then recompile).

Examples:
  ridmap decode DMAR.dat
  sudo acpidump > dump.txt && ridmap decode dump.txt
  ridmap decode IORT.dat --format json > iort.json`,
    )
    .action((files: string[], opts: { format: 'text' | 'json'; verbose: boolean }) => {
      const tables: DecodedTable[] = [];
      const diagnostics: Diagnostic[] = [];
      for (const file of files) {
        const input = decodeInput(readInputBytes(file), file);
        diagnostics.push(...input.diagnostics, ...input.tables.flatMap((t) => t.diagnostics));
        tables.push(...input.tables);
        if (opts.format === 'text') ctx.outChunks(printTablesTextChunks(input.tables, { file }));
      }
      if (opts.format === 'json') ctx.out(printTablesJson(tables));
      ctx.report(visibleDiagnostics(diagnostics, opts.verbose));
      if (hasErrors(diagnostics)) ctx.fail(EXIT_INPUT);
    });
}
