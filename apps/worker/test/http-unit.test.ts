import { describe, expect, it } from 'vitest';
import { CORS_MAX_AGE, parseCorsOrigins } from '../src/cors';
import { ERROR_CODES } from '../src/errors';
import { MODEL_HEADER } from '../src/model-store';
import { MAX_BODY_BYTES } from '../src/schemas';
import { expectError, postJson, readJson } from './helpers/http';
import { loadTestArtifact, unitApp } from './helpers/unit-app';

const FOLD_IN = { ratings: [{ item: 'item-1', rating: 4 }] };

/** Every operation the API documents and serves. */
const OPERATIONS = [
  'GET /health',
  'GET /v1/model',
  'GET /v1/score',
  'POST /v1/score',
  'GET /v1/users/{user}/recommendations',
  'POST /v1/recommendations',
  'GET /v1/items/{item}/similar',
  'POST /v1/events',
  'DELETE /v1/users/{user}',
  'POST /admin/reload',
  'GET /admin/events',
];

describe('CORS', () => {
  const preflight = (origin: string, method = 'POST', headers = 'content-type'): RequestInit => ({
    method: 'OPTIONS',
    headers: { origin, 'access-control-request-method': method, 'access-control-request-headers': headers },
  });

  it('parses CORS_ORIGINS', () => {
    expect(parseCorsOrigins(undefined)).toEqual([]);
    expect(parseCorsOrigins('')).toEqual([]);
    expect(parseCorsOrigins(' , ')).toEqual([]);
    expect(parseCorsOrigins('https://a.example, https://b.example/ ,https://a.example')).toEqual([
      'https://a.example',
      'https://b.example',
    ]);
    expect(parseCorsOrigins('https://a.example,*')).toEqual(['*']);
  });

  describe.each([
    ['unset', {}],
    ['empty', { CORS_ORIGINS: '' }],
    ['blank', { CORS_ORIGINS: ' ,  ' }],
  ])('with CORS_ORIGINS %s', (_name, env: Env) => {
    const t = unitApp();

    it('sends no CORS headers', async () => {
      for (const path of ['/health', '/v1/model', '/v1/users/ghost/recommendations', '/nope']) {
        const res = await t.request(path, { headers: { origin: 'https://app.example' } }, env);
        expect(res.headers.get('access-control-allow-origin')).toBeNull();
        expect(res.headers.get('access-control-expose-headers')).toBeNull();
      }
    });

    it('answers OPTIONS like any other unrouted method (405 with Allow)', async () => {
      const res = await t.request('/v1/recommendations', preflight('https://app.example'), env);
      expect(res.headers.get('allow')).toBe('POST');
      expect(res.headers.get('access-control-allow-origin')).toBeNull();
      await expectError(res, 405, 'method_not_allowed');
    });
  });

  describe('with CORS_ORIGINS=*', () => {
    const env: Env = { CORS_ORIGINS: '*' };

    it('answers a preflight 204 with the allowed methods and headers, without loading the model', async () => {
      const t = unitApp();
      for (const path of ['/v1/recommendations', '/v1/score', '/v1/users/user-3/recommendations', '/health']) {
        const res = await t.request(path, preflight('https://anywhere.example'), env);
        expect(res.status).toBe(204);
        expect(await res.text()).toBe('');
        expect(res.headers.get('access-control-allow-origin')).toBe('*');
        expect(res.headers.get('access-control-allow-methods')).toBe('GET,HEAD,POST,OPTIONS');
        expect(res.headers.get('access-control-allow-headers')).toBe('Content-Type');
        expect(res.headers.get('access-control-max-age')).toBe(String(CORS_MAX_AGE));
        expect(res.headers.get('access-control-allow-credentials')).toBeNull();
      }
      expect(t.loads).toBe(0);
    });

    it('adds allow-origin * and exposes x-edgerec-model on responses, errors included', async () => {
      const t = unitApp();
      const cases: [string, RequestInit | undefined, number][] = [
        ['/health', undefined, 200],
        ['/v1/users/user-3/recommendations?k=2', undefined, 200],
        ['/v1/recommendations', postJson(FOLD_IN), 200],
        ['/v1/items/nope/similar', undefined, 404],
        ['/v1/score?user=user-3', undefined, 400],
        ['/nope', undefined, 404],
      ];
      for (const [path, init, status] of cases) {
        const headers = new Headers(init?.headers);
        headers.set('origin', 'https://anywhere.example');
        const res = await t.request(path, { ...init, headers }, env);
        expect({ path, status: res.status }).toEqual({ path, status });
        expect(res.headers.get('access-control-allow-origin')).toBe('*');
        expect(res.headers.get('access-control-expose-headers')).toBe(MODEL_HEADER);
      }
    });

    it('keeps CORS headers on a 503 model_unavailable', async () => {
      const t = unitApp(() => Promise.reject(new Error('broken artifact')));
      const res = await t.request('/v1/model', { headers: { origin: 'https://anywhere.example' } }, env);
      expect(res.headers.get('access-control-allow-origin')).toBe('*');
      await expectError(res, 503, 'model_unavailable');
    });
  });

  describe('with a list of origins', () => {
    const env: Env = { CORS_ORIGINS: 'https://app.example, https://admin.example/' };
    const t = unitApp();

    it('echoes an allowed origin (trailing slash in the setting ignored), with Vary: Origin', async () => {
      for (const origin of ['https://app.example', 'https://admin.example']) {
        const res = await t.request('/v1/users/user-3/recommendations', { headers: { origin } }, env);
        expect(res.status).toBe(200);
        expect(res.headers.get('access-control-allow-origin')).toBe(origin);
        expect(res.headers.get('vary')).toMatch(/origin/i);
        const pre = await t.request('/v1/recommendations', preflight(origin), env);
        expect(pre.status).toBe(204);
        expect(pre.headers.get('access-control-allow-origin')).toBe(origin);
        expect(pre.headers.get('vary')).toMatch(/origin/i);
      }
    });

    it('sends no allow-origin to other origins or without an Origin header (the browser blocks them)', async () => {
      const origins: Record<string, string>[] = [
        { origin: 'https://evil.example' },
        { origin: 'https://app.example.evil.example' },
        { origin: 'http://app.example' },
        {},
      ];
      for (const headers of origins) {
        const res = await t.request('/v1/model', { headers }, env);
        expect(res.status).toBe(200);
        expect(res.headers.get('access-control-allow-origin')).toBeNull();
      }
      const pre = await t.request('/v1/score', preflight('https://evil.example'), env);
      expect(pre.status).toBe(204);
      expect(pre.headers.get('access-control-allow-origin')).toBeNull();
    });
  });
});

