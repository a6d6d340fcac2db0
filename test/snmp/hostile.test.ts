// Issue 13 (SNMP): a corpus of hostile scripted UDP agents. Each case asserts that a result is
// written (facts or a one-line error, and findings), that nothing unverifiable passes (these agents
// prove nothing good: no pass at all), that the probe finished on its own before the per-probe cap
// (it was neither capped nor aborted), that facts and findings stay bounded, and that no control,
// C1 or bidi character of the device reaches facts or findings as text.
import { describe, expect, it } from "vitest";
import { startFakeSnmpAgent } from "./fake-agent.js";
import { HOSTILE_CASES as CASES, HOSTILE_TIMEOUT as TIMEOUT } from "./hostile-cases.js";
import { runSnmp } from "./helpers.js";

const HOST = "127.0.0.1";

const UNSAFE = /[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]|\r(?!\n)/;
function strings(v: unknown, out: string[] = []): string[] {
  if (typeof v === "string") out.push(v);
  else if (Array.isArray(v)) for (const x of v) strings(x, out);
  else if (v && typeof v === "object") for (const x of Object.values(v)) strings(x, out);
  return out;
}

describe(`hostile SNMP agents (${CASES.length} scripted cases)`, () => {
  it("the corpus has at least 30 cases", () => expect(CASES.length).toBeGreaterThanOrEqual(30));
  for (const [name, script] of CASES) {
    it(name, async () => {
      const agent = await startFakeSnmpAgent(script);
      try {
        const r = await runSnmp(HOST, agent.port, { timeoutMs: TIMEOUT });
        // a result: facts, or an error envelope with a one-line message; findings either way
        expect(["ok", "error"]).toContain(r.envelope.status);
        if (r.envelope.status === "error") expect(r.envelope.error!.message).not.toMatch(/\n/);
        expect(Array.isArray(r.findings)).toBe(true);
        // nothing unverifiable passes
        expect(r.findings.filter((f) => f.status === "pass").map((f) => `${f.ruleId}: ${f.message}`)).toEqual([]);
        // finished on its own: neither the per-probe cap nor an abort stopped it
        expect(r.envelope.incomplete).toBeUndefined();
        expect(r.envelope.error?.message ?? "").not.toMatch(/did not finish within|aborted/);
        // bounded facts and findings
        expect(JSON.stringify(r.envelope).length).toBeLessThan(64_000);
        expect(r.findings.length).toBeLessThan(32);
        // no device control characters as text anywhere
        for (const s of strings([r.envelope, r.findings])) expect(UNSAFE.test(s), JSON.stringify(s)).toBe(false);
      } finally {
        await agent.close();
      }
    });
  }
});
