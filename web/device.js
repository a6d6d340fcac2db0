// One device: identity (what its plugins read, else the inventory), services audited and the open
// ports nobody audited, gaps, the 12 elements with IEC 62443 references, findings status first with
// evidence as key/value tables and remediation, attestations, waivers, and its drift timeline.
import { GAP_LABEL, STATUS_LABEL, badge, fmtDate, h, kvTable, link, replace, table } from "./dom.js";
import { downloadCsv, getJson } from "./api.js";
import { changeList } from "./drift.js";

function statusBadge(f) {
  if (f.status === "fail" && f.waived) return h("span", { class: "st st-waived" }, "WAIVED");
  return h("span", { class: `st st-${f.status}` }, STATUS_LABEL[f.status] ?? f.status);
}

function finding(f) {
  const where = `${f.protocol}${f.port ? `/${f.port}` : ""}${f.occurrences > 1 ? ` · ${f.occurrences} occurrences` : ""}`;
  return h(
    "article",
    { class: `finding ${f.status}${f.waived ? " waived" : ""}`, "data-status": f.status },
    h(
      "div",
      null,
      statusBadge(f),
      " ",
      h("span", { class: "t" }, f.title),
      h("span", { class: `sev sev-${f.severity}` }, f.severity),
      " ",
      h("span", { class: "meta" }, where),
    ),
    h("div", null, f.detail, f.status === "undetermined" ? h("span", { class: "meta" }, ` (${f.reason ?? "no reason given"})`) : null),
    f.evidence.length ? kvTable(f.evidence) : null,
    f.status === "fail" ? h("div", null, h("strong", null, "Remediation: "), f.remediation) : null,
    f.waiver
      ? h("div", null, h("strong", null, "Waiver: "), `${f.waiver.justification} (approved by ${f.waiver.approver}, expires ${f.waiver.expires})`)
      : null,
    h("div", { class: "meta" }, h("code", null, f.ruleId), ` · elements ${f.elements.join(", ")} · IEC 62443 ${f.iec62443.join(", ") || "—"} · ${f.safety}`),
  );
}

function group(title, fs, folded) {
  if (fs.length === 0) return null;
  const body = fs.map(finding);
  return folded
    ? h("details", { class: "group" }, h("summary", null, `${title} (${fs.length})`), body)
    : h("section", { class: "group" }, h("h3", null, `${title} (${fs.length})`), body);
}

function elementsGrid(d) {
  return h(
    "div",
    { class: "grid" },
    d.elements.map((e) => {
      const c = e.counts;
      const parts = [
        c.fail ? `${c.fail} fail` : "",
        c.undetermined ? `${c.undetermined} undetermined` : "",
        c.error ? `${c.error} error` : "",
        c.skipped ? `${c.skipped} skipped` : "",
        c.pass ? `${c.pass} pass` : "",
      ].filter(Boolean);
      return h(
        "div",
        { class: `cell ${e.verdict}` },
        h("div", { class: "n" }, String(e.id)),
        h("div", { class: "name" }, e.name),
        badge(e.verdict),
        h("div", { class: "n" }, parts.join(" · ") || "no check", e.basis === "attested" ? " · vendor-attested" : ""),
        e.unaudited.length ? h("div", { class: "open" }, `not audited: ${e.unaudited.join(", ")}`) : null,
        e.attestation ? h("div", { class: "n" }, `attested: ${e.attestation}`) : null,
        h("div", { class: "iec" }, e.iec62443.join(", ") || "62443 family; open protocol standards"),
      );
    }),
  );
}

