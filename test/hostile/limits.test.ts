/**
 * src/limits.ts is the one place to read every input limit: the limits that
 * still live beside their decoders are listed there, and this keeps the
 * listed values in step with the constants in their homes.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DECODER_LIMITS } from '../../src/limits.js';
import { REPO_ROOT } from '../support/paths.js';

describe('limits kept beside their decoders', () => {
  it.each(DECODER_LIMITS.map((l) => [l.name, l] as const))('%s is what src/limits.ts says', (_name, limit) => {
    const source = readFileSync(join(REPO_ROOT, limit.home), 'utf8');
    const m = new RegExp(`const ${limit.name} = ([0-9a-fA-Fx_]+);`).exec(source);
    expect(m, `${limit.home} no longer declares ${limit.name}`).not.toBeNull();
    expect(Number(m![1]!.replace(/_/g, ''))).toBe(limit.value);
  });
});
