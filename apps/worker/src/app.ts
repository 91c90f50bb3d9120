import { OpenAPIHono } from '@hono/zod-openapi';
import type { AppEnv } from './app-env';
import { handleError } from './errors';
import { createModelStore, type LoadModel } from './model-store';
import { notFoundHandler } from './not-found';
import { registerDocsRoutes } from './routes/docs';
import { registerHealthRoutes } from './routes/health';
import { registerModelRoutes } from './routes/model';
import { registerRecommendationRoutes } from './routes/recommendations';
import { registerScoreRoutes } from './routes/score';
import { validationHook } from './validation';

/** What the app is built around. */
export interface AppOptions {
  /** Loads the artifact to serve; called at most once, on the first request that needs the model. */
  loadModel: LoadModel;
}

/** Builds the edgerec Hono app around a model source. */
export function createApp(options: AppOptions): OpenAPIHono<AppEnv> {
  const app = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });
  const models = createModelStore(options.loadModel);
  registerHealthRoutes(app);
  registerModelRoutes(app, { models });
  registerScoreRoutes(app, { models });
  registerRecommendationRoutes(app, { models });
  registerDocsRoutes(app);
  app.notFound(notFoundHandler(() => app.routes));
  app.onError(handleError);
  return app;
}
