// The no-false-pass invariant (issue 12 §1): for EVERY rule of every plugin in probes/registry.ts
// (a new plugin is covered without changes here), facts with the evidence removed or replaced by
// unknown values never yield a `pass` that is not based on evidence still there. Real facts from the
// fixture library and the real-daemon recordings are mutated through each plugin's zod schema
// (mutators.ts: lists emptied, judged strings unknown-ified, optional fields dropped, all at once
// and one path at a time), run through the engine's rule runner with a read tracker (harness.ts),
// and every pass is checked:
//   - after (b) it must not have read an unknown value in a judged field;
//   - after (a), (c) and (d) it must have read positive evidence: a non-empty list of values, a
//     judged string that is present, or a scalar listed as standalone evidence (classification.ts,
//     with reasons). A non-empty list of records (services[], endpoints[]) is not evidence by
//     itself (every per-service rule would "have evidence"); the records' fields must be.
// Booleans and enums are not evidence by themselves: `ran: true` or `status: "skipped"` prove
// nothing; the few that are (Server.Auditing true, a refused trust test) are listed with why.
// Today's real false passes are allow-listed in known-false-passes.ts; the list may only shrink.
import { describe, expect, it } from "vitest";
import { PLUGINS } from "../../probes/registry.js";
import { COUNTER_DELTAS, EVIDENCE_ROWS, FINDINGS_LISTS, LABEL_PATHS, NONE_OF_N, STANDALONE } from "./classification.js";
import { CONTEXTS, runTracked, samples, violationsOf, type Violation } from "./harness.js";
import { KNOWN_FALSE_PASSES } from "./known-false-passes.js";
import { schemaPaths } from "./mutators.js";

/** Rules no recorded sample makes pass (so the invariant cannot exercise their pass), and why. */
const NO_PASS_IN_SAMPLES: Record<string, string> = {
  "ssh.auth.mfa": "needs SSH bench credentials; no recording has them (a recording with MFA observed would cover it)",
  "ssh.auth.default-credentials": "only the intrusive legacy-plc recording tried defaults, and they were accepted (fail)",
  "modbus.write.unauthenticated": "only the intrusive legacy-plc recording wrote, and the write was accepted (fail)",
  "modbus.identity.disclosed": "never passes by design: informational fail or not applicable",
  "s7.identity.disclosed": "never passes by design: informational fail or not applicable",
  "s7.plain.exposed": "never passes by design: classic S7comm has no security of its own (fail), S7comm-plus cannot be judged without a session (undetermined)",
  "enip.identity.disclosed": "never passes by design: informational fail or not applicable",
  "enip.plain.exposed": "never passes by design: plain EtherNet/IP has no security of its own (fail) or gave nothing to judge (error)",
  "opcua.credentials.default": "only the intrusive legacy-plc recording tried defaults, and they were accepted (fail)",
  "dnp3.plain.exposed": "never passes by design: DNP3 over TCP has no transport security of its own (an answer fails, silence is undetermined)",
  "dnp3.identity.disclosed": "never passes by design: informational fail or not applicable",
  "bacnet.ip.unauthenticated": "never passes by design: BACnet/IP has no authentication (an answer fails, silence is undetermined)",
  "bacnet.identity.disclosed": "never passes by design: informational fail or not applicable",
  "opcua.rbac.not-advertised":
    "no recorded server advertises a role-based access profile (node-opcua's ServerProfileArray lists none; the rule fails on every recording)",
  "snmp.engine.restart-cadence": "never passes by design: a one-sided indicator (fail after a long run without restart, else not_applicable)",
  "telnet.cleartext":
    "never passes by design: Telnet has no encryption (RFC 854), so a server that answers fails and silence is undetermined (real/telnetd and real/telnetd-intrusive fail)",
  "telnet.auth.cleartext":
    "never passes by design: any login over Telnet crosses in clear (a login, password or command prompt fails; no recognised prompt is undetermined)",
  "vnc.security-types":
    "never passes by design today: the handshake alone proves no type strong (the knowledge base has no 'good' status); VNC Authentication fails (real/xvnc-vncauth), VeNCrypt/TLS are decided in a sub-negotiation otaudit never starts (undetermined, real/xvnc-x509plain)",
  "snmp.v3.user-enumeration":
    "every recorded agent reveals valid user names (Net-SNMP answers a known user differently, as RFC 3414 §3.2 prescribes: fail); a pass needs an agent that answers valid names like unknown ones",
};