describe('request body limit', () => {
  const t = unitApp();
  const oversized = (route: 'score' | 'recommendations') =>
    JSON.stringify({
      ...(route === 'score' ? { pairs: [{ user: 'user-3', item: 'item-5' }] } : FOLD_IN),
      padding: 'x'.repeat(MAX_BODY_BYTES),
    });

  /** A body streamed in chunks, so the request carries no Content-Length. */
  function streamed(text: string): ReadableStream<Uint8Array> {
    const bytes = new TextEncoder().encode(text);
    let offset = 0;
    return new ReadableStream({
      pull(controller) {
        if (offset >= bytes.length) return controller.close();
        controller.enqueue(bytes.subarray(offset, offset + 64 * 1024));
        offset += 64 * 1024;
      },
    });
  }

  it.each(['/v1/score', '/v1/recommendations'])(
    'answers 413 payload_too_large for an oversized body on POST %s',
    async (path) => {
      const body = oversized(path === '/v1/score' ? 'score' : 'recommendations');
      await expectError(
        await t.request(path, postJson(body)),
        413,
        'payload_too_large',
        `larger than ${MAX_BODY_BYTES} bytes`,
      );
    },
  );

  it.each(['/v1/score', '/v1/recommendations'])(
    'answers 413 for an oversized streamed body without Content-Length on POST %s',
    async (path) => {
      const request = new Request(`https://edgerec.test${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: streamed(oversized(path === '/v1/score' ? 'score' : 'recommendations')),
      });
      expect(request.headers.get('content-length')).toBeNull();
      await expectError(await t.app.request(request), 413, 'payload_too_large');
    },
  );

  it('answers 413 from a Content-Length over the limit, whatever the body', async () => {
    const res = await t.request(
      '/v1/recommendations',
      postJson(FOLD_IN, { 'content-length': String(MAX_BODY_BYTES + 1) }),
    );
    await expectError(res, 413, 'payload_too_large');
  });

  it('accepts a body just under the limit', async () => {
    const base = JSON.stringify({ ...FOLD_IN, padding: '' });
    const body = JSON.stringify({ ...FOLD_IN, padding: 'x'.repeat(MAX_BODY_BYTES - base.length) });
    expect(new TextEncoder().encode(body).length).toBe(MAX_BODY_BYTES);
    expect((await t.request('/v1/recommendations', postJson(body))).status).toBe(200);
  });
});

describe('routing errors of the new routes', () => {
  const t = unitApp();

  it.each([
    ['GET', '/v1/recommendations', 'POST'],
    ['PUT', '/v1/recommendations', 'POST'],
    ['POST', '/v1/items/item-1/similar', 'GET, HEAD'],
    ['DELETE', '/v1/users/ghost/recommendations', 'GET, HEAD'],
  ])('answers 405 method_not_allowed for %s %s, with an Allow header', async (method, path, allow) => {
    const res = await t.request(path, { method });
    expect(res.headers.get('allow')).toBe(allow);
    await expectError(res, 405, 'method_not_allowed', `${method} is not allowed on ${path}`);
  });

  it.each([
    '/v1/items',
    '/v1/items/item-1',
    '/v1/items/item-1/similar/extra',
    '/v1/items//similar',
    '/v1/recommendations/x',
  ])('answers 404 not_found for GET %s', async (path) => {
    await expectError(await t.request(path), 404, 'not_found', `no route for GET ${path}`);
  });

  it('answers HEAD on the new GET routes without a body', async () => {
    for (const path of ['/v1/items/item-1/similar', '/v1/users/ghost/recommendations']) {
      const res = await t.request(path, { method: 'HEAD' });
      expect(res.status).toBe(200);
      expect(await res.text()).toBe('');
    }
  });
});

describe('OpenAPI document', () => {
  interface Operation {
    summary?: string;
    parameters?: { name: string; in: string; required?: boolean; schema?: Record<string, unknown> }[];
    requestBody?: { content: Record<string, { schema: { $ref?: string } }> };
    responses: Record<string, { content?: Record<string, { schema: { $ref?: string } }> }>;
  }
  interface OpenApiDocument {
    paths: Record<string, Record<string, Operation>>;
    components: {
      schemas: Record<string, { properties?: Record<string, Record<string, unknown>>; required?: string[] }>;
    };
  }
  const t = unitApp();
  const document = async () => readJson<OpenApiDocument>(await t.request('/openapi.json'));
  const operation = (doc: OpenApiDocument, op: string) => {
    const [method, path] = op.split(' ') as [string, string];
    return doc.paths[path]![method.toLowerCase()]!;
  };

  it('lists every route, each with a 200 and its error responses', async () => {
    const doc = await document();
    const listed = Object.entries(doc.paths).flatMap(([path, item]) =>
      Object.keys(item).map((m) => `${m.toUpperCase()} ${path}`),
    );
    expect(listed.sort()).toEqual([...OPERATIONS].sort());
    for (const op of OPERATIONS) {
      const responses = operation(doc, op).responses;
      expect(responses).toHaveProperty('200');
      if (op.includes('/v1/')) {
        expect(Object.keys(responses)).toEqual(
          expect.arrayContaining(op === 'GET /v1/model' ? ['200', '503'] : ['200', '400', '503']),
        );
        expect(responses['503']!.content!['application/json']!.schema.$ref).toBe('#/components/schemas/Error');
      }
    }
    expect(Object.keys(operation(doc, 'POST /v1/recommendations').responses).sort()).toEqual([
      '200',
      '400',
      '413',
      '415',
      '422',
      '503',
    ]);
    expect(Object.keys(operation(doc, 'GET /v1/items/{item}/similar').responses).sort()).toEqual([
      '200',
      '400',
      '404',
      '503',
    ]);
  });

  it('documents the parameters and bodies of the new routes', async () => {
    const doc = await document();
    const params = (op: string) => (operation(doc, op).parameters ?? []).map((p) => `${p.in}:${p.name}`).sort();
    expect(params('GET /v1/users/{user}/recommendations')).toEqual([
      'path:user',
      'query:candidates',
      'query:coldStart',
      'query:exclude',
      'query:k',
      'query:nprobe',
      'query:order',
    ]);
    expect(params('GET /v1/items/{item}/similar')).toEqual(['path:item', 'query:k']);
    const coldStart = operation(doc, 'GET /v1/users/{user}/recommendations').parameters!.find(
      (p) => p.name === 'coldStart',
    )!;
    expect(coldStart.schema).toMatchObject({ enum: ['fallback', 'error'], default: 'fallback' });
    expect(operation(doc, 'POST /v1/recommendations').requestBody!.content['application/json']!.schema.$ref).toBe(
      '#/components/schemas/FoldInRequest',
    );
    const { schemas } = doc.components;
    expect(schemas.FoldInRequest!.properties).toMatchObject({
      ratings: { type: 'array', minItems: 1, maxItems: 200 },
      k: { type: 'integer', minimum: 1, maximum: 100, default: 10 },
      exclude: { type: 'array', maxItems: 1000 },
      candidates: { type: 'array', maxItems: 1000 },
      l2: { type: 'number', minimum: 0.0001, maximum: 100 },
      nprobe: { type: 'integer', minimum: 1, maximum: 4096 },
    });
    // The default l2 depends on the body (0.3 for ratings, the head's trained λ for items), so the schema states none.
    expect(schemas.FoldInRequest!.properties!.l2).not.toHaveProperty('default');
    expect(schemas.FoldInRequest!.required).toBeUndefined();
    expect(Object.keys(schemas.Recommendations!.properties!)).toEqual(
      expect.arrayContaining(['coldStart', 'fallback', 'exclude', 'candidates']),
    );
    expect(Object.keys(schemas)).toEqual(
      expect.arrayContaining(['SimilarItems', 'FoldInRecommendations', 'ServedModel', 'RecommendedItem']),
    );
  });

  it('documents the objective: ModelInfo fields, interaction scores, item fields, the items body and order', async () => {
    const doc = await document();
    const { schemas } = doc.components;
    const modelInfo = schemas.ModelInfo!;
    expect(modelInfo.required).toEqual(
      expect.arrayContaining(['objective', 'ranking', 'coldStart', 'foldIn', 'scale', 'version']),
    );
    expect(modelInfo.properties).toMatchObject({
      objective: { enum: ['rating', 'interaction'] },
      coldStart: { enum: ['popularity', 'item-bias'] },
      foldIn: { enum: ['ratings', 'interactions', 'ratings+interactions', 'none'] },
      scale: { nullable: true },
    });
    expect(JSON.stringify(modelInfo.properties!.ranking)).toContain('#/components/schemas/RankingHeadInfo');
    expect(Object.keys(schemas.RankingHeadInfo!.properties!).sort()).toEqual([
      'activation',
      'dim',
      'method',
      'objective',
      'recommendThreshold',
    ]);
    const metrics = modelInfo.properties!.metrics as {
      properties: Record<string, { properties?: Record<string, { properties?: Record<string, unknown> }> }>;
    };
    expect(Object.keys(metrics.properties).sort()).toEqual(['ranking', 'test', 'validation']);
    expect(Object.keys(metrics.properties.ranking!.properties!.validation!.properties!).sort()).toEqual([
      'coverage',
      'hitRate',
      'k',
      'map',
      'ndcg',
      'precision',
      'recall',
      'users',
    ]);

    expect(Object.keys(schemas.InteractionScore!.properties!).sort()).toEqual([
      'item',
      'probability',
      'recommend',
      'score',
      'threshold',
      'user',
    ]);
    expect(schemas.InteractionScore!.required).not.toContain('probability');
    expect(JSON.stringify(schemas.InteractionScore)).toContain('top 10');
    const score = operation(doc, 'GET /v1/score').responses['200']!.content!['application/json']!.schema as {
      anyOf?: { $ref: string }[];
    };
    expect(score.anyOf!.map((s) => s.$ref)).toEqual([
      '#/components/schemas/Score',
      '#/components/schemas/InteractionScore',
    ]);
    expect(JSON.stringify(schemas.BatchScores)).toContain('#/components/schemas/InteractionScore');

    expect(Object.keys(schemas.RecommendedItem!.properties!).sort()).toEqual([
      'item',
      'popularity',
      'probability',
      'rating',
      'raw',
      'score',
      'unclippedRating',
    ]);
    expect(schemas.RecommendedItem!.required).toEqual(['item']);
    expect(schemas.Recommendations!.properties).toMatchObject({
      fallback: { enum: ['popularity', 'item-bias'] },
      order: { enum: ['score', 'rating'] },
    });
    const order = operation(doc, 'GET /v1/users/{user}/recommendations').parameters!.find((p) => p.name === 'order')!;
    expect(order.schema).toMatchObject({ enum: ['score', 'rating'], default: 'score' });

    const foldIn = schemas.FoldInRequest! as { properties: Record<string, Record<string, unknown>>; oneOf?: unknown };
    expect(foldIn.properties.items).toMatchObject({ type: 'array', minItems: 1, maxItems: 1000 });
    expect(JSON.stringify(foldIn.properties.items)).toContain('#/components/schemas/Interaction');
    expect(schemas.Interaction!.properties).toMatchObject({ weight: { type: 'number', maximum: 1e6 } });
    expect(foldIn.properties.order).toMatchObject({ enum: ['score', 'rating'] });
    expect(foldIn.oneOf).toEqual([{ required: ['ratings'] }, { required: ['items'] }]);
    const foldedIn = (schemas.FoldInRecommendations!.properties!.foldedIn as { properties: Record<string, unknown> })
      .properties;
    expect(Object.keys(foldedIn).sort()).toEqual(['interactionL2', 'items', 'l2', 'ratings', 'unknownItems']);
  });

  it('includes `served` in ModelInfo, and every error code in Error', async () => {
    const doc = await document();
    const modelInfo = doc.components.schemas.ModelInfo!;
    expect(modelInfo.required).toContain('served');
    expect(JSON.stringify(modelInfo.properties!.served)).toContain('#/components/schemas/ServedModel');
    const code = (doc.components.schemas.Error!.properties!.error as { properties: { code: { enum: string[] } } })
      .properties.code;
    expect(code.enum).toEqual([...ERROR_CODES]);
    expect(code.enum).toEqual(
      expect.arrayContaining([
        'unauthorized',
        'admin_disabled',
        'model_rejected',
        'no_known_items',
        'fold_in_unsupported',
      ]),
    );
  });

  it('GET /v1/model answers with what ModelInfo documents', async () => {
    const doc = await document();
    const info = await readJson<Record<string, unknown>>(await t.request('/v1/model'));
    expect(Object.keys(info).sort()).toEqual(Object.keys(doc.components.schemas.ModelInfo!.properties!).sort());
    expect(info.served).toMatchObject({ sha256: (await loadTestArtifact()).meta.sha256, source: 'bundled' });
  });

  it('names its server, licence, operation ids and the admin bearer scheme (what redocly recommended asks for)', async () => {
    const raw = await readJson<Record<string, unknown> & OpenApiDocument>(
      await t.request('https://api.example/openapi.json'),
    );
    expect(raw.servers).toEqual([{ url: 'https://api.example', description: expect.any(String) }]);
    expect(raw.info).toMatchObject({ license: { name: 'Apache-2.0' } });
    expect(raw.security).toEqual([]);
    expect(raw.components).toMatchObject({ securitySchemes: { adminToken: { type: 'http', scheme: 'bearer' } } });
    const ops = OPERATIONS.map((op) => operation(raw, op) as Operation & { operationId?: string; security?: unknown });
    expect(new Set(ops.map((op) => op.operationId)).size).toBe(OPERATIONS.length);
    for (const op of ops) {
      expect(op.operationId).toMatch(/^[a-z][A-Za-z]+$/);
      expect(Object.keys(op.responses).some((status) => status.startsWith('4'))).toBe(true);
    }
    expect(operation(raw, 'POST /admin/reload')).toMatchObject({ security: [{ adminToken: [] }] });
  });

  it('/docs lists every route', async () => {
    const html = await (await t.request('/docs')).text();
    for (const op of OPERATIONS) expect(html).toContain(op);
  });

  it('/docs is a reference page: Markdown rendered, every schema with its fields, examples, no scripts', async () => {
    const res = await t.request('/docs');
    expect(res.headers.get('content-security-policy')).toBe("default-src 'none'; style-src 'unsafe-inline'");
    const html = await res.text();
    expect(html).not.toContain('`'); // backticks in descriptions become <code>
    expect(html).toContain('<code>model_unavailable</code>');
    expect(html).not.toMatch(/<script|javascript:|(src|href)="(https?:)?\/\//i);
    const doc = await document();
    for (const name of Object.keys(doc.components.schemas)) expect(html).toContain(`id="schema-${name}"`);
    // The fold-in body: its fields in a table, linked from the operation, with an example built from the schema.
    expect(html).toContain('<a href="#schema-FoldInRequest">FoldInRequest</a>');
    expect(html).toMatch(/<td><code>ratings<\/code> <span class="opt">optional<\/span><\/td>/);
    expect(html).toContain('&#34;unclippedRating&#34;: 4.42');
    expect(html).toContain('id="reloadModel"');
    expect(html).toContain('requires <code>Authorization: Bearer &lt;ADMIN_TOKEN&gt;</code>');
  });

  it('/docs escapes HTML and renders only safe links in descriptions', async () => {
    const { inlineMarkdown } = await import('../src/docs/markdown');
    expect(inlineMarkdown('a `<b>` **c** [d](https://e.example/x) [f](javascript:alert(1)) <i>')).toBe(
      'a <code>&#60;b&#62;</code> <strong>c</strong> <a href="https://e.example/x">d</a> [f](javascript:alert(1)) &#60;i&#62;',
    );
  });
});
