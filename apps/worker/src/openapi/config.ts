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
import { ADMIN_TOKEN_SCHEME, EVENTS_TOKEN_SCHEME } from '../schemas';
import { buildOpenApiDocument, type DocumentConfig, type OpenApiDocument } from './document';

/** The OpenAPI document's top-level fields, with the Worker's own origin as its server. */
export function openApiConfig(origin: string): DocumentConfig {
  return {
    openapi: '3.0.3',
    info: {
      title: 'edgerec',
      version: '1.0.0',
      license: { name: 'Apache-2.0', url: 'https://www.apache.org/licenses/LICENSE-2.0' },
      description: [
        'Collaborative-filtering scores, recommendations and similar items served at the edge from a model artifact (bundled with the Worker or read from R2).',
        `Scores are computed with @edgerec/core's predict / rawScore / topKItems / mostPopular / similarItems / foldInUser / foldInInteractions, the functions the trainer uses offline.`,
        'The artifact declares its objective (GET /v1/model `objective`) and the API follows it: a rating model scores pairs with predicted ratings; an interaction model with ranking scores (`score`, never `rating`; `recommend` is score >= threshold, a threshold the trainer sets so that it means about "would be in this user\'s top 10"). Recommendations rank by the ranking head (an interaction model itself, or the interaction head stored beside a rating head); unknown users get the most popular items when the artifact stores popularity.',
        `Limits: a batch (POST /v1/score) holds 1 to ${MAX_BATCH} pairs (MAX_BATCH); a fold-in (POST /v1/recommendations) 1 to ${MAX_FOLD_IN_RATINGS} ratings or 1 to ${MAX_FOLD_IN_ITEMS} items; k is 1 to ${K_MAX} (default ${K_DEFAULT}); at most ${MAX_EXCLUDE} exclude and ${MAX_CANDIDATES} candidate ids; request bodies at most ${MAX_BODY_BYTES} bytes.`,
        'Every error answers `{ "error": { "code": string, "message": string } }`: 4xx for a bad request (404 `not_found` for an unknown path, 405 `method_not_allowed` with an `Allow` header for a wrong method), 503 `model_unavailable` when no model can be loaded.',
        "Every /v1 response carries `x-edgerec-model`, the first 12 hex characters of the serving artifact's sha256. Cross-origin access is configured with the CORS_ORIGINS variable.",
      ].join('\n\n'),
    },
    tags: [
      { name: 'Service', description: 'Operational endpoints.' },
      { name: 'Model', description: 'The served model.' },
      {
        name: 'Scores',
        description: 'Predicted ratings (rating models) or ranking scores (interaction models) for (user, item) pairs.',
      },
      {
        name: 'Recommendations',
        description: 'Top-K items for a known user, a new user (fold-in) or an unknown one (cold start).',
      },
      { name: 'Items', description: 'Item-to-item similarity.' },
      {
        name: 'Events',
        description: `Interaction events stored at the edge and folded into recommendations at once, behind the EVENTS_TOKEN writer token (bearer scheme \`${EVENTS_TOKEN_SCHEME}\`).`,
      },
      {
        name: 'Admin',
        description: `Operator endpoints, behind the ADMIN_TOKEN secret (bearer scheme \`${ADMIN_TOKEN_SCHEME}\`).`,
      },
    ],
    servers: [{ url: origin, description: 'The Worker that served this document.' }],
    // Public by default; admin routes name their bearer scheme (ADMIN_SECURITY).
    security: [],
    securitySchemes: {
      [ADMIN_TOKEN_SCHEME]: {
        type: 'http',
        scheme: 'bearer',
        description:
          'The ADMIN_TOKEN secret (`wrangler secret put ADMIN_TOKEN`); unset disables the admin routes (404 `admin_disabled`).',
      },
      [EVENTS_TOKEN_SCHEME]: {
        type: 'http',
        scheme: 'bearer',
        description:
          'The EVENTS_TOKEN secret (`wrangler secret put EVENTS_TOKEN`), a writer token separate from ADMIN_TOKEN; unset disables the event routes (404 `events_disabled`).',
      },
    },
  };
}

/** Registers `GET /openapi.json`: the OpenAPI 3 document of every route mounted with `app.openapi`. */
export function registerOpenApiRoutes(app: App): void {
  app.get('/openapi.json', (c) => c.json(openApiDocument(app, new URL(c.req.url).origin)));
}

/** The OpenAPI document of `app`, as `GET /openapi.json` serves it at `origin` (built once per origin). */
export function openApiDocument(app: App, origin: string): OpenApiDocument {
  let byOrigin = documents.get(app);
  if (byOrigin === undefined) {
    byOrigin = new Map();
    documents.set(app, byOrigin);
  }
  let document = byOrigin.get(origin);
  if (document === undefined) {
    document = buildOpenApiDocument(app.documentedRoutes, openApiConfig(origin));
    if (byOrigin.size < 8) byOrigin.set(origin, document);
  }
  return document;
}

const documents = new WeakMap<App, Map<string, OpenApiDocument>>();
