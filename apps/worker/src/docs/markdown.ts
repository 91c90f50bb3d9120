/** Escapes text for HTML element content and attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
}

/**
 * The inline Markdown the API's descriptions use, as HTML: `code` spans, **bold**, and
 * [links](https://...) (http(s) and in-page `#` targets only). Everything else is escaped text.
 */
export function inlineMarkdown(text: string): string {
  return text
    .split(/(`[^`]*`)/)
    .map((part) =>
      part.length > 1 && part.startsWith('`') && part.endsWith('`')
        ? `<code>${escapeHtml(part.slice(1, -1))}</code>`
        : prose(part),
    )
    .join('');
}

/** Paragraphs (blank-line separated) of inline Markdown, as `<p>` elements. */
export function markdownParagraphs(text: string | undefined): string {
  if (!text) return '';
  return text
    .split(/\n\s*\n/)
    .map((paragraph) => `<p>${inlineMarkdown(paragraph.trim())}</p>`)
    .join('');
}

function prose(text: string): string {
  return escapeHtml(text)
    .replace(/\*\*([^*]+)\*\*/g, '<strong>$1</strong>')
    .replace(/\[([^\]]+)\]\(((?:https?:\/\/|#)[^)\s]+)\)/g, '<a href="$2">$1</a>');
}
