import { escapeHtml, inlineMarkdown } from './markdown';

/** The subset of an OpenAPI 3.0 schema object (or reference) the docs page renders. */
export interface SchemaObject {
  $ref?: string;
  type?: string;
  format?: string;
  description?: string;
  properties?: Record<string, SchemaObject>;
  required?: string[];
  items?: SchemaObject;
  anyOf?: SchemaObject[];
  oneOf?: SchemaObject[];
  allOf?: SchemaObject[];
  enum?: unknown[];
  nullable?: boolean;
  default?: unknown;
  example?: unknown;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: boolean | number;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  maxItems?: number;
  additionalProperties?: boolean | SchemaObject;
}

/** Named component schemas, to resolve `$ref`s. */
export type Components = Record<string, SchemaObject>;

/** The component name of a `#/components/schemas/Name` reference. */
export function refName(ref: string): string {
  return ref.slice(ref.lastIndexOf('/') + 1);
}

/** The anchor of a component schema's section. */
export function schemaAnchor(name: string): string {
  return `schema-${name}`;
}

/** A one-line type label: `string`, `integer 1..100`, `array of Score`, `Score | InteractionScore`, with links to components. */
export function typeLabel(schema: SchemaObject): string {
  if (schema.$ref) {
    const name = refName(schema.$ref);
    return `<a href="#${schemaAnchor(name)}">${escapeHtml(name)}</a>`;
  }
  const variants = schema.anyOf ?? schema.oneOf;
  if (variants) return variants.map(typeLabel).join(' | ');
  if (schema.allOf) return schema.allOf.map(typeLabel).join(' &amp; ');
  let label = escapeHtml(schema.type ?? 'any');
  if (schema.type === 'array' && schema.items) label = `array of ${typeLabel(schema.items)}`;
  const facts = constraints(schema);
  if (facts) label += ` <span class="facts">${facts}</span>`;
  if (schema.nullable) label += ' | null';
  return label;
}

/** The constraints of a schema in words: enum values, bounds, lengths, default. */
function constraints(schema: SchemaObject): string {
  const facts: string[] = [];
  if (schema.enum)
    facts.push(`one of ${schema.enum.map((v) => `<code>${escapeHtml(JSON.stringify(v))}</code>`).join(', ')}`);
  if (schema.minimum !== undefined || schema.maximum !== undefined)
    facts.push(`${schema.minimum ?? '…'} to ${schema.maximum ?? '…'}`);
  if (schema.minLength !== undefined || schema.maxLength !== undefined)
    facts.push(`${schema.minLength ?? 0} to ${schema.maxLength ?? '…'} characters`);
  if (schema.minItems !== undefined || schema.maxItems !== undefined)
    facts.push(`${schema.minItems ?? 0} to ${schema.maxItems ?? '…'} entries`);
  if (schema.default !== undefined) facts.push(`default <code>${escapeHtml(JSON.stringify(schema.default))}</code>`);
  return facts.join('; ');
}

/** An object schema's fields as a table (name, type, required, description); `''` for a non-object. */
export function fieldsTable(schema: SchemaObject): string {
  const properties = schema.properties;
  if (!properties || Object.keys(properties).length === 0) return '';
  const required = new Set(schema.required ?? []);
  const rows = Object.entries(properties).map(([name, field]) => {
    const nested = field.type === 'object' && field.properties ? fieldsTable(field) : '';
    const items = field.type === 'array' && field.items?.properties ? fieldsTable(field.items) : '';
    return (
      `<tr><td><code>${escapeHtml(name)}</code>${required.has(name) ? '' : ' <span class="opt">optional</span>'}</td>` +
      `<td>${typeLabel(field)}</td><td>${inlineMarkdown(field.description ?? '')}${nested}${items}</td></tr>`
    );
  });
  return `<table class="fields"><thead><tr><th>Field</th><th>Type</th><th>Description</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

/**
 * A plausible example value of a schema: its own `example`, else its default, first enum value,
 * the example of each field, the first variant of a union; `depth` stops runaway nesting.
 */
export function exampleOf(schema: SchemaObject, components: Components, depth = 0): unknown {
  if (schema.$ref) {
    const target = components[refName(schema.$ref)];
    return target && depth < 6 ? exampleOf(target, components, depth + 1) : {};
  }
  if (schema.example !== undefined) return schema.example;
  if (schema.default !== undefined) return schema.default;
  if (schema.enum?.length) return schema.enum[0];
  const variants = schema.anyOf ?? schema.oneOf ?? schema.allOf;
  if (variants?.length) return exampleOf(variants[0]!, components, depth + 1);
  switch (schema.type) {
    case 'object':
      return Object.fromEntries(
        Object.entries(schema.properties ?? {}).map(([name, field]) => [name, exampleOf(field, components, depth + 1)]),
      );
    case 'array':
      return schema.items ? [exampleOf(schema.items, components, depth + 1)] : [];
    case 'integer':
    case 'number':
      return schema.minimum ?? 0;
    case 'boolean':
      return true;
    case 'string':
      return 'string';
    default:
      return null;
  }
}
