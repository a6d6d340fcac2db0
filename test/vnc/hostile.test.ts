// Hostile or broken RFB peers (scripted TCP servers on loopback): each ends in facts or an error
// within the deadline, never a crash, a hang or a pass; the probe closes with FIN, and never sends
// more than its 12-byte ProtocolVersion.
import type { Socket } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import vnc from "../../probes/vnc/index.js";
import type { VncFacts } from "../../probes/vnc/facts.js";
import { encodeSecurityList } from "../../probes/vnc/rfb.js";
import { auditUrls, ScriptedPeer } from "./kit.js";

const TIMEOUT = 400;
const peer = new ScriptedPeer();
afterEach(() => peer.stop());

async function audit(behave: (s: Socket) => void) {
  const port = await peer.start(behave);
  const d = await auditUrls(vnc, [`vnc://127.0.0.1:${port}`], { timeoutMs: TIMEOUT });
  if (d.facts.vnc!.status !== "ok") expect(d.findings.filter((f) => f.status === "pass")).toEqual([]);
  await new Promise((r) => setTimeout(r, 50));
  for (const f of d.findings) expect(f.message, f.ruleId).not.toMatch(/[\x00-\x08\x0b-\x1f\x7f]/); // device bytes are escaped in messages
  for (const p of peer.peers) {
    expect(p.reset).toBe(false);
    expect(p.received.length).toBeLessThanOrEqual(12); // only our ProtocolVersion, ever
  }
  return d;
}

const errorEnvelope = (d: Awaited<ReturnType<typeof audit>>, code: string) => {
  expect(d.facts.vnc!.status).toBe("error");
  expect(d.facts.vnc!.error?.code).toBe(code);
  expect(d.findings.every((f) => f.status === "error")).toBe(true);
};
const service = (d: Awaited<ReturnType<typeof audit>>) => (d.facts.vnc!.data as VncFacts).services[0]!;

describe("hostile RFB peers", () => {
  it("silence: timeout error, and our FIN", async () => {
    const d = await audit(() => {});
    errorEnvelope(d, "timeout");
    expect(peer.peers[0]!.ended).toBe(true);
  });

  it("an HTTP server on the port: protocol error, nothing sent", async () => {
    const d = await audit((s) => s.write("HTTP/1.1 400 Bad Request\r\n\r\n"));
    errorEnvelope(d, "protocol");
    expect(d.facts.vnc!.error!.message).toMatch(/not an RFB server/);
    expect(peer.peers[0]!.received.length).toBe(0);
  });

  it("security types dripped one byte every 30 ms: the absolute deadline ends it", async () => {
    const d = await audit((s) => {
      s.write("RFB 003.008\n");
      s.once("data", () => {
        const bytes = Buffer.from([200, ...Array.from({ length: 200 }, () => 2)]); // 200 types: 6 s at this pace
        let i = 0;
        const t = setInterval(() => (s.destroyed ? clearInterval(t) : s.write(bytes.subarray(i, ++i))), 30);
        s.on("close", () => clearInterval(t));
      });
    });
    expect(d.facts.vnc!.status).toBe("ok"); // the version arrived; the types never did
    expect(service(d)).toMatchObject({ serverVersion: { minor: 8 }, error: { code: "timeout" } });
    expect(d.findings.every((f) => f.status === "error")).toBe(true);
  });

  it("a lying reason length (4 GiB) then silence: the reason is read to its cap, then the deadline", async () => {
    const d = await audit((s) => {
      s.write("RFB 003.008\n");
      s.once("data", () => s.write(Buffer.from([0, 0xff, 0xff, 0xff, 0xff, 0x41, 0x42])));
    });
    expect(service(d).error?.code).toBe("timeout");
    expect(d.findings.every((f) => f.status === "error")).toBe(true);
  });

  it("a count of 255 types with only three sent, then close: connection-closed error", async () => {
    const d = await audit((s) => {
      s.write("RFB 003.008\n");
      s.once("data", () => s.end(Buffer.from([255, 1, 2, 19])));
    });
    expect(service(d).error).toMatchObject({ code: "protocol" });
    expect(service(d).error!.message).toMatch(/closed/);
  });

  it("a reset right after the version: error, no crash", async () => {
    const d = await audit((s) => {
      s.write("RFB 003.008\n");
      s.once("data", () => s.resetAndDestroy());
    });
    expect(service(d).error?.code).toBe("protocol");
  });

  it("a 1 MiB flood after the types: the types are read, the rest is not kept", async () => {
    const d = await audit((s) => {
      s.write("RFB 003.008\n");
      s.once("data", () => s.write(Buffer.concat([encodeSecurityList([2]), Buffer.alloc(1 << 20, 0x55)])));
    });
    expect(service(d).security).toEqual({ types: [2], serverChosen: false });
  });

  it("control characters in the failure reason stay in the facts byte for byte", async () => {
    const reason = "\x1b]0;pwned\x07\r\nbad\x00";
    const d = await audit((s) => {
      s.write("RFB 003.008\n");
      s.once("data", () => s.end(encodeSecurityList([], reason)));
    });
    expect(service(d).security!.failureReason).toBe(reason);
    expect(d.findings.every((f) => f.status === "undetermined")).toBe(true);
  });

  it("RFB 3.3 with a u32 type beyond 255: recorded, unknown, undetermined", async () => {
    const d = await audit((s) => {
      s.write("RFB 003.003\n");
      s.once("data", () => s.write(Buffer.from([0, 1, 0, 0])));
    });
    expect(service(d)).toMatchObject({ clientVersion: "3.3", security: { types: [65536], serverChosen: true } });
    expect(d.findings.find((f) => f.ruleId === "vnc.security-types")).toMatchObject({ status: "undetermined", reason: "unknown-value" });
  });

  it("a version in a thousand 1-byte chunks with types right behind: parsed", async () => {
    const d = await audit((s) => {
      for (const b of Buffer.from("RFB 003.007\n")) s.write(Buffer.from([b]));
      s.once("data", () => s.write(encodeSecurityList([1])));
    });
    expect(service(d)).toMatchObject({ clientVersion: "3.7", security: { types: [1] } });
    expect(peer.peers[0]!.received.toString()).toBe("RFB 003.007\n");
  });

  it("nothing listening on a named port: unreachable, not absent", async () => {
    const port = await peer.start(() => {});
    await peer.stop();
    const d = await auditUrls(vnc, [`vnc://127.0.0.1:${port}`], { timeoutMs: TIMEOUT });
    expect(d.facts.vnc!.status).toBe("unreachable");
  });
});
