/**
 * The bearer token the page sends when the service asks for one (started with --tokens). Give it
 * once in the address, `http://host:8080/#token=<token>`: it is kept in this tab's sessionStorage
 * and removed from the address at once (so it is neither bookmarked nor shown). The page itself is
 * served without a token; its API and WebSocket need one with the read scope.
 */
const KEY = 'tickflow.token';

const fromHash = /^#token=([A-Za-z0-9._~-]+)$/.exec(location.hash);
if (fromHash) {
  sessionStorage.setItem(KEY, fromHash[1]);
  history.replaceState(null, '', location.pathname + location.search);
}

let refusedWith;

/** Called when the API refuses the page's token (or its lack of one), with the HTTP status. */
export function tokenRefused(status) {
  refusedWith = status;
}

/** What to tell the user once the API refused the token: the connection badge shows it. */
export function tokenProblem() {
  if (refusedWith === undefined) return undefined;
  return token()
    ? `token refused (HTTP ${refusedWith}): open /#token=<read token>`
    : 'token needed: open /#token=<read token>';
}

/** The token of this tab, or undefined (the service runs without tokens). */
export function token() {
  return sessionStorage.getItem(KEY) ?? undefined;
}

/** Headers for fetch: Authorization when there is a token. */
export function authHeaders() {
  const t = token();
  return t ? { authorization: `Bearer ${t}` } : {};
}

/** WebSocket subprotocols: the token travels as `bearer.<token>`, `tickflow` is the one chosen. */
export function streamProtocols() {
  const t = token();
  return t ? ['tickflow', `bearer.${t}`] : [];
}

/** A link the browser opens itself (no headers then): the token goes as ?access_token=. */
export function withToken(href) {
  const t = token();
  return t ? `${href}${href.includes('?') ? '&' : '?'}access_token=${encodeURIComponent(t)}` : href;
}
