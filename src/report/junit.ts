// JUnit XML reporter for CI gates (the de-facto schema Jenkins, GitLab and Azure read): one
// testsuite per device, one testcase per rule (and protocol) on that device. failure = a failing
// finding, error = the check could not run, skipped = skipped, not applicable or waived (message
// says which). Device strings are escaped, and characters XML 1.0 forbids (§2.2 Char) are dropped.
import type { DeviceResult, Finding, ResultDocument } from "../model/result.js";
import { deviceLabel, evidenceText } from "./common.js";
import { humanView } from "./safe-text.js";

/** XML 1.0 §2.2: only #x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] | [#x10000-#x10FFFF]. */
export function xmlText(s: string): string {
  return s
    .replace(/[^\x09\x0A\x0D\x20-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, "")
    .replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&apos;" })[c]!);
}

const attr = (name: string, value: string | number) => ` ${name}="${xmlText(String(value))}"`;

interface Case {
  name: string;
  classname: string;
  outcome: "passed" | "failure" | "error" | "skipped";
  message: string;
  body: string;
  severity: string;
}

function describe(f: Finding): string {
  const lines = [`[${f.status}${f.waiver ? ", waived" : ""}] ${f.severity} ${f.protocol}${f.port ? `/${f.port}` : ""}: ${f.message}`];
  const ev = evidenceText(f.evidence);
  if (ev) lines.push(`  evidence: ${ev}`);
  if (f.waiver) lines.push(`  waiver: ${f.waiver.justification} (approved by ${f.waiver.approver}, expires ${f.waiver.expires})`);
  return lines.join("\n");
}

function casesFor(d: DeviceResult): Case[] {
  const groups = new Map<string, Finding[]>();
  for (const f of d.findings) {
    const key = `${f.protocol}\u0000${f.ruleId}`;
    groups.set(key, [...(groups.get(key) ?? []), f]);
  }
  const cases: Case[] = [];
  for (const fs of groups.values()) {
    const first = fs[0]!;
    const failing = fs.filter((f) => f.status === "fail" && !f.waiver);
    const errors = fs.filter((f) => f.status === "error");
    const passes = fs.filter((f) => f.status === "pass");
    let outcome: Case["outcome"];
    let message: string;
    if (failing.length) {
      outcome = "failure";
      message = failing.map((f) => f.message).join("; ");
    } else if (errors.length) {
      outcome = "error";
      message = errors.map((f) => f.message).join("; ");
    } else if (passes.length && !fs.some((f) => f.status === "skipped" || f.waiver)) {
      outcome = "passed";
      message = "";
    } else {
      outcome = "skipped";
      const waived = fs.filter((f) => f.waiver);
      message = waived.length ? `waived: ${waived[0]!.waiver!.justification} (expires ${waived[0]!.waiver!.expires})` : fs.map((f) => f.message).join("; ");
    }
    const body = [...fs.map(describe), `remediation: ${first.remediation}`, `elements: ${first.elements.join(", ")}; IEC 62443: ${first.iec62443.join(", ")}`].join("\n");
    const severity = (failing[0] ?? first).severity;
    cases.push({ name: `${first.ruleId}: ${first.title}`, classname: `otaudit.${d.host}.${first.protocol}`, outcome, message, body, severity });
  }
  return cases;
}

export function renderJunit(result: ResultDocument): string {
  const doc = humanView(result);
  const suites = doc.devices.map((d) => ({ d, cases: casesFor(d) }));
  const total = (o: Case["outcome"]) => suites.reduce((n, s) => n + s.cases.filter((c) => c.outcome === o).length, 0);
  const all = suites.reduce((n, s) => n + s.cases.length, 0);
  const out: string[] = ['<?xml version="1.0" encoding="UTF-8"?>'];
  out.push(`<testsuites${attr("name", "otaudit")}${attr("tests", all)}${attr("failures", total("failure"))}${attr("errors", total("error"))}${attr("skipped", total("skipped"))}${attr("time", (doc.run.durationMs / 1000).toFixed(3))}>`);
  for (const { d, cases } of suites) {
    const n = (o: Case["outcome"]) => cases.filter((c) => c.outcome === o).length;
    out.push(`  <testsuite${attr("name", deviceLabel(d))}${attr("hostname", d.host)}${attr("tests", cases.length)}${attr("failures", n("failure"))}${attr("errors", n("error"))}${attr("skipped", n("skipped"))}${attr("time", "0")}${attr("timestamp", doc.run.startedAt)}>`);
    out.push("    <properties>");
    out.push(`      <property${attr("name", "score")}${attr("value", d.score ?? "")}/>`);
    for (const e of d.elements) out.push(`      <property${attr("name", `element.${e.id}`)}${attr("value", `${e.verdict} (${e.name})`)}/>`);
    out.push("    </properties>");
    for (const c of cases) {
      const open = `    <testcase${attr("name", c.name)}${attr("classname", c.classname)}${attr("time", "0")}`;
      if (c.outcome === "passed") {
        out.push(`${open}/>`);
        continue;
      }
      out.push(`${open}>`);
      if (c.outcome === "skipped") out.push(`      <skipped${attr("message", c.message)}/>`);
      else out.push(`      <${c.outcome}${attr("message", c.message)}${attr("type", c.severity)}>${xmlText(c.body)}</${c.outcome}>`);
      out.push("    </testcase>");
    }
    out.push("  </testsuite>");
  }
  out.push("</testsuites>");
  return out.join("\n") + "\n";
}
