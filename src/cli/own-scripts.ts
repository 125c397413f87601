/**
 * The commands that get a bundled script of their own (dist/bin/cli-<name>.cjs,
 * scripts/bundle-cli.mjs): those run often, on small inputs, where start-up
 * is most of the time. Every other command runs from cli.cjs, the script
 * with all of them: a script, its code cache and its map are ~2.5 MB of the
 * installed package each, which a command run now and then does not repay.
 */
export const OWN_SCRIPT_COMMANDS: readonly string[] = ['decode', 'encode', 'check', 'map'];
