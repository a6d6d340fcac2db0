// Fleet overview: counts per verdict, the verdict chart per element, compensating-control gaps per
// zone, failing fleet findings and rules, then the heatmap of devices x the 12 elements (worst
// first), filtered and paginated by the server; the filters live in the URL. CSV exports the view.
import { GAP_LABEL, VERDICT_LABEL, VERDICT_LETTER, h, link, replace, table } from "./dom.js";
import { downloadCsv, getJson } from "./api.js";
import { verdictChart } from "./charts.js";

const FILTERS = ["zone", "element", "verdict", "severity", "protocol", "vendor", "model", "firmware", "q", "rule", "gap", "sort"];
const LIST_KEYS = ["sweep", ...FILTERS, "page", "size"];

function params(sp, keys) {
  const out = {};
  for (const k of keys) if (sp.get(k)) out[k] = sp.get(k);
  return out;
}

function select(name, label, options, current) {
  return h(
    "label",
    null,
    label,
    " ",
    h(
      "select",
      { name },
      h("option", { value: "" }, "any"),
      options.map(([value, text]) => h("option", { value, selected: String(value) === current }, text)),
    ),
  );
}

function text(name, label, current, placeholder) {
  return h("label", null, label, " ", h("input", { type: "search", name, value: current ?? "", placeholder }));
}

function filterForm(ctx, overview) {
  const { meta, sp } = ctx;
  const f = overview.facets;
  const form = h(
    "form",
    { class: "filters", role: "search", "aria-label": "filters" },
    select(
      "zone",
      "Zone",
      f.zones.map((z) => [z.value, `${z.value} (${z.devices})`]),
      sp.get("zone"),
    ),
    select(
      "element",
      "Element",
      meta.elements.map((e) => [e.id, `${e.id}. ${e.name}`]),
      sp.get("element"),
    ),
    select(
      "verdict",
      "Verdict",
      meta.verdicts.map((v) => [v, VERDICT_LABEL[v]]),
      sp.get("verdict"),
    ),
    select(
      "severity",
      "Failing at",
      meta.severities.map((s) => [s, s]),
      sp.get("severity"),
    ),
    select(
      "protocol",
      "Protocol",
      f.protocols.map((p) => [p.value, `${p.value} (${p.devices})`]),
      sp.get("protocol"),
    ),
    select(
      "gap",
      "Gap",
      meta.gapKinds.map((g) => [g, GAP_LABEL[g] ?? g]),
      sp.get("gap"),
    ),
    text("vendor", "Vendor", sp.get("vendor"), "contains"),
    text("model", "Model", sp.get("model"), "contains"),
    text("firmware", "Firmware", sp.get("firmware"), "contains"),
    text("q", "Host or name", sp.get("q"), "contains"),
    h(
      "label",
      null,
      "Sort ",
      h(
        "select",
        { name: "sort" },
        [
          ["worst", "worst first"],
          ["host", "host"],
          ["zone", "zone"],
          ["score", "score"],
          ["seq", "target order"],
        ].map(([v, t]) => h("option", { value: v, selected: (sp.get("sort") ?? "worst") === v }, t)),
      ),
    ),
    sp.get("rule") ? h("span", { class: "chip" }, `rule ${sp.get("rule")}`) : null,
    h("a", { href: link("/", { sweep: sp.get("sweep") }), "data-nav": true }, "clear filters"),
  );
  const apply = () => {
    const next = new URLSearchParams();
    if (sp.get("sweep")) next.set("sweep", sp.get("sweep"));
    if (sp.get("rule")) next.set("rule", sp.get("rule"));
    for (const el of form.querySelectorAll("select, input")) if (el.value && !(el.name === "sort" && el.value === "worst")) next.set(el.name, el.value.trim());
    ctx.navigate(`/?${next}`);
  };
  form.addEventListener("change", apply);
  form.addEventListener("submit", (e) => (e.preventDefault(), apply()));
  return form;
}

function counters(ctx, o) {
  const t = o.verdictTotals;
  return h(
    "div",
    { class: "cards" },
    h("div", { class: "card" }, h("div", { class: "big" }, String(o.devices)), "devices"),
    h("div", { class: "card" }, h("div", { class: "big" }, String(o.zones.length)), "zones"),
    h(
      "div",
      { class: "card" },
      h("div", { class: "big" }, String(ctx.meta.sweeps.length)),
      h("a", { href: link("/drift", { sweep: ctx.sp.get("sweep") }), "data-nav": true }, ctx.meta.sweeps.length === 1 ? "sweep" : "sweeps"),
    ),
    h(
      "div",
      { class: "card wide" },
      h("div", null, "Element verdicts over all devices"),
      h(
        "div",
        { class: "chips" },
        Object.keys(t).map((v) => h("span", { class: `v v-${v}`, title: `${VERDICT_LABEL[v]}: device-elements` }, `${VERDICT_LABEL[v]} ${t[v]}`)),
      ),
    ),
    h("div", { class: "card wide" }, h("div", null, "Findings"), h("div", null, o.findingsLine)),
  );
}

