/** Every command, in the order --help lists them. */
import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import { registerBuild } from './build.js';
import { registerCheck } from './check.js';
import { registerDecode } from './decode.js';
import { registerDiff } from './diff.js';
import { registerEncode } from './encode.js';
import { registerGolden } from './golden.js';
import { registerImport } from './import.js';
import { registerMap } from './map.js';
import { registerSchema } from './schema.js';

export type RegisterCommand = (program: Command, ctx: CliContext) => void;

export const COMMANDS: readonly RegisterCommand[] = [registerBuild, registerCheck, registerDecode, registerDiff, registerEncode, registerGolden, registerImport, registerMap, registerSchema];
