import type { App } from '../app-env';
import { renderDocsPage, type DocsDocument } from '../docs/page';
import { openApiDocument } from '../openapi/config';

/** No scripts, no remote anything: the page is server-rendered HTML with inline styles. */
const DOCS_CSP = "default-src 'none'; style-src 'unsafe-inline'";

/** Registers `GET /docs`: the API reference (operations, parameters, bodies, responses, schemas, examples) rendered from the OpenAPI document. */
export function registerDocsRoutes(app: App): void {
  const pages = new Map<string, string>(); // per origin (the document names its server); built on first request
  app.get('/docs', (c) => {
    const origin = new URL(c.req.url).origin;
    let html = pages.get(origin);
    if (html === undefined) {
      // The generator's types allow $refs everywhere; the page reads the subset DocsDocument names and resolves schema $refs itself.
      html = renderDocsPage(openApiDocument(app, origin) as unknown as DocsDocument);
      if (pages.size < 8) pages.set(origin, html);
    }
    return c.html(html, 200, { 'Content-Security-Policy': DOCS_CSP });
  });
}
