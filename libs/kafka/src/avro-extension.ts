import avro from 'avsc';
import { HarkError } from '@hark/errors';
import { encodeAt, encoded, HEADER, writeHeader } from './wire-format.ts';

/**
 * Where an output schema holds the input record it extends. Avro writes a record as its
 * fields' encodings one after the other, so either layout lets the consumed body be reused:
 * - `nested`: the output's first field is the input record (ScoredMention's `mention`);
 *   output body = consumed body + added fields.
 * - `spliced`: the output has the input's fields, the added ones among them after the
 *   first `kept` (ResolvedMention has ScoredMention's, `theme` still last); output body =
 *   consumed body up to its trailing fields + added fields + those trailing fields.
 */
export type ExtensionLayout =
  | { kind: 'nested'; field: string; added: readonly string[] }
  | { kind: 'spliced'; kept: number; added: readonly string[]; trailing: readonly string[] };

export interface Extension<I = unknown, A = unknown> {
  readonly layout: ExtensionLayout;
  /**
   * Whether the output embeds the input schema exactly (Parsing Canonical Form): false when
   * the two .avsc files drifted apart, and then nothing can be appended.
   */
  readonly exact: boolean;
  /** The output value as a full encode writes it: the input with the added fields (the input's win). */
  compose(input: I, added: A): unknown;
  /**
   * The framed output: header with `schemaId`, the consumed body with the added fields'
   * encoding spliced in. `framed` must be written with the input schema itself (the caller
   * checks the writer schema id) and `input` decoded from it. `undefined` when its trailing
   * fields are not the bytes `input`'s encode to (a writer that encodes differently from
   * avsc), or when the layout is not `exact`: the caller then encodes in full. Throws what
   * the added fields' encode throws.
   */
  append(framed: Buffer, input: I, added: A): Buffer | undefined;
}

/**
 * How `output` extends `input`, worked out once from the two schemas; `schemaId` is the
 * output's registered id, written in every appended header. Throws `HARK_CONFIG_INVALID`
 * when the output does not hold the input's fields in either layout (a declaration error).
 */
export function createExtension<I, A>(opts: {
  output: avro.Schema;
  input: avro.Schema;
  schemaId: number;
}): Extension<I, A> {
  const out = recordType(opts.output);
  const inp = recordType(opts.input);
  const plan = planLayout(out, inp);
  const added = fieldsType(out, plan.added, 'Added');
  const trailing =
    plan.layout.kind === 'spliced' && plan.layout.trailing.length > 0
      ? fieldsType(inp, plan.layout.trailing, 'Trailing')
      : undefined;
  const nestedField = plan.layout.kind === 'nested' ? plan.layout.field : undefined;
  const schemaId = opts.schemaId;
  // Where each output field comes from, in the output's order: a value composed field by field
  // always gets the same hidden class (a spread with a computed key does not), which the
  // encoder reads fastest.
  const addedNames = new Set(plan.added);
  const sources = out.fields.map((f) => ({
    name: f.name,
    from: f.name === nestedField ? 'nested' : addedNames.has(f.name) ? 'added' : 'input',
  }));

  return {
    layout: plan.layout,
    exact: plan.exact,
    compose(input, more) {
      const value: Record<string, unknown> = {};
      for (const { name, from } of sources)
        value[name] =
          from === 'nested'
            ? input
            : (from === 'added'
                ? (more as Record<string, unknown>)
                : (input as Record<string, unknown>))[name];
      return value;
    },
    append(framed, input, more) {
      if (!plan.exact) return undefined;
      // The added fields first: their length decides the output's size, so it is allocated once.
      const addedEnd = encodeAt(added, more, 0);
      let cut = framed.length;
      if (trailing) {
        const tailEnd = encodeAt(trailing, input, addedEnd);
        cut = framed.length - (tailEnd - addedEnd);
        if (cut < HEADER || encoded().compare(framed, cut, framed.length, addedEnd, tailEnd) !== 0)
          return undefined;
      }
      const buf = Buffer.allocUnsafe(framed.length + addedEnd);
      writeHeader(buf, schemaId);
      framed.copy(buf, HEADER, HEADER, cut);
      encoded().copy(buf, cut, 0, addedEnd);
      if (cut < framed.length) framed.copy(buf, cut + addedEnd, cut);
      return buf;
    },
  };
}

function recordType(schema: avro.Schema): avro.types.RecordType {
  const type = avro.Type.forSchema(schema);
  if (!(type instanceof avro.types.RecordType))
    throw new HarkError('HARK_CONFIG_INVALID', `${type.name ?? 'schema'} is not a record`);
  return type;
}

/** A record of some of `type`'s fields, in `type`'s order: encodes just those of a value. */
function fieldsType(
  type: avro.types.RecordType,
  names: readonly string[],
  suffix: string,
): avro.Type {
  const fields = type.fields.filter((f) => names.includes(f.name));
  return avro.Type.forSchema({
    type: 'record',
    name: `${type.name ?? 'Record'}${suffix}`,
    // Type instances stand for themselves in a schema: named types keep their definitions.
    fields: fields.map((f) => ({ name: f.name, type: f.type as unknown as avro.Schema })),
  });
}

function planLayout(
  out: avro.types.RecordType,
  inp: avro.types.RecordType,
): { layout: ExtensionLayout; added: string[]; exact: boolean } {
  const first = out.fields[0];
  if (first && first.type.name !== undefined && first.type.name === inp.name) {
    const added = out.fields.slice(1).map((f) => f.name);
    return {
      layout: { kind: 'nested', field: first.name, added },
      added,
      exact: first.type.equals(inp),
    };
  }
  const n = inp.fields.length;
  let kept = 0;
  while (kept < n && out.fields[kept]?.name === inp.fields[kept]!.name) kept++;
  const trailingCount = n - kept;
  const addedCount = out.fields.length - n;
  const tailStart = out.fields.length - trailingCount;
  const trailingFits = inp.fields
    .slice(kept)
    .every((f, i) => out.fields[tailStart + i]?.name === f.name);
  if (kept === 0 || addedCount < 1 || !trailingFits)
    throw new HarkError(
      'HARK_CONFIG_INVALID',
      `${out.name} does not extend ${inp.name}: it neither starts with it nor holds its fields around the added ones`,
      { context: { output: out.name, input: inp.name } },
    );
  const added = out.fields.slice(kept, tailStart).map((f) => f.name);
  const exact = inp.fields.every((f, i) => {
    const o = out.fields[i < kept ? i : tailStart + (i - kept)]!;
    return o.type.equals(f.type);
  });
  return {
    layout: { kind: 'spliced', kept, added, trailing: inp.fields.slice(kept).map((f) => f.name) },
    added,
    exact,
  };
}