function zoneGaps(ctx, o) {
  const kinds = ctx.meta.gapKinds;
  const rows = o.zones.map((z) => [
    h("td", null, h("a", { href: link("/", { sweep: ctx.sp.get("sweep"), zone: z.zone }), "data-nav": true }, z.zone)),
    String(z.devices),
    ...kinds.map((k) =>
      h(
        "td",
        { class: z.gaps[k] ? "gap-hit" : "gap-none" },
        z.gaps[k] ? h("a", { href: link("/", { sweep: ctx.sp.get("sweep"), zone: z.zone, gap: k }), "data-nav": true }, String(z.gaps[k])) : "0",
      ),
    ),
  ]);
  return h(
    "section",
    null,
    h("h2", null, "Compensating-control gaps per zone"),
    h(
      "p",
      { class: "meta" },
      "Devices per zone with each gap (CISA Secure by Demand OT, immediate actions for installed assets). A number opens those devices.",
    ),
    table(["Zone", "Devices", ...kinds.map((k) => GAP_LABEL[k] ?? k)], rows, "zones"),
  );
}

function fleetFindings(ctx, o) {
  const rules = o.rules.map((r) => [
    h("td", null, h("a", { href: link("/", { sweep: ctx.sp.get("sweep"), rule: r.id }), "data-nav": true }, r.id)),
    r.title,
    r.severity,
    String(r.failing),
  ]);
  const fleet = o.fleetFindings.map((f) => [
    h("td", null, h("span", { class: `st st-${f.status}` }, f.status.toUpperCase())),
    h("td", null, h("details", { class: "changes" }, h("summary", null, f.title), f.message)),
    f.severity,
    f.zone ?? "—",
    String(f.devices),
  ]);
  return h(
    "section",
    { class: "two" },
    h(
      "div",
      null,
      h("h2", null, "Checks failing on most devices"),
      rules.length ? table(["Rule", "Check", "Severity", "Devices"], rules, "rules") : h("p", null, "No failing check."),
    ),
    h(
      "div",
      null,
      h("h2", null, "Fleet findings"),
      fleet.length ? table(["Status", "Finding (open for detail)", "Severity", "Zone", "Devices"], fleet, "fleet") : h("p", null, "No failing fleet finding."),
    ),
  );
}

function heatmap(ctx, list) {
  const sweep = ctx.sp.get("sweep");
  const head = ["Device", "Zone", "Vendor · model · firmware", ...ctx.meta.elements.map((e) => e.id), "Failing"];
  const thead = h(
    "thead",
    null,
    h(
      "tr",
      null,
      head.map((c, i) => h("th", { scope: "col", title: i >= 3 && i < 15 ? ctx.meta.elements[i - 3].name : null }, String(c))),
    ),
  );
  const rows = list.rows.map((d) =>
    h(
      "tr",
      { "data-host": d.host },
      h("th", { scope: "row" }, h("a", { href: link("/device", { sweep, host: d.host }), "data-nav": true }, d.name ? `${d.name} (${d.host})` : d.host)),
      h("td", null, d.zone),
      h("td", { class: "ident" }, [d.vendor, d.model, d.firmware].filter(Boolean).join(" · ") || "—"),
      d.verdicts.map((v, i) =>
        h("td", { class: `hm v-${v}`, title: `${i + 1}. ${ctx.meta.elements[i].name}: ${VERDICT_LABEL[v]}`, "data-verdict": v }, VERDICT_LETTER[v]),
      ),
      h("td", { class: "num" }, String(d.fail)),
    ),
  );
  return h("table", { class: "heatmap" }, thead, h("tbody", null, rows));
}

function pager(ctx, list) {
  const base = params(ctx.sp, LIST_KEYS);
  const to = (page) => link("/", { ...base, page: page === 1 ? undefined : page });
  return h(
    "nav",
    { class: "pager", "aria-label": "pages" },
    list.page > 1 ? h("a", { href: to(list.page - 1), "data-nav": true }, "‹ previous") : h("span", { class: "meta" }, "‹ previous"),
    h("span", null, ` page ${list.page} of ${list.pages} · ${list.total} of ${list.of} devices `),
    list.page < list.pages ? h("a", { href: to(list.page + 1), "data-nav": true }, "next ›") : h("span", { class: "meta" }, "next ›"),
  );
}

export async function renderOverview(ctx) {
  const sweep = ctx.sp.get("sweep") ?? undefined;
  const [o, list] = await Promise.all([getJson(link("/api/overview", { sweep })), getJson(link("/api/devices", params(ctx.sp, LIST_KEYS)))]);
  if (!ctx.isCurrent()) return;
  const chart = h("div", { class: "chart", id: "verdict-chart" });
  const csv = h("button", { type: "button", class: "csv" }, "Export CSV (this view)");
  csv.addEventListener("click", () =>
    downloadCsv(link("/api/devices.csv", params(ctx.sp, ["sweep", ...FILTERS])), "otaudit-devices.csv").catch((e) => alert(e.message)),
  );
  replace(
    ctx.view,
    h("h1", null, "Fleet overview"),
    h("p", { class: "meta" }, `Sweep ${o.sweep.id} · ${o.sweep.createdAt} · ${o.sweep.status}`),
    counters(ctx, o),
    h("section", { class: "two" }, h("div", null, chart), zoneGaps(ctx, o)),
    h(
      "section",
      null,
      h("h2", { id: "devices" }, "Devices × the 12 elements"),
      h(
        "p",
        { class: "meta" },
        "Worst first: failing elements, then failing findings by severity, then gaps. Letters: P pass, F fail, ~ partial, ? undetermined, A attested, U unverified, E error.",
      ),
      filterForm(ctx, o),
      h("div", { class: "toolbar" }, pager(ctx, list), csv),
      list.rows.length ? heatmap(ctx, list) : h("p", { class: "empty" }, "No device matches these filters."),
      pager(ctx, list),
    ),
    fleetFindings(ctx, o),
  );
  verdictChart(chart, o.elementVerdicts);
}
