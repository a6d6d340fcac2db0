// JUnit XML reporter for CI gates (the de-facto schema Jenkins, GitLab and Azure read): one
// testsuite per device, one testcase per finding (so JUnit counts the same failing findings as
// the terminal, HTML, CSV and SARIF). Outcomes, a documented choice:
//   fail (unwaived)            -> <failure type="SEVERITY">
//   undetermined               -> <error type="undetermined">: the check ran but could not decide;
//                                 never a pass, and not a verified failure either
//   error                      -> <error type="error">: the check could not run
//   skipped, not applicable,
//   waived failure             -> <skipped message="..."> (the message says which)
//   pass                       -> a testcase without child element
// Device strings pass the escaping boundary (humanView) and XML escaping; characters XML 1.0
// forbids (§2.2 Char) are dropped. Testcase names are stable across runs (rule, service, title:
// never the outcome's message), so CI history follows a check from pass to fail. Linear.
import type { DeviceResult, Finding, ResultDocument } from "../model/result.js";
import { counts, deviceLabel, evidenceText } from "./common.js";
import { humanView } from "./safe-text.js";

/** XML 1.0 §2.2: only #x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] | [#x10000-#x10FFFF]. */
export function xmlText(s: string): string {
  return s
    .replace(/[^\x09\x0A\x0D\x20-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, "")
    .replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&apos;" })[c]!);
}

const attr = (name: string, value: string | number) => ` ${name}="${xmlText(String(value))}"`;

type Outcome = "passed" | "failure" | "error" | "skipped";

export function junitOutcome(f: Finding): Outcome {
  if (f.status === "fail") return f.waiver ? "skipped" : "failure";
  if (f.status === "undetermined" || f.status === "error") return "error";
  if (f.status === "pass") return "passed";
  return "skipped";
}

function where(f: Finding): string {
  return `${f.protocol}${f.port ? `/${f.port}` : ""}`;
}

function message(f: Finding): string {
  const times = f.occurrences && f.occurrences > 1 ? ` (${f.occurrences} occurrences)` : "";
  if (f.waiver) return `waived: ${f.waiver.justification} (approved by ${f.waiver.approver}, expires ${f.waiver.expires}); ${f.message}`;
  if (f.status === "undetermined") return `undetermined (${f.reason ?? "no reason given"}): ${f.message}${times}`;
  if (f.status === "not_applicable") return `not applicable: ${f.message}`;
  if (f.status === "skipped") return `skipped: ${f.message}`;
  return `${f.message}${times}`;
}

function body(f: Finding): string {
  const lines = [`[${f.status}${f.waiver ? ", waived" : ""}] ${f.severity} ${where(f)}: ${f.message}`];
  const ev = evidenceText(f.evidence);
  if (ev) lines.push(`evidence: ${ev}`);
  if (f.status === "fail") lines.push(`remediation: ${f.remediation}`);
  lines.push(`elements: ${f.elements.join(", ")}; IEC 62443: ${f.iec62443.join(", ") || "-"}`);
  return lines.join("\n");
}

function testcase(d: DeviceResult, f: Finding, out: string[]): void {
  const open = `    <testcase${attr("name", `${f.ruleId} (${where(f)}): ${f.title}`)}${attr("classname", `otaudit.${d.host}.${f.protocol}`)}${attr("time", "0")}`;
  const outcome = junitOutcome(f);
  if (outcome === "passed") {
    out.push(`${open}/>`);
    return;
  }
  out.push(`${open}>`);
  if (outcome === "skipped") out.push(`      <skipped${attr("message", message(f))}/>`);
  else {
    const type = outcome === "failure" ? f.severity : f.status;
    out.push(`      <${outcome}${attr("message", message(f))}${attr("type", type)}>${xmlText(body(f))}</${outcome}>`);
  }
  out.push("    </testcase>");
}

export function renderJunit(result: ResultDocument): string {
  const doc = humanView(result);
  const per = doc.devices.map((d) => {
    const c = counts(d);
    return { d, tests: d.findings.length, failures: c.fail, errors: c.error + c.undetermined, skipped: c.waived + c.skipped + c.notApplicable };
  });
  const sum = (k: "tests" | "failures" | "errors" | "skipped") => per.reduce((n, s) => n + s[k], 0);
  const out: string[] = ['<?xml version="1.0" encoding="UTF-8"?>'];
  out.push(
    `<testsuites${attr("name", "otaudit")}${attr("tests", sum("tests"))}${attr("failures", sum("failures"))}${attr("errors", sum("errors"))}${attr("skipped", sum("skipped"))}${attr("time", (doc.run.durationMs / 1000).toFixed(3))}>`,
  );
  for (const s of per) {
    const d = s.d;
    out.push(
      `  <testsuite${attr("name", deviceLabel(d))}${attr("hostname", d.host)}${attr("tests", s.tests)}${attr("failures", s.failures)}${attr("errors", s.errors)}${attr("skipped", s.skipped)}${attr("time", "0")}${attr("timestamp", doc.run.startedAt)}>`,
    );
    out.push("    <properties>");
    out.push(`      <property${attr("name", "score")}${attr("value", d.score ?? "")}/>`);
    for (const e of d.elements)
      out.push(
        `      <property${attr("name", `element.${e.id}`)}${attr("value", `${e.verdict} (${e.name})${e.unaudited?.length ? `; unaudited: ${e.unaudited.join(", ")}` : ""}`)}/>`,
      );
    out.push("    </properties>");
    for (const f of d.findings) testcase(d, f, out);
    out.push("  </testsuite>");
  }
  out.push("</testsuites>");
  return out.join("\n") + "\n";
}
