// Drift (element 1): the fleet's timeline across sweeps (devices changed, new and missing since the
// sweep before, failing findings, element 1 verdicts), each saved baseline against the chosen
// sweep, and the devices that changed between two sweeps with what changed (paginated, CSV).
import { fmtDate, h, link, replace, table } from "./dom.js";
import { downloadCsv, getJson } from "./api.js";
import { timelineChart } from "./charts.js";

const show = (v) => (v === undefined ? "—" : Array.isArray(v) ? v.join(", ") : String(v));

/** A device's changes: category, protocol, path, before -> after, or added / removed items. */
export function changeList(changes, more) {
  return h(
    "details",
    { class: "changes" },
    h("summary", null, `${changes.length + more} change${changes.length + more === 1 ? "" : "s"}`),
    h(
      "ul",
      null,
      changes.map((c) =>
        h(
          "li",
          null,
          h("span", { class: "chip" }, c.category),
          " ",
          h("code", null, `${c.protocol} ${c.path}`),
          c.added || c.removed
            ? h("span", null, c.added?.length ? ` added: ${show(c.added)}` : "", c.removed?.length ? ` removed: ${show(c.removed)}` : "")
            : h("span", null, ` ${show(c.before)} → ${show(c.after)}`),
        ),
      ),
      more ? h("li", { class: "meta" }, `… ${more} more`) : null,
    ),
  );
}

function sweepsTable(ctx, d, _from, to) {
  const rows = d.sweeps.map((s) => {
    const v = s.vsPrevious;
    const e1 = Object.entries(s.element1)
      .filter(([, n]) => n)
      .map(([k, n]) => `${k} ${n}`)
      .join(", ");
    return h(
      "tr",
      { class: s.id === to ? "here" : null },
      h("td", null, fmtDate(s.createdAt)),
      h("td", null, s.id),
      h("td", { class: "num" }, String(s.devices)),
      h(
        "td",
        null,
        v
          ? h(
              "a",
              { href: link("/drift", { sweep: ctx.sp.get("sweep"), from: v.from, to: s.id }), "data-nav": true },
              `${v.changed} changed · ${v.added} new · ${v.missing} missing`,
            )
          : "first sweep",
      ),
      h("td", { class: "num" }, String(s.failingFindings)),
      h("td", null, e1),
    );
  });
  return h(
    "table",
    { class: "sweeps" },
    h(
      "thead",
      null,
      h(
        "tr",
        null,
        ["When", "Sweep", "Devices", "Since the sweep before", "Failing findings", "Element 1 verdicts"].map((c) => h("th", { scope: "col" }, c)),
      ),
    ),
    h("tbody", null, rows),
  );
}

function baselinesTable(d) {
  if (!d.baselines.length) return h("p", { class: "meta" }, "No baseline saved (otaudit baseline save --db FILE --name NAME).");
  return table(
    ["Baseline", "Taken of", "Saved", `Against ${d.target}`],
    d.baselines.map((b) => [
      b.name,
      b.sweepId,
      fmtDate(b.createdAt),
      `${b.changed} changed · ${b.added} new · ${b.missing} missing · ${b.unchanged} unchanged`,
    ]),
    "baselines",
  );
}

async function changesSection(ctx, from, to) {
  const page = ctx.sp.get("page") ?? undefined;
  const c = await getJson(link("/api/drift/changes", { from, to, page }));
  const rows = c.rows.map((r) =>
    h(
      "tr",
      { "data-host": r.host },
      h(
        "th",
        { scope: "row" },
        r.state === "missing"
          ? r.name
            ? `${r.name} (${r.host})`
            : r.host
          : h("a", { href: link("/device", { sweep: to, host: r.host }), "data-nav": true }, r.name ? `${r.name} (${r.host})` : r.host),
      ),
      h("td", null, r.zone ?? "—"),
      h("td", { class: `drift-${r.state}` }, r.state),
      h(
        "td",
        null,
        Object.entries(r.categories)
          .map(([k, n]) => `${k} ${n}`)
          .join(", ") || "—",
      ),
      h("td", null, r.changes.length ? changeList(r.changes, r.more) : ""),
    ),
  );
  const base = { sweep: ctx.sp.get("sweep"), from, to };
  const pager = h(
    "nav",
    { class: "pager" },
    c.page > 1 ? h("a", { href: link("/drift", { ...base, page: c.page - 1 }), "data-nav": true }, "‹ previous") : null,
    ` page ${c.page} of ${c.pages} · ${c.total} devices `,
    c.page < c.pages ? h("a", { href: link("/drift", { ...base, page: c.page + 1 }), "data-nav": true }, "next ›") : null,
  );
  const csv = h("button", { type: "button", class: "csv" }, "Export CSV");
  csv.addEventListener("click", () => downloadCsv(link("/api/drift.csv", { from, to }), "otaudit-drift.csv").catch((e) => alert(e.message)));
  return h(
    "section",
    null,
    h("h2", null, `What changed from ${from} to ${to}`),
    h("p", { class: "meta" }, `${c.counts.changed} changed · ${c.counts.new} new · ${c.counts.missing} missing · ${c.counts.unchanged} unchanged `, csv),
    c.rows.length
      ? h(
          "table",
          { class: "changed" },
          h(
            "thead",
            null,
            h(
              "tr",
              null,
              ["Device", "Zone", "State", "Changes", "Detail"].map((x) => h("th", { scope: "col" }, x)),
            ),
          ),
          h("tbody", null, rows),
        )
      : h("p", null, "Nothing changed."),
    pager,
  );
}

export async function renderDrift(ctx) {
  const sweep = ctx.sp.get("sweep") ?? undefined;
  const d = await getJson(link("/api/drift", { sweep }));
  if (!ctx.isCurrent()) return;
  const last = d.sweeps[d.sweeps.length - 1];
  const to = ctx.sp.get("to") ?? (last?.vsPrevious ? last.id : undefined);
  const from = ctx.sp.get("from") ?? (to ? d.sweeps.find((s) => s.id === to)?.vsPrevious?.from : undefined);
  const chart = h("div", { class: "chart", id: "timeline-chart" });
  const changes = from && to ? await changesSection(ctx, from, to) : h("p", { class: "meta" }, "One sweep only: drift shows once the store holds two.");
  if (!ctx.isCurrent()) return;
  replace(
    ctx.view,
    h("h1", null, "Drift across sweeps (element 1)"),
    h(
      "p",
      { class: "meta" },
      `The latest ${d.limit} sweeps at most. A device changed when its configuration snapshot (services, algorithms, endpoints, certificates, firmware) differs from the sweep before.`,
    ),
    h("section", { class: "two" }, h("div", null, sweepsTable(ctx, d, from, to)), chart),
    h("h2", null, "Baselines"),
    baselinesTable(d),
    changes,
  );
  timelineChart(chart, d.sweeps);
}
