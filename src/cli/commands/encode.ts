/**
 * `ridmap encode FILE.json [-o OUT]`: the JSON that `decode --format json`
 * prints, back to table bytes. Lengths, counts, offsets and checksums are
 * computed; an invalid model is refused with every problem listed. Device
 * trees in the document are skipped with a warning (ACPI tables only).
 */
import type { Command } from 'commander';
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { encodeJsonDocument } from '../../acpi/table.js';
import { hasErrors, inFile } from '../../diagnostic.js';
import { writeFileAtomic } from '../../io/atomic-write.js';
import { readInputText } from '../../io/read-input.js';
import type { CliContext } from '../context.js';
import { EXIT_INPUT } from '../exit-codes.js';

export function registerEncode(program: Command, ctx: CliContext): void {
  program
    .command('encode')
    .description('turn decoded JSON back into table bytes (edit, then recompile)')
    .argument('<file>', 'JSON from `ridmap decode --format json`')
    .option('-o, --out <path>', 'output file (one table) or directory (several); default: SIG.dat here')
    .addHelpText(
      'after',
      `
encode writes ACPI tables only. The device trees that \`decode --format json\` puts beside
the tables ("deviceTrees") are skipped with a warning: a DTB comes from \`ridmap build\`, or
from dtc given the DTS that \`ridmap decode\` prints.

Examples:
  ridmap decode DMAR.dat --format json > dmar.json && $EDITOR dmar.json
  ridmap encode dmar.json -o DMAR.dat`,
    )
    .action((file: string, opts: { out?: string }) => {
      const { tables, diagnostics } = encodeJsonDocument(readInputText(file));
      ctx.report(inFile(file, diagnostics));
      if (hasErrors(diagnostics)) {
        ctx.fail(EXIT_INPUT);
        return;
      }
      const names = fileNames(tables.map((t) => t.signature));
      const intoDir = tables.length > 1 || (opts.out !== undefined && existsSync(opts.out) && statSync(opts.out).isDirectory());
      tables.forEach((t, i) => {
        const path = intoDir || opts.out === undefined ? join(opts.out ?? '.', names[i]!) : opts.out;
        writeFileAtomic(path, t.bytes);
        ctx.out(`${path}  ${t.signature.trimEnd()}, ${t.bytes.length} bytes`);
      });
    });
}

/** `DMAR.dat`, and `SSDT.dat`, `SSDT-2.dat`, ... for repeated signatures. */
function fileNames(signatures: readonly string[]): string[] {
  const seen = new Map<string, number>();
  return signatures.map((sig) => {
    const base = sig.trimEnd().replace(/[^A-Za-z0-9_!-]/g, '_') || 'table';
    const n = (seen.get(base) ?? 0) + 1;
    seen.set(base, n);
    return n === 1 ? `${base}.dat` : `${base}-${n}.dat`;
  });
}
