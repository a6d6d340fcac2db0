// The dashboard's calls to its server: GET only, same origin. With a token-protected server the
// token is asked for once per tab and kept in sessionStorage (sent as a bearer token, never put in a
// URL); a `#token=...` fragment (never sent to a server) is taken once and removed from the address.
import { h, replace } from "./dom.js";

const KEY = "otaudit-serve-token";

export function takeTokenFromFragment() {
  const m = /^#token=([\x21-\x7e]+)$/.exec(location.hash);
  if (!m) return;
  sessionStorage.setItem(KEY, decodeURIComponent(m[1]));
  history.replaceState(history.state, "", location.pathname + location.search);
}

export class ApiError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

function headers() {
  const t = sessionStorage.getItem(KEY);
  return t ? { Authorization: `Bearer ${t}` } : {};
}

/** GET a JSON view. @param {string} path */
export async function getJson(path) {
  const res = await fetch(path, { headers: headers(), credentials: "omit", cache: "no-store" });
  const body = await res.json().catch(() => ({ error: `HTTP ${res.status}` }));
  if (!res.ok) throw new ApiError(res.status, body.error ?? `HTTP ${res.status}`);
  return body;
}

/** Download a CSV view (fetched with the token, saved through a blob link). */
export async function downloadCsv(path, filename) {
  const res = await fetch(path, { headers: headers(), credentials: "omit", cache: "no-store" });
  if (!res.ok) throw new ApiError(res.status, `CSV export failed: HTTP ${res.status}`);
  const url = URL.createObjectURL(await res.blob());
  const a = document.createElement("a");
  a.href = url;
  a.download = filename;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** The token form, shown when the server answers 401. */
export function tokenForm(view, retry) {
  const input = h("input", { type: "password", id: "token", "aria-label": "API token", placeholder: "token" });
  const form = h(
    "form",
    { class: "token" },
    h("p", null, "This dashboard needs its API token (from the operator who started `otaudit serve`)."),
    input,
    h("button", { type: "submit" }, "Open"),
  );
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    sessionStorage.setItem(KEY, input.value.trim());
    retry();
  });
  replace(view, form);
}
