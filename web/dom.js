// The only way the dashboard builds the page: elements and text nodes (textContent), never HTML
// strings. Attributes are set one by one from an allow-list (no style, no event handlers), and links
// are this server's own paths. Device strings arrive escaped by the server and stay plain text here.

const ATTRS = new Set([
  "class",
  "href",
  "title",
  "id",
  "for",
  "name",
  "type",
  "value",
  "placeholder",
  "colspan",
  "scope",
  "download",
  "role",
  "aria-label",
  "selected",
  "open",
  "data-host",
  "data-nav",
  "data-verdict",
  "data-status",
]);

/**
 * h("tr", { class: "x" }, "text", child, [more]) -> an element. Strings become text nodes; null,
 * undefined and false are skipped; arrays are flattened.
 * @param {string} tag
 * @param {Record<string, string | number | boolean | null | undefined> | null} [attrs]
 * @param {...any} children
 * @returns {HTMLElement}
 */
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs ?? {})) {
    if (v === null || v === undefined || v === false) continue;
    if (!ATTRS.has(k)) throw new Error(`attribute not allowed: ${k}`);
    if (k === "href" && !String(v).startsWith("/")) throw new Error("links stay on this server");
    el.setAttribute(k, v === true ? "" : String(v));
  }
  append(el, children);
  return el;
}

/** @param {Node} el @param {any[]} children */
export function append(el, children) {
  for (const c of children.flat(Infinity)) {
    if (c === null || c === undefined || c === false) continue;
    el.appendChild(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

/** Replace an element's content. @param {Element} el @param {...any} children */
export function replace(el, ...children) {
  el.replaceChildren();
  return append(el, children);
}

/** A path on this server with its query (empty values left out). */
export function link(path, params) {
  const sp = new URLSearchParams();
  for (const [k, v] of Object.entries(params ?? {})) if (v !== undefined && v !== null && v !== "") sp.set(k, String(v));
  const q = sp.toString();
  return q ? `${path}?${q}` : path;
}

export const VERDICT_LETTER = { pass: "P", fail: "F", partial: "~", undetermined: "?", attested: "A", unverified: "U", error: "E" };
export const VERDICT_LABEL = {
  pass: "Pass",
  fail: "Fail",
  partial: "Partial",
  undetermined: "Undetermined",
  attested: "Attested",
  unverified: "Unverified",
  error: "Error",
};
export const STATUS_LABEL = { fail: "FAIL", undetermined: "UNDETERMINED", error: "ERROR", skipped: "SKIPPED", not_applicable: "N/A", pass: "PASS" };
export const GAP_LABEL = {
  "remote-access-single-factor": "Remote access without MFA",
  "default-credential": "Default credentials",
  "shared-secret": "Shared credentials or keys",
  "cleartext-management": "Cleartext channels",
  "unaudited-service": "Unaudited services",
};

export function badge(verdict) {
  return h("span", { class: `v v-${verdict}` }, VERDICT_LABEL[verdict] ?? verdict);
}

/** A key/value table (evidence, identity). @param {[string, any][]} rows */
export function kvTable(rows, cls = "kv") {
  return h(
    "table",
    { class: cls },
    h(
      "tbody",
      null,
      rows.map(([k, v]) => h("tr", null, h("th", { scope: "row" }, k), h("td", null, v === null || v === undefined || v === "" ? "—" : String(v)))),
    ),
  );
}

/** A table with a header row. @param {string[]} head @param {any[][]} rows */
export function table(head, rows, cls) {
  return h(
    "table",
    { class: cls },
    h(
      "thead",
      null,
      h(
        "tr",
        null,
        head.map((c) => h("th", { scope: "col" }, c)),
      ),
    ),
    h(
      "tbody",
      null,
      rows.map((r) =>
        h(
          "tr",
          null,
          r.map((c) => (c instanceof Node && c.nodeName === "TD" ? c : h("td", null, c))),
        ),
      ),
    ),
  );
}

export function fmtDate(iso) {
  return typeof iso === "string" ? iso.replace("T", " ").replace(/\.\d+Z$/, "Z") : "";
}
