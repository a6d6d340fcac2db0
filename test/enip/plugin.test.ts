// The EtherNet/IP plugin's declarations on recorded facts: identify() for advisories, fleet
// signals, the declared sends() are exactly what the probe sent, and record -> profileFromFacts ->
// simulate -> probe gives the same identity, CIP Security state and verdicts.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import enip from "../../probes/enip/index.js";
import { CHECKS } from "../../probes/enip/checks.js";
import type { EnipFacts } from "../../probes/enip/facts.js";
import { EnipSimProfile } from "../../probes/enip/profile.js";
import { scan, startSim, statuses } from "./helpers.js";

const recorded = (name: string): EnipFacts => JSON.parse(readFileSync(`fixtures/library/${name}/recording.json`, "utf8")).devices[0].facts.enip.data;

describe("EtherNet/IP plugin declarations", () => {
  it("identify(): vendor name from the table, product name, product code as model, revision", () => {
    expect(enip.identify!(recorded("enip-logix-plc"))).toEqual([
      {
        vendor: "Rockwell Automation/Allen-Bradley",
        product: "1756-L61/B LOGIX5561",
        model: "product code 55",
        version: "20.11",
        source: "enip ListIdentity",
        raw: expect.stringContaining("vendorId=1"),
        port: 44818,
      },
    ]);
  });

  it("signals: a cleartext control channel", () => {
    expect(enip.signals!(recorded("enip-logix-plc"), [])).toEqual({
      cleartext: [{ scheme: "enip", port: 44818, carries: "control", detail: expect.stringContaining("without authentication") }],
      keys: [],
    });
  });

  it("every message the probe sent is one the checks declare (the README's 'exactly' list)", () => {
    const declared = new Set(Object.values(CHECKS).flatMap((c) => c.sends()));
    for (const name of ["enip-logix-plc", "enip-cip-security"])
      for (const sent of recorded(name).sent) expect(declared.has(sent), `${name}: ${sent}`).toBe(true);
  });

  it("record -> profileFromFacts -> simulate -> probe: the same identity, CIP Security state and verdicts", async () => {
    for (const name of ["enip-logix-plc", "enip-cip-security"]) {
      const facts = recorded(name);
      const sim = await startSim(EnipSimProfile.parse(enip.profileFromFacts!(facts)));
      try {
        const again = await scan([sim.url]);
        const { socketAddress: _a, ...id } = facts.listIdentity.identity!;
        expect(again.facts!.listIdentity.identity).toMatchObject(id);
        expect(again.facts!.cipSecurity.state).toBe(facts.cipSecurity.state);
        const expected = JSON.parse(readFileSync(`fixtures/library/${name}/expected.json`, "utf8")).devices[0].findings;
        expect(statuses(again.result)).toEqual(Object.fromEntries(expected.map((f: { ruleId: string; status: string }) => [f.ruleId, f.status])));
      } finally {
        await sim.stop();
      }
    }
  });
});

describe("EtherNet/IP UDP discovery declaration", () => {
  it("one ListIdentity datagram: answered with the identity, or closed", async () => {
    const sim = await startSim({ tcp: false });
    try {
      expect(await enip.discovery!.udp!(sim.host, sim.port, 1000)).toEqual({
        state: "answered",
        detail: { vendorId: 1, productCode: 55, productName: "1756-L61/B LOGIX5561" },
      });
    } finally {
      await sim.stop();
    }
    expect((await enip.discovery!.udp!(sim.host, sim.port, 1000)).state).toMatch(/closed|timeout/);
  });
});
