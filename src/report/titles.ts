// How a check reads in a human report (the report-side convention; rules are not edited for it).
// Rule titles come in two phrasings: the good state the check verifies ("No weak SSH ciphers")
// and the concern it looks for ("OPC UA endpoint offers SecurityPolicy None", but also "No
// Modbus/TCP Security (TLS, port 802) offered"): no wording test tells them apart. A pass always
// carries a message stating what was verified ("no endpoint offers SecurityPolicy None"), so:
// - a PASSED check is headed by its pass message (first letter capitalised), and the rule title
//   follows as the check's name ("check: ...");
// - any other outcome is headed by the rule title, and the message follows.
// A passed check therefore never reads like a finding, whichever way its rule is titled.
import type { Finding } from "../model/result.js";

/** The headline of a finding in a human report. */
export function checkTitle(f: Pick<Finding, "title" | "status" | "message">): string {
  if (f.status !== "pass" || !f.message) return f.title;
  return f.message.charAt(0).toUpperCase() + f.message.slice(1);
}

/** The line under the headline: the message, or for a pass the check's name. */
export function checkDetail(f: Pick<Finding, "title" | "status" | "message">): string {
  return f.status === "pass" && f.message ? `check: ${f.title}` : f.message;
}
