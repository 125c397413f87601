/**
 * `-` (standard input) named twice in one command line: refused before any
 * input is read, so that `decode - -` does not print the first and then
 * fail: a pipe gives its bytes once, and two inputs that are one stream are
 * a mistake. For every command, present and future (a commander hook).
 */
import type { Command } from 'commander';
import { InputError } from '../diagnostic.js';
import { STDIN_ARG } from '../io/read-input.js';

/** Options whose value is written, not read: `-o -` names no input. */
const OUTPUT_OPTIONS = new Set(['out', 'output']);

export function refuseStdinTwice(command: Command): void {
  const inputs = Object.entries(command.opts()).filter(([key]) => !OUTPUT_OPTIONS.has(key)).flatMap(([, value]) => value as unknown);
  const named = [...command.args, ...inputs].filter((v) => v === STDIN_ARG).length;
  if (named > 1) {
    throw new InputError([{ severity: 'error', code: 'usage',
      message: `standard input (-) is named ${named} times; it can be read only once: give the other inputs as files` }]);
  }
}
