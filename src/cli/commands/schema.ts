/** `ridmap schema`: the topology JSON Schema, for editors and other tools. */
import type { Command } from 'commander';
import { topologyJsonSchema } from '../../model/topology-json-schema.js';
import type { CliContext } from '../context.js';

export function registerSchema(program: Command, ctx: CliContext): void {
  program
    .command('schema')
    .description('print the JSON Schema of topology files (also in schema/topology.schema.json)')
    .action(() => ctx.out(JSON.stringify(topologyJsonSchema(), null, 2)));
}