function identity(d) {
  const id = d.identity ?? {};
  const rows = [
    ["Vendor", id.vendor],
    ["Model", id.model],
    ["Firmware / version", id.firmware],
    ["Read from", id.source],
    ["Zone", d.zone],
    ["Score", d.score === null ? null : `${d.score} / 100`],
  ];
  if (d.inventory)
    rows.push(["Inventory", [d.inventory.vendor, d.inventory.model, d.inventory.zone && `zone ${d.inventory.zone}`].filter(Boolean).join(" · ")]);
  const obs = d.observations.map((o) => [
    o.protocol,
    o.vendor ?? "—",
    o.product ?? "—",
    o.model ?? "—",
    o.version ?? "—",
    o.source,
    h("td", null, h("code", null, o.raw)),
  ]);
  return h(
    "section",
    { class: "two" },
    h("div", null, h("h2", null, "Identity"), kvTable(rows, "kv wide")),
    h(
      "div",
      null,
      h("h2", null, "What the device said"),
      obs.length
        ? table(["Protocol", "Vendor", "Product", "Model", "Version", "Where", "As received"], obs, "obs")
        : h("p", null, "No plugin identified a product in the facts."),
    ),
  );
}

function services(d) {
  const audited = d.services.map((s) => [h("td", null, h("code", null, s.url)), s.protocol, `${s.transport}/${s.port}`, s.status, s.error ?? ""]);
  const surface = d.surface.map((p) => [
    `${p.transport}/${p.port}`,
    p.service,
    p.cleartext ? "cleartext" : "",
    p.audited ? "audited" : h("td", { class: "gap-hit" }, "not audited"),
  ]);
  return h(
    "section",
    { class: "two" },
    h(
      "div",
      null,
      h("h2", null, "Services audited"),
      audited.length ? table(["Service", "Protocol", "Port", "Probe", "Problem"], audited) : h("p", null, "No service was audited."),
    ),
    h(
      "div",
      null,
      h("h2", null, "Open ports (surface)"),
      surface.length ? table(["Port", "Service", "", "Audit"], surface) : h("p", null, "No discovery or surface record."),
      d.unaudited.length ? h("p", { class: "open" }, `Unaudited services: ${d.unaudited.join(", ")}`) : null,
    ),
  );
}

function gapsAndFleet(d) {
  if (!d.gaps.length && !d.fleetFindings.length) return null;
  return h(
    "section",
    null,
    h("h2", null, "Compensating-control gaps and fleet findings"),
    d.gaps.length
      ? table(
          ["Gap", "Protocol", "Port", "Detail", "Shown by"],
          d.gaps.map((g) => [GAP_LABEL[g.kind] ?? g.kind, g.protocol, g.port ?? "—", g.detail, h("td", null, h("code", null, g.ruleId))]),
        )
      : null,
    d.fleetFindings.length
      ? table(
          ["Status", "Fleet finding", "Severity", "Devices", "Detail"],
          d.fleetFindings.map((f) => [
            h("td", null, h("span", { class: `st st-${f.status}` }, f.status.toUpperCase())),
            f.title,
            f.severity,
            String(f.devices),
            f.message,
          ]),
        )
      : null,
  );
}

function attestations(d) {
  const att = d.elements.filter((e) => e.attestation);
  const parts = [];
  if (att.length)
    parts.push(
      h("h3", null, "Vendor attestations (not verified by otaudit)"),
      h(
        "ul",
        null,
        att.map((e) => h("li", null, `${e.id}. ${e.name}: ${e.attestation}`)),
      ),
    );
  if (d.evidence.length)
    parts.push(
      h("h3", null, "Vendor evidence applied"),
      table(
        ["Source", "Vendor", "Product", "Attested by", "On", "Elements"],
        d.evidence.map((e) => [e.source, e.vendor, e.product, e.attestedBy, e.attestedOn, e.elements.join(", ")]),
      ),
    );
  if (d.waivers.length)
    parts.push(
      h("h3", null, "Waivers"),
      table(
        ["Rule", "State", "Findings", "Approver", "Expires", "Justification"],
        d.waivers.map((w) => [h("td", null, h("code", null, w.rule)), w.state, String(w.findings), w.approver, w.expires, w.justification]),
      ),
    );
  return parts.length
    ? h("section", null, h("h2", null, "Attestations and waivers"), parts)
    : h("section", null, h("h2", null, "Attestations and waivers"), h("p", { class: "meta" }, "No vendor attestation and no waiver applies to this device."));
}

