/**
 * Builds the OpenAPI 3.0 document from the mounted routes with zod's own JSON Schema generator
 * (`z.toJSONSchema`, target `openapi-3.0`). A schema given an `id` with `.meta({ id })` becomes a
 * component under `#/components/schemas`; everything else is inlined where it is used.
 */
import * as z from 'zod';
import type { ParamsSchema, ResponseSpec, RouteSpec } from './route';

/** A JSON Schema / OpenAPI schema object, as the generator emits it. */
export type SchemaObject = Record<string, unknown>;

/** An OpenAPI parameter object. */
export interface ParameterObject {
  name: string;
  in: 'path' | 'query';
  required: boolean;
  description?: string;
  schema: SchemaObject;
}

/** An OpenAPI operation object. */
export interface OperationObject {
  operationId: string;
  tags: string[];
  summary: string;
  description?: string;
  security?: Record<string, string[]>[];
  parameters?: ParameterObject[];
  requestBody?: { required: true; content: { 'application/json': { schema: SchemaObject } } };
  responses: Record<string, { description: string; content?: { 'application/json': { schema: SchemaObject } } }>;
}

/** The document's top-level fields other than `paths` and `components.schemas`. */
export interface DocumentConfig {
  openapi: '3.0.3';
  info: Record<string, unknown>;
  tags: { name: string; description: string }[];
  servers: { url: string; description: string }[];
  security: Record<string, string[]>[];
  securitySchemes: Record<string, SchemaObject>;
}

/** An OpenAPI 3.0 document. */
export interface OpenApiDocument extends Omit<DocumentConfig, 'securitySchemes'> {
  paths: Record<string, Record<string, OperationObject>>;
  components: { schemas: Record<string, SchemaObject>; securitySchemes: Record<string, SchemaObject> };
}

const DEFINITIONS = '#/definitions/';
const COMPONENTS = '#/components/schemas/';

/** The OpenAPI document of `routes`, with `config`'s top-level fields. */
export function buildOpenApiDocument(routes: readonly RouteSpec[], config: DocumentConfig): OpenApiDocument {
  const components: Record<string, SchemaObject> = {};
  const convert = (schema: z.ZodType) => toComponentsSchema(schema, components);
  const paths: OpenApiDocument['paths'] = {};
  for (const route of routes) {
    const { params, query, body } = route.request ?? {};
    const parameters = [...parametersOf(params, 'path', convert), ...parametersOf(query, 'query', convert)];
    const operation: OperationObject = {
      operationId: route.operationId,
      tags: route.tags,
      summary: route.summary,
      ...(route.description === undefined ? {} : { description: route.description }),
      ...(route.security === undefined ? {} : { security: route.security }),
      ...(parameters.length > 0 ? { parameters } : {}),
      ...(body ? { requestBody: { required: true, content: { 'application/json': { schema: convert(body) } } } } : {}),
      responses: Object.fromEntries(
        Object.entries(route.responses as Record<string, ResponseSpec>).map(([status, response]) => [
          status,
          {
            description: response.description,
            ...(response.schema ? { content: { 'application/json': { schema: convert(response.schema) } } } : {}),
          },
        ]),
      ),
    };
    paths[route.path] = { ...paths[route.path], [route.method]: operation };
  }
  const { securitySchemes, ...top } = config;
  return {
    ...top,
    paths: typeNullableRefs(paths, components) as OpenApiDocument['paths'],
    components: { schemas: typeNullableRefs(components, components) as Record<string, SchemaObject>, securitySchemes },
  };
}

/** One parameter object per key of a path or query schema. */
function parametersOf(
  schema: ParamsSchema | undefined,
  where: 'path' | 'query',
  convert: (schema: z.ZodType) => SchemaObject,
): ParameterObject[] {
  if (!schema) return [];
  return Object.entries(schema.shape).map(([name, field]) => {
    const fieldSchema = field as z.ZodType;
    const json = convert(fieldSchema);
    const description = typeof json.description === 'string' ? json.description : undefined;
    return {
      name,
      in: where,
      required: where === 'path' || !fieldSchema.safeParse(undefined).success,
      ...(description === undefined ? {} : { description }),
      schema: json,
    };
  });
}

/**
 * `schema` as a request-side (input) OpenAPI schema whose named parts are `$ref`s into
 * `components`, which collects them. Two different schemas with the same id are refused.
 */
function toComponentsSchema(schema: z.ZodType, components: Record<string, SchemaObject>): SchemaObject {
  const generated = z.toJSONSchema(schema, {
    target: 'openapi-3.0',
    io: 'input',
    unrepresentable: 'any',
    override: ({ zodSchema, jsonSchema }) => {
      // A default behind a preprocess (the query integers) is not reported by the generator.
      const def = zodSchema._zod.def as { type: string; defaultValue?: unknown };
      if (def.type === 'default' && jsonSchema.default === undefined) jsonSchema.default = def.defaultValue;
      // `.int()` alone bounds to the safe integers; say nothing rather than ±9007199254740991.
      if (jsonSchema.minimum === Number.MIN_SAFE_INTEGER) delete jsonSchema.minimum;
      if (jsonSchema.maximum === Number.MAX_SAFE_INTEGER) delete jsonSchema.maximum;
    },
  }) as SchemaObject;
  const { definitions, ...root } = rewriteRefs(generated) as SchemaObject & {
    definitions?: Record<string, SchemaObject>;
  };
  for (const [id, definition] of Object.entries(definitions ?? {})) {
    const known = components[id];
    if (known !== undefined && JSON.stringify(known) !== JSON.stringify(definition)) {
      throw new Error(`OpenAPI: two different schemas are named ${id}`);
    }
    components[id] = definition;
  }
  delete root.$schema;
  return root;
}

/** A copy of `value` with every `#/definitions/X` reference pointing at `#/components/schemas/X`. */
function rewriteRefs(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(rewriteRefs);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, inner]) => [
      key,
      key === '$ref' && typeof inner === 'string' && inner.startsWith(DEFINITIONS)
        ? COMPONENTS + inner.slice(DEFINITIONS.length)
        : rewriteRefs(inner),
    ]),
  );
}

/**
 * OpenAPI 3.0 has no nullable `$ref`: `nullable` only counts beside a `type`, so the generator's
 * `{ nullable: true, allOf: [{ $ref }] }` gets the referenced component's `type` beside it.
 */
function typeNullableRefs(value: unknown, components: Record<string, SchemaObject>): unknown {
  if (Array.isArray(value)) return value.map((inner) => typeNullableRefs(inner, components));
  if (value === null || typeof value !== 'object') return value;
  const node = Object.fromEntries(
    Object.entries(value).map(([key, inner]) => [key, typeNullableRefs(inner, components)]),
  ) as SchemaObject;
  const allOf = node.allOf as SchemaObject[] | undefined;
  const ref = node.nullable === true && node.type === undefined && allOf?.length === 1 ? allOf[0]?.$ref : undefined;
  const target = typeof ref === 'string' ? components[ref.slice(COMPONENTS.length)] : undefined;
  return target?.type === undefined ? node : { type: target.type, ...node };
}
