/**
 * Every command, in the order --help lists them. Each is loaded only when it
 * runs (or when help lists them all): a command pulls in its own part of the
 * library, and `ridmap decode` should not pay for the topology schema, YAML
 * or the DTS grammar at start-up.
 */
import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import { commandWord } from '../command-word.js';

export type RegisterCommand = (program: Command, ctx: CliContext) => void;

export interface CommandEntry {
  name: string;
  load: () => Promise<RegisterCommand>;
}

export const COMMANDS: readonly CommandEntry[] = [
  { name: 'boot', load: async () => (await import('./boot.js')).registerBoot },
  { name: 'build', load: async () => (await import('./build.js')).registerBuild },
  { name: 'check', load: async () => (await import('./check.js')).registerCheck },
  { name: 'decode', load: async () => (await import('./decode.js')).registerDecode },
  { name: 'diff', load: async () => (await import('./diff.js')).registerDiff },
  { name: 'encode', load: async () => (await import('./encode.js')).registerEncode },
  { name: 'export', load: async () => (await import('./export.js')).registerExport },
  { name: 'golden', load: async () => (await import('./golden.js')).registerGolden },
  { name: 'import', load: async () => (await import('./import.js')).registerImport },
  { name: 'map', load: async () => (await import('./map.js')).registerMap },
  { name: 'plan', load: async () => (await import('./plan.js')).registerPlan },
  { name: 'schema', load: async () => (await import('./schema.js')).registerSchema },
  { name: 'snapshot', load: async () => (await import('./snapshot.js')).registerSnapshot },
  { name: 'which', load: async () => (await import('./which.js')).registerWhich },
];

/**
 * The commands a command line needs: the one it names, or all of them when
 * it names none we know (help, a typo: commander then lists or suggests).
 */
export function commandsFor(argv: readonly string[]): readonly CommandEntry[] {
  const first = commandWord(argv);
  const named = COMMANDS.find((c) => c.name === first);
  return named ? [named] : COMMANDS;
}
