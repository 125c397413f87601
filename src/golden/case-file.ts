/**
 * A golden case is a directory holding `case.yaml` and the expected outputs
 * of one topology as reviewable text. `case.yaml` points at the topology
 * (relative to the case directory) rather than holding a copy, so that the
 * example in tables/ stays the one source:
 *
 *     topology: ../../tables/q35-vtd-pci-bridge.yaml
 *     numbering: firmware        # optional: the bus numbering to build under
 *
 * A golden directory is one case, or a directory of cases.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { parseDocument } from 'yaml';
import { InputError, type Diagnostic } from '../diagnostic.js';
import { readInputText } from '../io/read-input.js';
import { NUMBERING_POLICIES } from '../model/numbering.js';

export const CASE_FILE = 'case.yaml';

export interface GoldenCase {
  /** The case directory. */
  dir: string;
  /** How reports name it: the directory as the user gave it. */
  name: string;
  topology: string;
  numbering?: string;
}

/** The cases under `dir`: the directory itself when it has a case.yaml, else its subdirectories (each must be a case). */
export function findCases(dir: string): GoldenCase[] {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw problem(dir, `${dir} is not a directory`);
  if (existsSync(join(dir, CASE_FILE))) return [readCase(dir, dir)];
  const subdirs = readdirSync(dir).filter((n) => !n.startsWith('.') && statSync(join(dir, n)).isDirectory()).sort();
  const notCases = subdirs.filter((n) => !existsSync(join(dir, n, CASE_FILE)));
  if (notCases.length) {
    throw new InputError(notCases.map((n) => diag(join(dir, n), `${join(dir, n)} has no ${CASE_FILE}: every directory of a golden directory is a case`)));
  }
  if (subdirs.length === 0) throw problem(dir, `${dir} has no ${CASE_FILE} and no case directories`);
  return subdirs.map((n) => readCase(join(dir, n), join(dir, n)));
}

function readCase(dir: string, name: string): GoldenCase {
  const file = join(dir, CASE_FILE);
  const doc = parseDocument(readInputText(file));
  const problems: Diagnostic[] = doc.errors.map((e) => diag(file, e.message));
  const value = doc.toJS() as unknown;
  if (problems.length === 0 && (value === null || typeof value !== 'object' || Array.isArray(value))) problems.push(diag(file, 'expected a mapping with `topology:`'));
  const v = (problems.length ? {} : value) as Record<string, unknown>;
  for (const key of Object.keys(v)) if (key !== 'topology' && key !== 'numbering') problems.push(diag(file, `unknown key "${key}" (a case has topology and numbering)`));
  if (problems.length === 0 && typeof v['topology'] !== 'string') problems.push(diag(file, '`topology:` must name the topology file, relative to the case directory'));
  const policies = NUMBERING_POLICIES.map((p) => p.name);
  if (v['numbering'] !== undefined && !policies.includes(v['numbering'] as string)) {
    problems.push(diag(file, `numbering must be one of ${policies.join(', ')}`));
  }
  if (problems.length) throw new InputError(problems);
  const topology = resolve(dir, v['topology'] as string);
  if (!existsSync(topology)) throw problem(file, `the topology ${relative(process.cwd(), topology)} does not exist`);
  return { dir, name, topology, ...(typeof v['numbering'] === 'string' ? { numbering: v['numbering'] } : {}) };
}

function diag(file: string, message: string): Diagnostic {
  return { severity: 'error', code: 'golden-case', file, message };
}

function problem(file: string, message: string): InputError {
  return new InputError([diag(file, message)]);
}
