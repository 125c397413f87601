/**
 * `ridmap encode FILE.json [-o OUT]`: the JSON that `decode --format json`
 * prints, back to table bytes. Lengths, counts, offsets and checksums are
 * computed; an invalid model is refused with every problem listed. Device
 * trees in the document are skipped with a warning (ACPI tables only).
 * `ridmap encode board.dts [-o OUT]` compiles a DTS to the DTB dtc makes of it.
 */
import type { Command } from 'commander';
import { statSync } from 'node:fs';
import { basename, extname, join, sep } from 'node:path';
import { encodeJsonDocument } from '../../acpi/table.js';
import { hasErrors, inFile } from '../../diagnostic.js';
import { replaceFileSet } from '../../io/file-set.js';
import { compileDslText } from '../../io/iasl-dsl.js';
import { inputName, readInputText, STDIN_ARG } from '../../io/read-input.js';
import { sniffText } from '../../io/sniff.js';
import type { CliContext } from '../context.js';
import { EXIT_INPUT } from '../exit-codes.js';
import { includeDirOption } from '../options.js';

export function registerEncode(program: Command, ctx: CliContext): void {
  program
    .command('encode')
    .description('turn decoded JSON, or iasl data-table source (.dsl), back into table bytes (edit, then recompile); a DTS into its DTB')
    .argument('<file>', 'JSON from `ridmap decode --format json`, an iasl .dsl (`iasl -T SIG`, `iasl -d`, `ridmap decode`), or a DTS')
    .option('-o, --out <path>', 'output file (one table, or the DTB), or directory (several tables, an existing directory, or a path ending in /); default: SIG.dat, or NAME.dtb for NAME.dts, here')
    .addOption(includeDirOption())
    .addHelpText(
      'after',
      `
A DTS (/dts-v1/; or /include/ "FILE" at a line start) is compiled to the DTB that \`dtc -I dts -O dtb\`
makes of it, byte for byte: phandles for the labels references name, the strings block,
header version 17, the boot CPU. Its includes are read as \`decode\` reads them (-I DIR).
Errors name the file, line and column (or the node path for a reference that names
no node), and nothing is written.

The device trees that \`decode --format json\` puts beside the tables ("deviceTrees") are
skipped with a warning: a DTB comes from \`ridmap build\`, or from \`ridmap encode\` of
the DTS that \`ridmap decode\` prints.

Into a directory (-o DIR/, an existing DIR, or several tables), each table is written as
SIG.dat (SSDT.dat, SSDT-2.dat, ... for repeated signatures); the directory is created when
missing. The tables are written as one set: all of them, or none.

An iasl .dsl is compiled from its field lines as iasl compiles it (lines after
"Raw Table Data" are ignored): integers in hex, possibly expressions; a field
with bits decoded below it takes its value from the bit lines; Table Length,
the other lengths, counts, offsets and the Checksum are computed. Labels are
current iasl's, or iasl 20200925's. Unlike iasl, the Asl Compiler ID and
Revision are kept as the source has them. Errors name the file and the line.

Examples:
  ridmap decode DMAR.dat --format json > dmar.json && $EDITOR dmar.json
  ridmap encode dmar.json -o DMAR.dat
  iasl -T DMAR && $EDITOR dmar.asl && ridmap encode dmar.asl -o DMAR.dat
  ridmap encode board.dts -o board.dtb`,
    )
    .action(async (file: string, opts: { out?: string; includeDir?: string[] }) => {
      const text = readInputText(file);
      if (sniffText(text) === 'dts') return encodeDts(ctx, file, text, opts);
      const name = inputName(file);
      const { tables, diagnostics } = sniffText(text) === 'dsl' ? compileDslText(text) : encodeJsonDocument(text);
      ctx.report(inFile(name, diagnostics));
      if (hasErrors(diagnostics)) {
        ctx.fail(EXIT_INPUT);
        return;
      }
      const names = fileNames(tables.map((t) => t.signature));
      const dir = outputDir(opts.out, tables.length);
      const paths = tables.map((_, i) => (dir === undefined ? opts.out! : join(dir, names[i]!)));
      replaceFileSet(tables.map((t, i) => ({ path: paths[i]!, data: t.bytes })));
      tables.forEach((t, i) => ctx.out(`${paths[i]}  ${t.signature.trimEnd()}, ${t.bytes.length} bytes`));
    });
}

async function encodeDts(ctx: CliContext, file: string, text: string, opts: { out?: string; includeDir?: string[] }): Promise<void> {
  // Loaded only for a DTS: the ACPI encode never needs the Device Tree code.
  const { compileDtsFile } = await import('../../io/dts-compile.js');
  const { dtb, diagnostics } = await compileDtsFile(inputName(file), text, opts.includeDir ?? []);
  ctx.report(diagnostics);
  if (!dtb) {
    ctx.fail(EXIT_INPUT);
    return;
  }
  // Standard input has no name to give the DTB: board.dtb, as `build` names its tree.
  const name = `${(file !== STDIN_ARG && basename(file, extname(file))) || 'board'}.dtb`;
  const dir = outputDir(opts.out, 1);
  const path = dir === undefined ? opts.out! : join(dir, name);
  replaceFileSet([{ path, data: dtb }]);
  ctx.out(`${path}  DTB, ${dtb.length} bytes`);
}

/**
 * The directory the tables go into, or undefined when --out names the one
 * table's file: no --out is the current directory; a trailing slash or an
 * existing directory is a directory, as several tables always are.
 */
function outputDir(out: string | undefined, count: number): string | undefined {
  if (out === undefined) return '.';
  const isDir = out.endsWith('/') || out.endsWith(sep) || statSync(out, { throwIfNoEntry: false })?.isDirectory() === true;
  return isDir || count > 1 ? out : undefined;
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
