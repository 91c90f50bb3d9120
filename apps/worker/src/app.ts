import { corsFromEnv } from './cors';
import { handleError } from './errors';
import { installModelStore, type LoadModel } from './model-store';
import { notFoundHandler } from './not-found';
import { ApiApp } from './openapi/app';
import { registerOpenApiRoutes } from './openapi/config';
import { registerAdminRoutes } from './routes/admin';
import { registerDocsRoutes } from './routes/docs';
import { registerEventRoutes } from './routes/events';
import { registerHealthRoutes } from './routes/health';
import { registerItemRoutes } from './routes/items';
import { registerModelRoutes } from './routes/model';
import { registerRecommendationRoutes } from './routes/recommendations';
import { registerScoreRoutes } from './routes/score';

/** What the app is built around. */
export interface AppOptions {
  /** Loads the bundled artifact (MODEL_SOURCE=bundled, the default): on first use and on POST /admin/reload. */
  loadModel: LoadModel;
}

/** Builds the edgerec Hono app around a model source. */
export function createApp(options: AppOptions): ApiApp {
  const app = new ApiApp();
  app.use('*', corsFromEnv()); // CORS_ORIGINS; first, so preflights never reach the model or the 405 handler
  const models = installModelStore(app, options.loadModel); // pins c.get('model') on /v1/*; see model-store.ts
  registerHealthRoutes(app);
  registerModelRoutes(app);
  registerScoreRoutes(app);
  registerRecommendationRoutes(app);
  registerItemRoutes(app);
  registerEventRoutes(app);
  registerAdminRoutes(app, models);
  registerOpenApiRoutes(app);
  registerDocsRoutes(app);
  app.notFound(notFoundHandler(() => app.routes));
  app.onError(handleError);
  return app;
}
