import type { App } from '../app-env';
import {
  K_DEFAULT,
  K_MAX,
  MAX_BATCH,
  MAX_BODY_BYTES,
  MAX_CANDIDATES,
  MAX_EXCLUDE,
  MAX_FOLD_IN_ITEMS,
  MAX_FOLD_IN_RATINGS,
} from '../limits';

/** The OpenAPI document's top-level fields. */
export const OPENAPI_CONFIG: Parameters<App['getOpenAPIDocument']>[0] = {
  openapi: '3.0.3',
  info: {
    title: 'edgerec',
    version: '1.0.0',
    description: [
      'Collaborative-filtering scores, recommendations and similar items served at the edge from a model artifact (bundled with the Worker or read from R2).',
      `Scores are computed with @edgerec/core's predict / rawScore / topKItems / mostPopular / similarItems / foldInUser / foldInInteractions, the functions the trainer uses offline.`,
      'The artifact declares its objective (GET /v1/model `objective`) and the API follows it: a rating model scores pairs with predicted ratings; an interaction model with ranking scores (`score`, never `rating`; `recommend` is score >= threshold, a threshold the trainer sets so that it means about "would be in this user\'s top 10"). Recommendations rank by the ranking head (an interaction model itself, or the interaction head stored beside a rating head); unknown users get the most popular items when the artifact stores popularity.',
      `Limits: a batch (POST /v1/score) holds 1 to ${MAX_BATCH} pairs (MAX_BATCH); a fold-in (POST /v1/recommendations) 1 to ${MAX_FOLD_IN_RATINGS} ratings or 1 to ${MAX_FOLD_IN_ITEMS} items; k is 1 to ${K_MAX} (default ${K_DEFAULT}); at most ${MAX_EXCLUDE} exclude and ${MAX_CANDIDATES} candidate ids; request bodies at most ${MAX_BODY_BYTES} bytes.`,
      'Every error answers `{ "error": { "code": string, "message": string } }`: 4xx for a bad request (404 `not_found` for an unknown path, 405 `method_not_allowed` with an `Allow` header for a wrong method), 503 `model_unavailable` when no model can be loaded.',
      'Every /v1 response carries `x-edgerec-model`, the first 12 hex characters of the serving artifact\'s sha256. Cross-origin access is configured with the CORS_ORIGINS variable.',
    ].join('\n\n'),
  },
  tags: [
    { name: 'Service', description: 'Operational endpoints.' },
    { name: 'Model', description: 'The served model.' },
    { name: 'Scores', description: 'Predicted ratings (rating models) or ranking scores (interaction models) for (user, item) pairs.' },
    { name: 'Recommendations', description: 'Top-K items for a known user, a new user (fold-in) or an unknown one (cold start).' },
    { name: 'Items', description: 'Item-to-item similarity.' },
  ],
};

/** Registers `GET /openapi.json` (the OpenAPI 3 document) and `GET /docs` (a self-contained HTML summary of it). */
export function registerDocsRoutes(app: App): void {
  app.doc('/openapi.json', OPENAPI_CONFIG);
  app.get('/docs', (c) => {
    const html = renderDocs(app.getOpenAPIDocument(OPENAPI_CONFIG));
    return c.html(html, 200, { 'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'" });
  });
}

type OpenApiDocument = ReturnType<App['getOpenAPIDocument']>;

const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;

function renderDocs(doc: OpenApiDocument): string {
  const sections: string[] = [];
  for (const [path, item] of Object.entries(doc.paths ?? {})) {
    for (const method of METHODS) {
      const op = item[method];
      if (!op) continue;
      const params = (op.parameters ?? [])
        .map((p) => ('name' in p ? `<li><code>${escape(p.name)}</code> (${escape(p.in)}${p.required ? ', required' : ''}) ${escape(p.description ?? '')}</li>` : ''))
        .join('');
      const responses = Object.entries(op.responses ?? {})
        .map(([status, r]) => `<li><code>${escape(status)}</code> ${escape('description' in r ? r.description : '')}</li>`)
        .join('');
      sections.push(
        `<section><h2><code>${method.toUpperCase()} ${escape(path)}</code></h2><p>${escape(op.summary ?? '')}. ${escape(op.description ?? '')}</p>` +
          (params ? `<h3>Parameters</h3><ul>${params}</ul>` : '') +
          (op.requestBody ? '<h3>Body</h3><p>JSON; see the schema in <a href="/openapi.json">/openapi.json</a>.</p>' : '') +
          `<h3>Responses</h3><ul>${responses}</ul></section>`,
      );
    }
  }
  const intro = (doc.info.description ?? '').split('\n\n').map((p) => `<p>${escape(p)}</p>`).join('');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escape(doc.info.title)} API</title>
<style>body{font:15px/1.5 system-ui,sans-serif;max-width:50rem;margin:2rem auto;padding:0 1rem}code{background:#f3f3f3;padding:0 .2em}section{border-top:1px solid #ddd}</style>
</head><body><h1>${escape(doc.info.title)} API <small>${escape(doc.info.version)}</small></h1>${intro}
<p>Machine-readable document: <a href="/openapi.json">/openapi.json</a> (OpenAPI ${escape(doc.openapi)}).</p>
${sections.join('\n')}
</body></html>`;
}

function escape(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
}
