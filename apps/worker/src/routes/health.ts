import * as z from 'zod';
import { defineRoute } from '../openapi/route';
import type { App } from '../app-env';
import { CLIENT_ERROR, jsonContent } from '../schemas';

/** `GET /health`. */
export const HealthSchema = z.object({ status: z.literal('ok') }).meta({ id: 'Health' });

const healthRoute = defineRoute({
  method: 'get',
  path: '/health',
  operationId: 'getHealth',
  tags: ['Service'],
  summary: 'Liveness check',
  description: 'Answers without touching the model, so it stays 200 even when the artifact cannot be loaded.',
  responses: { 200: jsonContent(HealthSchema, 'The worker is up.'), '4XX': CLIENT_ERROR },
});

/** Registers `GET /health`. */
export function registerHealthRoutes(app: App): void {
  app.openapi(healthRoute, (_c, { ok }) => ok({ status: 'ok' }));
}
