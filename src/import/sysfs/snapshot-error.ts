/**
 * The one error a snapshot that cannot be read raises: InputError (exit 2)
 * with the file, and where in it: the archive's byte offset (`tar@0x400`) or
 * the manifest's line.
 */
import { InputError } from '../../diagnostic.js';

export const SNAPSHOT_INVALID = 'sysfs-snapshot-invalid';

export function snapshotInvalid(file: string, message: string, path?: string, offset?: number, line?: number): InputError {
  return new InputError([{
    severity: 'error', code: SNAPSHOT_INVALID, file, message,
    ...(path !== undefined ? { path } : {}), ...(offset !== undefined ? { offset } : {}), ...(line !== undefined ? { line } : {}),
  }]);
}
