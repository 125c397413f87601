/**
 * The `# yaml-language-server: $schema=` reference an imported topology's
 * header carries.
 */
import { dirname, join, relative, resolve, sep } from 'node:path';
import { DEFAULT_SCHEMA_REF } from '../import/qemu/import-qemu.js';
import { packagedFile } from '../io/packaged-file.js';

const SCHEMA_FILE = join('schema', 'topology.schema.json');

/**
 * What the header points at: the shipped schema, relative to the directory
 * the YAML lands in, so that the path still works where the file is
 * committed (an absolute path names one machine's install). With -o that is
 * the file's directory; on stdout it is taken to be the current directory,
 * where `> file.yaml` writes. Without the schema file, its $id.
 */
export function schemaRef(out: string | undefined): string {
  const schema = packagedFile(SCHEMA_FILE);
  if (schema === undefined) return DEFAULT_SCHEMA_REF;
  const from = out === undefined ? process.cwd() : dirname(resolve(out));
  return relative(from, schema).split(sep).join('/');
}

