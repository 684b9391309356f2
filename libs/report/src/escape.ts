/** Text for HTML or SVG markup (element text or a quoted attribute): the page and its charts escape the same way. */
export const escapeHtml = (s: string) =>
  s.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;');
