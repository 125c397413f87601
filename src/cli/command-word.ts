/**
 * The command a command line names: its first word that is not an option.
 * One rule for the launcher (which script to start) and for main (which
 * commands to register), so that the two never pick differently.
 */
export function commandWord(argv: readonly string[]): string | undefined {
  return argv.find((a) => !a.startsWith('-'));
}
