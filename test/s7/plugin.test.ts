// The S7comm plugin's declarations on recorded facts: identify() for advisories, fleet signals,
// the declared sends() are exactly what the probe sent, and record -> profileFromFacts -> simulate
// -> probe gives the same identity, protection and verdicts (the fixture library's s7 recordings).
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import s7 from "../../probes/s7/index.js";
import { CHECKS } from "../../probes/s7/checks.js";
import type { S7Facts } from "../../probes/s7/facts.js";
import { S7SimProfile } from "../../probes/s7/profile.js";
import { scan, startSim, statuses } from "./helpers.js";

const recorded = (name: string): S7Facts => JSON.parse(readFileSync(`fixtures/library/${name}/recording.json`, "utf8")).devices[0].facts.s7.data;

describe("S7comm plugin declarations", () => {
  it("identify(): Siemens, module type, order number as model, firmware without the V", () => {
    expect(s7.identify!(recorded("s7-300-unprotected"))).toEqual([
      {
        vendor: "Siemens",
        product: "CPU 315-2 PN/DP",
        model: "6ES7 315-2EH14-0AB0",
        version: "3.2.6",
        source: "s7 szl 0x0011/0x001c",
        raw: "orderNumber=6ES7 315-2EH14-0AB0, firmware=V3.2.6, moduleTypeName=CPU 315-2 PN/DP",
        port: 102,
      },
    ]);
    expect(s7.identify!(recorded("s7-1500-s7plus"))).toEqual([]);
  });

  it("signals: a cleartext control channel; engineering access without authentication, or with the CPU password as one factor", () => {
    expect(s7.signals!(recorded("s7-300-unprotected"), [])).toEqual({
      cleartext: [{ scheme: "s7", port: 102, carries: "control", detail: expect.stringContaining("without authentication") }],
      remoteAccess: [{ scheme: "s7", port: 102, factors: "none", detail: expect.any(String) }],
    });
    expect(s7.signals!(recorded("s7-400-password"), []).remoteAccess![0]!.factors).toBe("single-factor");
    expect(s7.signals!(recorded("s7-1500-s7plus"), [])).toEqual({ cleartext: [], remoteAccess: [] });
  });

  it("every PDU the probe sent is one the checks declare (the README's 'exactly' list)", () => {
    const declared = new Set(Object.values(CHECKS).flatMap((c) => c.sends()));
    for (const name of ["s7-300-unprotected", "s7-400-password", "s7-1500-s7plus"])
      for (const sent of recorded(name).sent) expect(declared.has(sent.replace(/ \(fragment \d+\)$/, "")), `${name}: ${sent}`).toBe(true);
  });

  it("record -> profileFromFacts -> simulate -> probe: the same identity, protection and verdicts", async () => {
    for (const name of ["s7-400-password", "s7-1500-s7plus"]) {
      const facts = recorded(name);
      const sim = await startSim(S7SimProfile.parse(s7.profileFromFacts!(facts)));
      try {
        const again = await scan([sim.url]);
        expect(again.facts!.identity).toEqual(facts.identity);
        expect(again.facts!.protection).toEqual(facts.protection);
        expect(again.facts!.setup.status).toBe(facts.setup.status);
        const expected = JSON.parse(readFileSync(`fixtures/library/${name}/expected.json`, "utf8")).devices[0].findings;
        expect(statuses(again.result)).toEqual(Object.fromEntries(expected.map((f: { ruleId: string; status: string }) => [f.ruleId, f.status])));
      } finally {
        await sim.stop();
      }
    }
  });
});