function driftSection(ctx, dd) {
  const rows = dd.timeline.map((t) =>
    h(
      "tr",
      null,
      h("td", null, fmtDate(t.createdAt)),
      h("td", null, t.sweep),
      h("td", { class: `drift-${t.state}` }, t.state),
      h(
        "td",
        null,
        Object.entries(t.categories)
          .map(([k, n]) => `${k} ${n}`)
          .join(", ") || "—",
      ),
      h("td", null, t.changes.length ? changeList(t.changes, t.more) : ""),
    ),
  );
  const base = dd.baselines.map((b) =>
    h(
      "tr",
      null,
      h("td", null, b.name),
      h("td", null, `${b.sweepId} (${fmtDate(b.createdAt)})`),
      h("td", { class: `drift-${b.state}` }, b.state),
      h(
        "td",
        null,
        Object.entries(b.categories)
          .map(([k, n]) => `${k} ${n}`)
          .join(", ") || "—",
      ),
      h("td", null, b.changes.length ? changeList(b.changes, b.more) : ""),
    ),
  );
  return h(
    "section",
    null,
    h("h2", null, "Drift (element 1)"),
    h(
      "p",
      { class: "meta" },
      "What changed in this device's configuration from one sweep to the next, and against each saved baseline. ",
      h("a", { href: link("/drift", { sweep: ctx.sp.get("sweep") }), "data-nav": true }, "Fleet drift"),
    ),
    h(
      "table",
      { class: "timeline" },
      h(
        "thead",
        null,
        h(
          "tr",
          null,
          ["When", "Sweep", "State", "Changes", "Detail"].map((c) => h("th", null, c)),
        ),
      ),
      h("tbody", null, rows),
    ),
    base.length
      ? h(
          "table",
          { class: "timeline" },
          h(
            "thead",
            null,
            h(
              "tr",
              null,
              [`Baseline (vs ${dd.target})`, "Taken of", "State", "Changes", "Detail"].map((c) => h("th", null, c)),
            ),
          ),
          h("tbody", null, base),
        )
      : null,
  );
}

export async function renderDevice(ctx) {
  const host = ctx.sp.get("host") ?? "";
  const sweep = ctx.sp.get("sweep") ?? undefined;
  const [d, dd] = await Promise.all([getJson(link("/api/device", { sweep, host })), getJson(link("/api/device-drift", { sweep, host }))]);
  if (!ctx.isCurrent()) return;
  const by = (p) => d.findings.filter(p);
  const csv = h("button", { type: "button", class: "csv" }, "Export findings CSV");
  csv.addEventListener("click", () => downloadCsv(link("/api/device.csv", { sweep, host }), "otaudit-device-findings.csv").catch((e) => alert(e.message)));
  replace(
    ctx.view,
    h("p", null, h("a", { href: link("/", { sweep }), "data-nav": true }, "‹ fleet overview")),
    h("h1", null, d.name ? `${d.name} (${d.host})` : d.host),
    h("p", { class: "meta" }, `Sweep ${d.sweep.id} · ${d.sweep.createdAt} · ${d.countsLine}`, " ", csv),
    identity(d),
    services(d),
    gapsAndFleet(d),
    h("h2", null, "The 12 elements"),
    elementsGrid(d),
    h("h2", null, "Findings"),
    group(
      "Failing",
      by((f) => f.status === "fail" && !f.waived),
      false,
    ),
    group(
      "Undetermined: the check ran but could not decide",
      by((f) => f.status === "undetermined"),
      false,
    ),
    group(
      "Could not run",
      by((f) => f.status === "error"),
      false,
    ),
    group(
      "Waived",
      by((f) => f.status === "fail" && f.waived),
      false,
    ),
    group(
      "Skipped",
      by((f) => f.status === "skipped"),
      true,
    ),
    group(
      "Not applicable",
      by((f) => f.status === "not_applicable"),
      true,
    ),
    group(
      "Passed",
      by((f) => f.status === "pass"),
      true,
    ),
    attestations(d),
    driftSection(ctx, dd),
  );
}
