/**
 * Generates TypeScript types from the .avsc files in schemas/ so the event
 * types live in one place and cannot drift from the contract:
 * `npm run gen:types` writes src/types.generated.ts; a unit test fails when
 * the checked-in file differs from what this script produces.
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { SCHEMA_FILES, loadSchema, type EventName } from '../src/schemas.ts';

type AvroSchema = string | AvroSchema[] | { type: string | AvroSchema; [k: string]: unknown };

interface Named {
  text: string;
  json: string;
}

export function generateTypes(): string {
  const named = new Map<string, Named>();

  function render(schema: AvroSchema): string {
    if (typeof schema === 'string') return primitive(schema) ?? shortName(schema);
    if (Array.isArray(schema)) return schema.map(render).join(' | ');
    const t = schema.type;
    if (typeof t !== 'string') return render(t);
    if (primitive(t) && t !== 'record') return primitive(t)!;
    switch (t) {
      case 'array':
        return `${wrap(render(schema.items as AvroSchema))}[]`;
      case 'map':
        return `Record<string, ${render(schema.values as AvroSchema)}>`;
      case 'enum':
        return define(
          schema,
          `export type ${schema.name} = ${(schema.symbols as string[]).map((s) => `'${s}'`).join(' | ')};\n` +
            `/** The ${schema.name} symbols in schema order. */\n` +
            `export const ${schema.name}Symbols = [${(schema.symbols as string[]).map((s) => `'${s}'`).join(', ')}] as const satisfies readonly ${schema.name}[];`,
        );
      case 'fixed':
        return 'Buffer';
      case 'record': {
        const fields = (
          schema.fields as { name: string; type: AvroSchema; doc?: string; default?: unknown }[]
        ).map((f) => `${f.doc ? `  /** ${f.doc} */\n` : ''}  ${f.name}: ${render(f.type)};`);
        return define(
          schema,
          `${schema.doc ? `/** ${schema.doc} */\n` : ''}export interface ${schema.name} {\n${fields.join('\n')}\n}`,
        );
      }
      default:
        throw new Error(`unsupported Avro type ${t}`);
    }
  }

  function define(schema: { [k: string]: unknown }, text: string): string {
    const name = String(schema.name);
    const json = JSON.stringify(schema);
    const prior = named.get(name);
    if (prior && prior.json !== json) {
      throw new Error(
        `named type ${name} is defined differently in two schemas; keep every copy identical`,
      );
    }
    if (!prior) named.set(name, { text, json });
    return name;
  }

  for (const name of Object.keys(SCHEMA_FILES) as EventName[])
    render(loadSchema(name) as AvroSchema);
  const header = '// Generated from schemas/*.avsc by `npm run gen:types`. Do not edit.\n';
  return header + [...named.values()].map((n) => n.text).join('\n\n') + '\n';
}

function primitive(t: string): string | undefined {
  return (
    {
      null: 'null',
      boolean: 'boolean',
      int: 'number',
      long: 'number',
      float: 'number',
      double: 'number',
      bytes: 'Buffer',
      string: 'string',
    } as Record<string, string>
  )[t];
}

function shortName(fullName: string): string {
  return fullName.split('.').pop()!;
}

function wrap(s: string): string {
  return s.includes('|') ? `(${s})` : s;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const out = new URL('../src/types.generated.ts', import.meta.url);
  writeFileSync(out, generateTypes());
  console.log(`wrote ${fileURLToPath(out)}`);
}
