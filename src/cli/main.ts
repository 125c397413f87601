/**
 * The CLI: commander program, one file per command under commands/, and the
 * one place where errors turn into exit codes.
 */
import { Command, CommanderError } from 'commander';
import { InputError } from '../diagnostic.js';
import { STDIN_ARG, withStdin } from '../io/read-input.js';
import { refuseStdinTwice } from './stdin-arguments.js';
import { VERSION } from '../version.js';
import { CliContext, type CliIo } from './context.js';
import { EXIT_INPUT, EXIT_INTERNAL, EXIT_OK, type ExitCode } from './exit-codes.js';
import { commandsFor } from './commands/index.js';

async function buildProgram(argv: readonly string[], ctx: CliContext): Promise<Command> {
  const program = new Command('ridmap')
    .description(
      'Build, decode and check the firmware tables that say which IOMMU translates which PCI device:\n' +
        'ACPI DMAR, VIOT, IORT and Device Tree iommu-map/msi-map.',
    )
    .version(VERSION, '-V, --version')
    .showHelpAfterError('(run with --help for usage)')
    .configureOutput({ writeOut: (s) => ctx.io.stdout(s), writeErr: (s) => ctx.io.stderr(s) })
    .exitOverride()
    .hook('preAction', (_, command) => refuseStdinTwice(command));
  program.addHelpText(
    'after',
    `
Exit codes: 0 ok, 1 findings (check errors, differences), 2 usage or unreadable/invalid input, 3 internal error.
Any input may be - for standard input (once per command; messages call it <stdin>).
--fail-on warning (or --strict) on check, decode and map: warnings exit 1 too (for CI).

Examples:
  ridmap map tables/q35-vtd-pci-bridge.yaml --format tree
  ridmap build tables/arm-smmuv3-its.yaml --out out/arm
  ridmap decode DMAR.dat
  ridmap decode acpidump.txt --format json > tables.json
  sudo acpidump | ridmap decode - --signature DMAR`,
  );
  const registers = await Promise.all(commandsFor(argv).map((c) => c.load()));
  for (const register of registers) register(program, ctx);
  for (const cmd of program.commands) cmd.exitOverride().configureOutput(program.configureOutput());
  return program;
}

/** Runs the CLI in-process and returns the exit code; never throws. */
export async function main(argv: readonly string[], io: CliIo): Promise<ExitCode> {
  const ctx = new CliContext(io);
  try {
    const program = await buildProgram(argv, ctx);
    const parse = () => program.parseAsync([...argv], { from: 'user' });
    // Only a command line that names `-` reads standard input, and only then is the run given its own:
    // scoping it (AsyncLocalStorage) turns on V8's promise hooks, which a small decode pays for in start-up.
    await (argv.includes(STDIN_ARG) ? withStdin(io.stdinFd ?? 0, parse) : parse());
    ctx.clearProgress();
    return ctx.exitCode;
  } catch (e) {
    return handleError(e, ctx);
  }
}

function handleError(e: unknown, ctx: CliContext): ExitCode {
  if (e instanceof CommanderError) {
    // --help and --version arrive here too, with exit code 0.
    return e.exitCode === 0 ? EXIT_OK : EXIT_INPUT;
  }
  if (e instanceof InputError) {
    ctx.report(e.diagnostics);
    return EXIT_INPUT;
  }
  const err = e as NodeJS.ErrnoException;
  if (typeof err?.code === 'string' && typeof err.syscall === 'string') {
    // The system refused a read or write (disk full, permissions): the environment, not a bug.
    ctx.err(`ridmap: ${err.syscall} ${err.path ?? ''} failed: ${err.code} (${err.message})`);
    return EXIT_INPUT;
  }
  ctx.err(`ridmap: internal error: ${err?.message ?? String(e)}`);
  ctx.err('This is a bug in ridmap; please report it with the input that caused it.');
  if (process.env['RIDMAP_DEBUG']) ctx.err(String(err?.stack ?? ''));
  return EXIT_INTERNAL;
}
