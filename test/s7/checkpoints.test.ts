// Each S7comm and EtherNet/IP probe phase hands its facts to the core (ctx.checkpoint), so a stall
// or an abort later keeps what was learned: every checkpoint validates against the facts schema,
// the first ones hold the identity before the protection or CIP Security reads, and an abort in
// the middle of the SZL reads leaves the reads not made as `not_tried` / error, never a pass.
import { describe, expect, test } from "vitest";
import { silentLogger } from "../../src/log.js";
import type { ProbeContext } from "../../src/plugin.js";
import { S7Facts } from "../../probes/s7/facts.js";
import { probeS7 } from "../../probes/s7/probe.js";
import { EnipFacts } from "../../probes/enip/facts.js";
import { probeEnip } from "../../probes/enip/probe.js";
import { startSim } from "./helpers.js";
import { startSim as startEnip } from "../enip/helpers.js";
import { cc, refOf, s7Peer, setupAck, szlAnswer, szlList, szlOf } from "./hostile-peers.js";

function ctxFor(protocol: string, scheme: string, url: string, checkpoints: unknown[], signal = new AbortController().signal): ProbeContext {
  const u = new URL(url);
  return {
    endpoints: [{ protocol, scheme, host: u.hostname, port: Number(u.port), transport: "tcp", url, explicit: true }],
    timeoutMs: 1000,
    signal,
    intrusive: false,
    credentials: [],
    options: {},
    log: silentLogger(),
    assertAllowed: () => undefined,
    checkpoint: (p) => checkpoints.push(p),
  };
}

describe("checkpoints", () => {
  test("S7comm: after the connect phase, the setup and each SZL read, every checkpoint validates", async () => {
    const sim = await startSim({});
    const checkpoints: unknown[] = [];
    try {
      const facts = await probeS7(ctxFor("s7", "s7", sim.url, checkpoints));
      expect(checkpoints.length).toBeGreaterThanOrEqual(6);
      for (const c of checkpoints) expect(S7Facts.safeParse(c).success).toBe(true);
      const afterIdentity = checkpoints.map((c) => S7Facts.parse(c)).find((c) => c.identity?.orderNumber);
      expect(afterIdentity!.protection).toBeUndefined();
      expect(S7Facts.parse(checkpoints.at(-1))).toEqual(facts);
    } finally {
      await sim.stop();
    }
  });

  test("S7comm: an abort after the first SZL answer: the identity stays, the rest is not tried", async () => {
    const ac = new AbortController();
    const list = szlList(0x0011, 0, 28, [Buffer.concat([Buffer.from([0, 1]), Buffer.from("6ES7 315-2EH14-0AB0 "), Buffer.from([0, 0xc0, 0, 0, 0, 0])])]);
    const peer = await s7Peer((f) => {
      if (f.code === 0xe0) return [cc()];
      if (f.s7?.[1] === 1) return [setupAck(refOf(f))];
      if (szlOf(f) === 0x0011) {
        setTimeout(() => ac.abort(), 20);
        return [szlAnswer(f, list)];
      }
      return ["hang"];
    });
    const checkpoints: unknown[] = [];
    try {
      const facts = await probeS7(ctxFor("s7", "s7", peer.url, checkpoints, ac.signal));
      expect(facts.identity!.orderNumber).toBe("6ES7 315-2EH14-0AB0");
      expect(facts.protection).toBeUndefined();
      expect(facts.szl.filter((r) => r.status === "ok").map((r) => r.id)).toEqual([0x0011]);
      expect(facts.szl.filter((r) => r.status !== "ok").every((r) => /stopped|aborted/.test(r.message ?? ""))).toBe(true);
      for (const c of checkpoints) expect(S7Facts.safeParse(c).success).toBe(true);
    } finally {
      await peer.close();
    }
  });

  test("EtherNet/IP: after the TCP phase, UDP, TLS and DTLS, every checkpoint validates; the first holds the identity", async () => {
    const sim = await startEnip({ cipSecurity: { present: true } });
    const checkpoints: unknown[] = [];
    try {
      const facts = await probeEnip(ctxFor("enip", "enip", sim.url, checkpoints));
      expect(checkpoints.length).toBeGreaterThanOrEqual(5);
      for (const c of checkpoints) expect(EnipFacts.safeParse(c).success).toBe(true);
      const first = EnipFacts.parse(checkpoints[0]);
      expect(first.listIdentity.identity!.productName).toBe(facts.listIdentity.identity!.productName);
      expect(first.cipSecurity.status).toBe("not_tried");
    } finally {
      await sim.stop();
    }
  });
});
