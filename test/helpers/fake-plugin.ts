// A tiny in-memory protocol plugin for engine tests: facts are whatever the test hands it.
import { z } from "zod";
import { definePlugin, defineRule, type ProtocolPlugin, type Rule } from "../../src/plugin.js";

export const FakeFacts = z.object({ weak: z.boolean(), algorithms: z.array(z.string()) });
export type FakeFacts = z.infer<typeof FakeFacts>;

export const weakRule = defineRule<FakeFacts>({
  meta: {
    id: "fake.weak",
    title: "Weak thing offered",
    elements: [7],
    iec62443: ["CR 4.3"],
    severity: "high",
    safety: "passive",
    remediation: "Turn it off.",
    docs: "A fake rule for engine tests.",
  },
  check: ({ facts }) =>
    facts.weak
      ? { status: "fail", message: "weak offered", evidence: { algorithms: facts.algorithms } }
      : { status: "pass", message: "nothing weak", evidence: { algorithms: facts.algorithms } },
});

export function fakePlugin(opts: { probe?: ProtocolPlugin<FakeFacts>["probe"]; rules?: Rule<FakeFacts>[]; id?: string } = {}): ProtocolPlugin<FakeFacts> {
  return definePlugin<FakeFacts>({
    id: opts.id ?? "fake",
    title: "Fake",
    schemes: ["fake"],
    transport: "tcp",
    defaultPorts: [{ scheme: "fake", port: 9 }],
    version: "1.0.0",
    factsSchema: FakeFacts,
    checks: [{ id: "fake.handshake", safety: "passive", description: "handshake" }],
    rules: opts.rules ?? [weakRule],
    probe: opts.probe ?? (async () => ({ weak: true, algorithms: ["md5"] })),
  });
}
