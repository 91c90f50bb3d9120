import { escapeHtml, inlineMarkdown, markdownParagraphs } from './markdown';
import { exampleOf, fieldsTable, schemaAnchor, typeLabel, type Components, type SchemaObject } from './schema-view';

/** The parts of an OpenAPI 3.0 document the reference page renders. */
export interface DocsDocument {
  openapi: string;
  info: { title: string; version: string; description?: string };
  servers?: { url: string }[];
  tags?: { name: string; description?: string }[];
  paths?: Record<string, Partial<Record<string, DocsOperation>>>;
  components?: { schemas?: Components };
}

interface DocsOperation {
  operationId?: string;
  tags?: string[];
  summary?: string;
  description?: string;
  security?: Record<string, string[]>[];
  parameters?: { name: string; in: string; required?: boolean; description?: string; schema?: SchemaObject }[];
  requestBody?: { content?: Record<string, { schema?: SchemaObject }> };
  responses?: Record<string, { description?: string; content?: Record<string, { schema?: SchemaObject }> }>;
}

const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;

const STYLE = `body{font:15px/1.55 system-ui,sans-serif;margin:0;color:#1d1d1f}
header,main{max-width:64rem;margin:0 auto;padding:0 1.25rem}
nav{background:#f6f7f9;border-bottom:1px solid #e2e4e8;padding:.75rem 1.25rem;font-size:14px}
nav a{margin-right:.9rem;white-space:nowrap}
a{color:#0b5cad;text-decoration:none}a:hover{text-decoration:underline}
code,pre{font:13px/1.45 ui-monospace,SFMono-Regular,Menlo,monospace}
code{background:#f1f2f4;padding:0 .25em;border-radius:3px}
pre{background:#0f172a;color:#e2e8f0;padding:.75rem 1rem;border-radius:6px;overflow:auto;max-height:28rem}
section.op{border-top:1px solid #e2e4e8;padding:.5rem 0 1rem}
h2 .m{display:inline-block;min-width:3.6rem;text-align:center;color:#fff;border-radius:4px;font-size:13px;padding:.1rem .4rem;margin-right:.5rem;vertical-align:middle}
.m.get{background:#1f7a4d}.m.post{background:#0b5cad}
h2 code{font-size:1rem;background:none}
table{border-collapse:collapse;width:100%;margin:.4rem 0 .8rem;font-size:14px}
th,td{border:1px solid #e2e4e8;padding:.3rem .5rem;text-align:left;vertical-align:top}
th{background:#f6f7f9}td:first-child{white-space:nowrap}
table table{margin:.4rem 0 0;font-size:13px}
.facts,.opt{color:#5f6470;font-size:12px}.lock{color:#9a5b00;font-size:13px}
h3{font-size:1rem;margin:1rem 0 .3rem}h4{font-size:.95rem;margin:.6rem 0 .2rem}`;

/** The HTML reference page of an OpenAPI document: every operation with its parameters, body and responses, then every schema. */
export function renderDocsPage(doc: DocsDocument): string {
  const components = doc.components?.schemas ?? {};
  const operations = listOperations(doc);
  const nav = operations
    .map(
      ({ method, path, op }) =>
        `<a href="#${operationAnchor(op, method, path)}">${method.toUpperCase()} ${escapeHtml(path)}</a>`,
    )
    .join(' ');
  const body = operations.map(({ method, path, op }) => renderOperation(method, path, op, components)).join('\n');
  const schemas = Object.entries(components)
    .map(([name, schema]) => renderSchema(name, schema, components))
    .join('\n');
  const title = escapeHtml(doc.info.title);
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>${title} API reference</title>
<style>${STYLE}</style>
</head><body><nav>${nav}<a href="#schemas">Schemas</a><a href="/openapi.json">openapi.json</a></nav>
<header><h1>${title} API <small>${escapeHtml(doc.info.version)}</small></h1>${markdownParagraphs(doc.info.description)}
<p>Server: <code>${escapeHtml(doc.servers?.[0]?.url ?? '/')}</code>. Machine-readable document: <a href="/openapi.json">/openapi.json</a> (OpenAPI ${escapeHtml(doc.openapi)}).</p></header>
<main>${body}
<h2 id="schemas">Schemas</h2>
${schemas}</main>
</body></html>`;
}

function listOperations(doc: DocsDocument): { method: string; path: string; op: DocsOperation }[] {
  return Object.entries(doc.paths ?? {}).flatMap(([path, item]) =>
    METHODS.flatMap((method) => (item[method] ? [{ method, path, op: item[method]! }] : [])),
  );
}

function operationAnchor(op: DocsOperation, method: string, path: string): string {
  return op.operationId ?? `${method}-${path.replace(/[^A-Za-z0-9]+/g, '-')}`;
}

function renderOperation(method: string, path: string, op: DocsOperation, components: Components): string {
  const secured = (op.security ?? []).some((requirement) => Object.keys(requirement).length > 0);
  const params = (op.parameters ?? [])
    .map(
      (p) =>
        `<tr><td><code>${escapeHtml(p.name)}</code> <span class="opt">${escapeHtml(p.in)}${p.required ? ', required' : ''}</span></td>` +
        `<td>${p.schema ? typeLabel(p.schema) : ''}</td><td>${inlineMarkdown(p.description ?? '')}</td></tr>`,
    )
    .join('');
  const bodySchema = op.requestBody?.content?.['application/json']?.schema;
  const responses = Object.entries(op.responses ?? {})
    .map(([status, response]) => {
      const schema = response.content?.['application/json']?.schema;
      return `<tr><td><code>${escapeHtml(status)}</code></td><td>${schema ? typeLabel(schema) : ''}</td><td>${inlineMarkdown(response.description ?? '')}</td></tr>`;
    })
    .join('');
  const ok = op.responses?.['200']?.content?.['application/json']?.schema;
  return (
    `<section class="op" id="${escapeHtml(operationAnchor(op, method, path))}"><h2><span class="m ${method}">${method.toUpperCase()}</span><code>${method.toUpperCase()} ${escapeHtml(path)}</code></h2>` +
    `<p><strong>${inlineMarkdown(op.summary ?? '')}</strong>${secured ? ' <span class="lock">requires <code>Authorization: Bearer &lt;ADMIN_TOKEN&gt;</code></span>' : ''}</p>${markdownParagraphs(op.description)}` +
    (params
      ? `<h3>Parameters</h3><table><thead><tr><th>Name</th><th>Type</th><th>Description</th></tr></thead><tbody>${params}</tbody></table>`
      : '') +
    (bodySchema ? `<h3>Request body</h3><p>JSON: ${typeLabel(bodySchema)}</p>${example(bodySchema, components)}` : '') +
    `<h3>Responses</h3><table><thead><tr><th>Status</th><th>Body</th><th>Description</th></tr></thead><tbody>${responses}</tbody></table>` +
    (ok ? `<h4>Example 200 response</h4>${example(ok, components)}` : '') +
    '</section>'
  );
}

function renderSchema(name: string, schema: SchemaObject, components: Components): string {
  const fields = fieldsTable(schema);
  const shape = fields || `<p>${typeLabel(schema)}</p>`;
  return (
    `<section class="op" id="${schemaAnchor(name)}"><h3><code>${escapeHtml(name)}</code></h3>${inlineMarkdown(schema.description ?? '')}${shape}` +
    `<details><summary>Example</summary>${example(schema, components)}</details></section>`
  );
}

function example(schema: SchemaObject, components: Components): string {
  return `<pre>${escapeHtml(JSON.stringify(exampleOf(schema, components), null, 2))}</pre>`;
}
