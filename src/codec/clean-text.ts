/**
 * iasl's field lines of a clean structure, printed straight from its bytes
 * by the walk (clean-walk.ts) instead of from a decoded model: the same
 * lines as printStruct, through the same line plans and field printers of
 * print.ts, so that only where the values come from differs. A 1 MB DMAR
 * then prints without building its 100k device-scope objects.
 */
import { CURRENT_FORM, type IaslForm } from './iasl-form.js';
import type { FixedValue } from './primitives.js';
import { fieldPlansOf, printCString, printFieldValue, printHeading, printJoined, printLine, type LineFields, type LinePlan, type PrintContext } from './print.js';
import { fieldValue, walkClean, type CleanVisitor } from './clean-walk.js';
import { ByteReader } from './reader.js';
import { isPlaced, type ArrayMember, type CStringMember, type FieldMember, type GroupMember, type ListMember, type Model, type StructSpec } from './struct.js';
import type { TextSink } from './text-sink.js';

export interface CleanTextOptions {
  form?: IaslForm;
}

/**
 * Writes the field lines of a table whose bytes are exactly `bytes` (its
 * Length) into `out` and returns true when the walk finds it clean; false
 * otherwise, with `out` holding a part of the text (write into a sink of
 * its own and drop it then).
 */
export function printCleanText(spec: StructSpec, bytes: Uint8Array, out: TextSink, opts: CleanTextOptions = {}): boolean {
  const form = opts.form ?? CURRENT_FORM;
  const root = rootFields(spec, bytes);
  // A clean table's bytes sum to zero: the stored checksum is the one they should have.
  return walkClean(spec, bytes, new TextVisitor(out, { root, form }));
}

/** The root's fixed fields as decode keeps them: what labels and flag lines that depend on the table's revision look at. */
function rootFields(spec: StructSpec, bytes: Uint8Array): Model {
  const root: Model = {};
  if (bytes.length < spec.fixedSize) return root;
  const r = new ByteReader(bytes);
  spec.members.forEach((m, i) => {
    if (m.kind !== 'field' || m.optional) return;
    const v = fieldValue(spec, r, 0, i);
    if (v !== undefined && m.role === undefined) root[m.key] = v;
  });
  return root;
}

class TextVisitor implements CleanVisitor {
  /** Set while inside a structure printed as one line: its fields are not lines of their own. */
  private inLine = 0;
  /** Fields joined into one line (an older iasl's form): the first one's index and the values so far. */
  private joined: { first: number; last: number; label: string | undefined; values: Model; pos: number } | undefined;
  private plans: LinePlan[] = [];
  private readonly stack: StructSpec[] = [];
  private readonly planStack: LinePlan[][] = [];
  /** The line-printed element at hand, one object for them all (there are hundreds of thousands). */
  private readonly line = new ElementFields();

  constructor(private readonly out: TextSink, private readonly ctx: PrintContext) {}

  enter(spec: StructSpec, pos: number): void {
    if (this.inLine) {
      this.inLine++;
      return;
    }
    if (spec.line) {
      // Its fields come next (field below); the line is printed once they are all read (leave).
      const l = this.line;
      l.spec = spec;
      l.pos = pos;
      this.inLine = 1;
      return;
    }
    this.stack.push(spec);
    this.planStack.push(this.plans);
    this.plans = fieldPlansOf(spec, this.ctx.form);
  }

  leave(spec: StructSpec): void {
    if (this.inLine) {
      if (--this.inLine === 0) printLine(spec, this.line.pos, this.out, this.ctx.form, this.line);
      return;
    }
    if (spec.blankAfter) this.out.nl();
    this.stack.pop();
    this.plans = this.planStack.pop()!;
  }

  field(spec: StructSpec, index: number, member: FieldMember, v: FixedValue | undefined, pos: number): void {
    if (this.inLine) {
      if (this.inLine === 1) this.line.values[index] = v;
      return;
    }
    const j = this.joined;
    if (j) {
      j.values[member.key] = v;
      if (index === j.last) {
        printJoined(spec.members.slice(j.first, j.last + 1), j.label, j.values, j.pos, this.out, this.ctx.form);
        this.joined = undefined;
      }
      return;
    }
    if (member.block) this.out.nl();
    const plan = this.plans[index]!;
    const byForm = plan.memberForm;
    const joinIf = member.joinIf && Number(this.ctx.root[member.joinIf.rootKey]) < member.joinIf.below ? member.joinIf : undefined;
    const join = byForm?.join ?? joinIf?.join;
    if (join) {
      this.joined = { first: index, last: index + join, label: byForm?.label ?? joinIf?.label, values: { [member.key]: v }, pos };
      return;
    }
    printFieldValue(member, plan, v, pos, this.out, this.ctx);
  }

  group(_spec: StructSpec, member: GroupMember, pos: number): void {
    if (member.block) this.out.nl();
    printHeading(member, pos, this.out, this.ctx.form);
  }

  open(member: ListMember | ArrayMember): void {
    // A placed part's block line goes with the gap before it, which a clean structure does not have (printStruct).
    if (member.block && !isPlaced(member)) this.out.nl();
  }

  close(): void {}

  item(member: ListMember | ArrayMember): void {
    if (member.kind === 'list' || !member.compact) this.out.nl();
  }

  cstring(_spec: StructSpec, member: CStringMember, s: string, pos: number): void {
    if (member.block) this.out.nl();
    printCString(member, s, pos, this.out, this.ctx.form);
  }
}

/** A line-printed element's fields as the walk read them; as a model for its `write` when its line is not cached. */
class ElementFields implements LineFields {
  spec!: StructSpec;
  pos = 0;
  /** By member index, reused from element to element. */
  readonly values: (FixedValue | undefined)[] = [];

  value(index: number): unknown {
    return this.values[index];
  }

  model(): Model {
    const m: Model = {};
    this.spec.members.forEach((x, i) => {
      if (x.kind === 'field') m[x.key] = this.values[i];
    });
    return m;
  }
}
