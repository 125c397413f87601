/** Every command, in the order --help lists them. */
import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import { registerBuild } from './build.js';
import { registerDecode } from './decode.js';
import { registerEncode } from './encode.js';
import { registerMap } from './map.js';
import { registerSchema } from './schema.js';

export type RegisterCommand = (program: Command, ctx: CliContext) => void;

export const COMMANDS: readonly RegisterCommand[] = [registerBuild, registerDecode, registerEncode, registerMap, registerSchema];
