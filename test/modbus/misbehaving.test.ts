// Hostile and broken Modbus servers: each ends in an `error` fact whose code and message say why the
// wait ended, never a crash or a hang, and the rules then say "could not check" (error), never pass.
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { scan, startSim, type Sim } from "./helpers.js";

const TIMEOUT = 300;

const CASES: { fault: string; code: string; message: RegExp }[] = [
  { fault: "wrong-transaction-id", code: "protocol", message: /transaction id mismatch/ },
  { fault: "length-too-long", code: "timeout", message: /incomplete frame/ },
  { fault: "over-long-pdu", code: "protocol", message: /exceeds 254/ },
  { fault: "silent", code: "timeout", message: /no reply from units 1, 255/ },
  { fault: "accept-hang", code: "timeout", message: /no reply from units/ },
];

describe("misbehaving Modbus/TCP servers", () => {
  const sims = new Map<string, Sim>();
  beforeAll(async () => {
    for (const c of [...CASES.map((c) => c.fault), "exception-always"])
      sims.set(c, await startSim({ units: [1], identity: { vendorName: "X" }, serverId: "X", fault: c }));
  });
  afterAll(() => Promise.all([...sims.values()].map((s) => s.stop())));

  test.each(CASES)("$fault -> error fact ($code) naming the cause", async ({ fault, code, message }) => {
    const { result } = await scan([sims.get(fault)!.plainUrl!], { timeoutMs: TIMEOUT });
    const env = result.facts.modbus!;
    expect(env.status).toBe("error");
    expect(env.error!.code).toBe(code);
    expect(env.error!.message).toMatch(message);
    expect(result.findings.filter((f) => f.status === "pass")).toEqual([]);
    expect(result.findings.find((f) => f.ruleId === "modbus.plain.exposed")!.status).toBe("error");
  });

  test("an exception to every request is recorded as exception facts (the server still answers)", async () => {
    const { result, facts } = await scan([sims.get("exception-always")!.plainUrl!], { timeoutMs: TIMEOUT });
    expect(result.facts.modbus!.status).toBe("ok");
    const unit1 = facts!.plain[0]!.units.find((u) => u.unitId === 1)!;
    expect(unit1.deviceId).toMatchObject({ status: "exception", exception: { code: 1, name: "ILLEGAL FUNCTION" } });
    expect(unit1.serverId).toMatchObject({ status: "exception", exception: { code: 1 } });
    expect(result.findings.find((f) => f.ruleId === "modbus.identity.disclosed")!.status).toBe("not_applicable");
  });
});

describe("nothing listening", () => {
  test("a bare host with nothing on 502 and 802 is absent (not an error); a named URL is unreachable", async () => {
    const bare = await scan(["127.0.0.3"], { timeoutMs: TIMEOUT, options: { "modbus.companions": "on" } });
    expect(bare.result.facts.modbus!.status).toBe("absent");
    expect(bare.result.findings).toEqual([]);
    const named = await scan(["modbus://127.0.0.3:1502"], { timeoutMs: TIMEOUT });
    expect(named.result.facts.modbus!.status).toBe("unreachable");
    expect(named.result.findings.every((f) => f.status === "error")).toBe(true);
  });
});
