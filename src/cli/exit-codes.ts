/** Exit codes, the CLI contract of DESIGN.md. Only bin.ts hands them to the process. */
export const EXIT_OK = 0;
/** Check errors, differences, golden mismatches: the input was read, the answer is "no". */
export const EXIT_FINDINGS = 1;
/** Usage errors and unreadable or invalid input. */
export const EXIT_INPUT = 2;
/** A bug in ridmap. */
export const EXIT_INTERNAL = 3;

export type ExitCode = typeof EXIT_OK | typeof EXIT_FINDINGS | typeof EXIT_INPUT | typeof EXIT_INTERNAL;
