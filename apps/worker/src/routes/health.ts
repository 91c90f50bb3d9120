import { createRoute } from '@hono/zod-openapi';
import type { App } from '../app-env';
import { HealthSchema, jsonContent } from '../schemas';

const healthRoute = createRoute({
  method: 'get',
  path: '/health',
  tags: ['Service'],
  summary: 'Liveness check',
  description: 'Answers without touching the model, so it stays 200 even when the artifact cannot be loaded.',
  responses: { 200: jsonContent(HealthSchema, 'The worker is up.') },
});

/** Registers `GET /health`. */
export function registerHealthRoutes(app: App): void {
  app.openapi(healthRoute, (c) => c.json({ status: 'ok' as const }, 200));
}