const all = samples();
const key = (v: Pick<Violation, "ruleId" | "mutation">) => `${v.ruleId} ${v.mutation}`;

describe("no pass without evidence (mutated real facts, every rule of every plugin)", () => {
  it("has real facts of every plugin, and every mutation of them is still valid facts", () => {
    for (const p of PLUGINS) expect(all.filter((s) => s.plugin.id === p.id).length, `${p.id}: recordings with its facts`).toBeGreaterThanOrEqual(2);
  });

  const found = new Map<string, Violation[]>();
  for (const p of PLUGINS) {
    it(`${p.id}: no pass survives the removal or unknown-ification of its evidence, except the known false passes`, () => {
      let validated = 0;
      let total = 0;
      for (const s of all.filter((x) => x.plugin.id === p.id))
        for (const ctx of CONTEXTS) {
          const r = violationsOf(s, ctx);
          validated += r.validated;
          total += r.total;
          for (const v of r.violations) found.set(key(v), [...(found.get(key(v)) ?? []), v]);
        }
      expect(validated, `${p.id}: mutated facts that still validate`).toBe(total);
      const mine = [...found.entries()].filter(([, vs]) => vs[0]!.plugin === p.id);
      const unexpected = mine.filter(([k]) => !KNOWN_FALSE_PASSES[k]).map(([k, vs]) => `${k}: ${vs[0]!.source}: ${vs[0]!.why}`);
      expect(unexpected, "new false passes: fix the rule (pass only on evidence), never add them to the allow-list without a reason").toEqual([]);
      const ids = new Set(p.rules.map((r) => r.meta.id));
      const fixed = Object.keys(KNOWN_FALSE_PASSES).filter((k) => ids.has(k.split(" ")[0]!) && !found.has(k));
      expect(fixed, "known false passes that no longer occur: remove them from known-false-passes.ts").toEqual([]);
    });
  }

  it("every allow-listed false pass names a real rule", () => {
    const ids = new Set(PLUGINS.flatMap((p) => p.rules.map((r) => r.meta.id)));
    expect(Object.keys(KNOWN_FALSE_PASSES).filter((k) => !ids.has(k.split(" ")[0]!))).toEqual([]);
  });

  it("every rule passes on some unmutated sample (else the invariant cannot test it), or is listed with why", () => {
    const passed = new Set<string>();
    for (const s of all)
      for (const ctx of CONTEXTS) for (const r of runTracked(s.plugin, s.envelope, s.envelope.data, ctx)) if (r.statuses.includes("pass")) passed.add(r.ruleId);
    const never = PLUGINS.flatMap((p) => p.rules.map((r) => r.meta.id)).filter((id) => !passed.has(id));
    expect(never.sort()).toEqual(Object.keys(NO_PASS_IN_SAMPLES).sort());
  });

  it("the classification names only paths the facts schemas have", () => {
    const paths = new Map(PLUGINS.map((p) => [p.id, schemaPaths(p.factsSchema)]));
    for (const [plugin, lists] of Object.entries(FINDINGS_LISTS))
      for (const path of Object.keys(lists)) expect(paths.get(plugin)?.get(path), `${plugin}: ${path}`).toBe("array");
    for (const [plugin, scalars] of Object.entries(STANDALONE))
      for (const path of Object.keys(scalars)) expect(paths.get(plugin)?.has(path), `${plugin}: ${path}`).toBe(true);
    for (const [plugin, rows] of Object.entries(EVIDENCE_ROWS))
      for (const path of Object.keys(rows)) expect(paths.get(plugin)?.get(path), `${plugin}: ${path}`).toBe("array");
    for (const [plugin, lists] of Object.entries(NONE_OF_N))
      for (const [path, [count]] of Object.entries(lists))
        expect([paths.get(plugin)?.get(path), paths.get(plugin)?.get(count)], `${plugin}: ${path}`).toEqual(["array", "number"]);
    for (const [plugin, pairs] of Object.entries(COUNTER_DELTAS))
      for (const [before, after] of pairs)
        expect([paths.get(plugin)?.get(before), paths.get(plugin)?.get(after)], `${plugin}: ${before}`).toEqual(["number", "number"]);
    for (const path of Object.keys(LABEL_PATHS))
      expect(
        PLUGINS.some((p) => paths.get(p.id)?.get(path) === "string"),
        path,
      ).toBe(true);
  });
});
