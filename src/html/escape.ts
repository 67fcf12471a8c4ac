/**
 * Escaping for the HTML page. Class names are real kernel strings (`&dev->mutex`,
 * `(work_completion)(&(&wb->dwork)->work)`) and scenario files are untrusted input, so nothing
 * from the data is ever written into markup: the page embeds it as JSON in a
 * `<script type="application/json">` element and the client renders it with textContent.
 */

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escapes text for an HTML text node or a quoted attribute value. */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]!);
}

/**
 * JSON safe to place inside `<script type="application/json">…</script>`: `<`, `>` and `&` become
 * \u003c, \u003e, \u0026 (so no `</script>` or `<!--` can end or change the element), and the
 * line separators U+2028/U+2029 are escaped too. JSON.parse() of the element's text gives the
 * value back unchanged.
 */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}
