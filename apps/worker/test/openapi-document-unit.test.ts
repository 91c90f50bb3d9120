import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { type DocumentConfig, buildOpenApiDocument } from '../src/openapi/document';
import { defineRoute, jsonResponse } from '../src/openapi/route';

const config: DocumentConfig = {
  openapi: '3.0.3',
  info: { title: 't', version: '1' },
  tags: [],
  servers: [{ url: 'https://t.example', description: 't' }],
  security: [],
  securitySchemes: {},
};

const Thing = z.object({ n: z.number().int(), name: z.string() }).meta({ id: 'Thing' });

describe('buildOpenApiDocument', () => {
  it('turns named schemas into components, parameters into parameter objects, and keeps query defaults', () => {
    const route = defineRoute({
      method: 'get',
      path: '/things/{id}',
      operationId: 'getThing',
      tags: ['T'],
      summary: 's',
      request: {
        params: z.object({ id: z.string().meta({ description: 'the id' }) }),
        query: z.object({
          k: z.preprocess((v) => Number(v), z.number().int().min(1).max(9)).default(3),
          q: z.string().optional(),
        }),
      },
      responses: { 200: jsonResponse(z.object({ thing: Thing, previous: Thing.nullable() }), 'ok') },
    });
    const doc = buildOpenApiDocument([route], config);
    const op = doc.paths['/things/{id}']!.get!;
    expect(op.parameters).toEqual([
      {
        name: 'id',
        in: 'path',
        required: true,
        description: 'the id',
        schema: { type: 'string', description: 'the id' },
      },
      { name: 'k', in: 'query', required: false, schema: { type: 'integer', minimum: 1, maximum: 9, default: 3 } },
      { name: 'q', in: 'query', required: false, schema: { type: 'string' } },
    ]);
    // `.int()` alone states no ±2^53 bounds.
    expect(doc.components.schemas.Thing).toEqual({
      type: 'object',
      properties: { n: { type: 'integer' }, name: { type: 'string' } },
      required: ['n', 'name'],
    });
    const body = op.responses['200']!.content!['application/json'].schema as {
      properties: Record<string, Record<string, unknown>>;
    };
    expect(body.properties.thing).toEqual({ $ref: '#/components/schemas/Thing' });
    // OpenAPI 3.0: `nullable` needs a `type` beside it, so a nullable reference gets the component's.
    expect(body.properties.previous).toMatchObject({
      type: 'object',
      nullable: true,
      allOf: [{ $ref: '#/components/schemas/Thing' }],
    });
  });

  it('refuses two different schemas under one component name', () => {
    const other = z.object({ m: z.boolean() }).meta({ id: 'Clash' });
    const first = z.object({ n: z.number() }).meta({ id: 'Clash' });
    const route = (operationId: string, schema: z.ZodType) =>
      defineRoute({
        method: 'get',
        path: `/${operationId}`,
        operationId,
        tags: [],
        summary: 's',
        responses: { 200: jsonResponse(schema, 'ok') },
      });
    expect(() => buildOpenApiDocument([route('a', first), route('b', other)], config)).toThrow(
      /two different schemas are named Clash/,
    );
  });

  it('documents a JSON body as required, and a response without a schema without content', () => {
    const route = defineRoute({
      method: 'post',
      path: '/things',
      operationId: 'postThing',
      tags: [],
      summary: 's',
      request: { body: Thing },
      responses: { 200: jsonResponse(Thing, 'ok'), 204: { description: 'nothing' } },
    });
    const op = buildOpenApiDocument([route], config).paths['/things']!.post!;
    expect(op.requestBody).toEqual({
      required: true,
      content: { 'application/json': { schema: { $ref: '#/components/schemas/Thing' } } },
    });
    expect(op.responses['204']).toEqual({ description: 'nothing' });
  });
});
