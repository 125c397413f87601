/**
 * Values and expectations in words, for "expected X but found Y" messages.
 * Found values are shown as the user wrote them would read in YAML, not as
 * JavaScript sees them.
 */
import type { TSchema } from '@sinclair/typebox';

const MAX_SHOWN = 60;

export function describeValue(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (v === null) return 'an empty value (null)';
  if (typeof v === 'string') {
    const shown = v.length > MAX_SHOWN ? `${v.slice(0, MAX_SHOWN)}…` : v;
    return JSON.stringify(shown);
  }
  if (typeof v === 'bigint') return `${v} (0x${v.toString(16)})`;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) return `a list of ${v.length} item(s)`;
  return 'an object';
}

type Described = TSchema & { type?: string; const?: unknown; anyOf?: Described[] };

export function expectedText(schema: TSchema): string {
  const s = schema as Described;
  if (s.const !== undefined) return JSON.stringify(s.const);
  if (s.anyOf) return s.anyOf.map(expectedText).join(' or ');
  const byType: Record<string, string> = {
    string: 'a string',
    integer: 'an integer',
    number: 'a number',
    boolean: 'true or false',
    array: 'a list',
    object: 'an object',
    null: 'an empty value',
  };
  return byType[s.type ?? ''] ?? 'an object';
}

/** `an integer from 0 to 0xffff`; big bounds in hex because that is how registers are documented. */
export function integerRangeText(schema: TSchema): string {
  const { minimum, maximum } = schema as { minimum?: number; maximum?: number };
  const show = (n: number) => (n > 0xffff ? `0x${n.toString(16)}` : String(n));
  if (minimum !== undefined && maximum !== undefined) return `an integer from ${show(minimum)} to ${show(maximum)}`;
  if (maximum !== undefined) return `an integer at most ${show(maximum)}`;
  if (minimum !== undefined) return `an integer of at least ${show(minimum)}`;
  return 'an integer';
}
