// Hostile or broken MQTT peers (scripted TCP servers on loopback): lying lengths, floods, drips,
// resets, garbage, control characters. Each ends in facts or an error within the deadlines, never a
// crash, a hang or a pass without a CONNACK; the probe closes with FIN and sends only CONNECT and
// DISCONNECT packets.
import type { Socket } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import mqtt from "../../probes/mqtt/index.js";
import type { MqttFacts } from "../../probes/mqtt/facts.js";
import { decodeVarint, encodeConnack } from "../../probes/mqtt/packets.js";
import { auditUrls, finding, ScriptedPeer } from "../vnc/kit.js";

const TIMEOUT = 400;
const peer = new ScriptedPeer();
afterEach(() => peer.stop());

/** Packet types in what the probe sent (fixed header + Remaining Length walk). */
function sentTypes(b: Buffer): number[] {
  const out: number[] = [];
  for (let at = 0; at < b.length; ) {
    const rl = decodeVarint(b, at + 1);
    if (!rl) break;
    out.push(b[at]! >> 4);
    at += 1 + rl.size + rl.value;
  }
  return out;
}

async function audit(behave: (s: Socket, n: number) => void) {
  let n = 0;
  const port = await peer.start((s) => behave(s, n++));
  const d = await auditUrls(mqtt, [`mqtt://127.0.0.1:${port}`], { timeoutMs: TIMEOUT });
  await new Promise((r) => setTimeout(r, 50));
  for (const f of d.findings) expect(f.message, f.ruleId).not.toMatch(/[\x00-\x08\x0b-\x1f\x7f]/); // device bytes are escaped in messages
  for (const p of peer.peers) {
    expect(p.reset).toBe(false);
    for (const t of sentTypes(p.received)) expect([1, 14]).toContain(t); // CONNECT, DISCONNECT
  }
  if (d.facts.mqtt!.status !== "ok") expect(d.findings.filter((f) => f.status === "pass")).toEqual([]);
  return d;
}
const facts = (d: Awaited<ReturnType<typeof audit>>) => (d.facts.mqtt!.data as MqttFacts).services[0]!;
const onConnect = (reply: (s: Socket) => void) => (s: Socket) => s.once("data", () => reply(s));

describe("hostile MQTT peers", () => {
  it("silence: timeout, one connection, our FIN", async () => {
    const d = await audit(() => {});
    expect(d.facts.mqtt!).toMatchObject({ status: "error", error: { code: "timeout" } });
    expect(peer.peers).toHaveLength(1);
    expect(peer.peers[0]!.ended).toBe(true);
  });

  it("an HTTP server: protocol error, no second attempt", async () => {
    const d = await audit(onConnect((s) => s.end("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n" + "x".repeat(100))));
    expect(d.facts.mqtt!).toMatchObject({ status: "error", error: { code: "protocol" } });
    expect(peer.peers).toHaveLength(1);
  });

  it("a Remaining Length claiming 256 MiB: refused before reading it", async () => {
    const d = await audit(onConnect((s) => s.write(Buffer.from([0x20, 0xff, 0xff, 0xff, 0x7f]))));
    expect(d.facts.mqtt!.error!.message).toMatch(/claims 268435455 bytes/);
  });

  it("a 5-byte Remaining Length: malformed", async () => {
    const d = await audit(onConnect((s) => s.write(Buffer.from([0x20, 0xff, 0xff, 0xff, 0xff, 0x01]))));
    expect(d.facts.mqtt!.error!.message).toMatch(/more than 4 bytes/);
  });

  it("a CONNACK dripped one byte every 40 ms past the deadline: timeout", async () => {
    const d = await audit(
      onConnect((s) => {
        const bytes = Buffer.concat([Buffer.from([0x20, 0x7f, 0, 0, 0x7d]), Buffer.alloc(124, 0x26)]);
        let i = 0;
        const t = setInterval(() => (s.destroyed ? clearInterval(t) : s.write(bytes.subarray(i, ++i))), 40);
        s.on("close", () => clearInterval(t));
      }),
    );
    expect(d.facts.mqtt!.error?.code).toBe("timeout");
  });

  it("a reset right after CONNECT: error, no crash", async () => {
    const d = await audit(onConnect((s) => s.resetAndDestroy()));
    expect(d.facts.mqtt!.status).toBe("error");
  });

  it("closes without CONNACK at every level: three connections, outcome no-answer, no pass", async () => {
    const d = await audit(onConnect((s) => s.end()));
    expect(peer.peers).toHaveLength(3);
    expect(facts(d).anonymous).toMatchObject({ outcome: "no-answer", attempts: [{ result: "closed" }, { result: "closed" }, { result: "closed" }] });
    expect(d.findings.filter((f) => f.status === "pass")).toEqual([]);
  });

  it("5.0 refused (0x84), 3.1.1 answers not authorized: auth-refused at level 4, and a pass", async () => {
    const d = await audit((s, n) => s.once("data", () => s.end(n === 0 ? encodeConnack(5, 0x84) : encodeConnack(4, 5))));
    expect(facts(d).anonymous).toMatchObject({ outcome: "auth-refused", protocolLevel: 4 });
    expect(finding(d, "mqtt.auth.anonymous").status).toBe("pass");
  });

  it("a 1 MiB flood behind an accepting CONNACK: accepted, DISCONNECT sent, the flood not kept", async () => {
    const d = await audit(onConnect((s) => s.write(Buffer.concat([encodeConnack(5, 0), Buffer.alloc(1 << 20, 0x30)]))));
    expect(facts(d).anonymous).toMatchObject({ outcome: "accepted", disconnected: true });
    expect(sentTypes(peer.peers[0]!.received)).toEqual([1, 14]);
  });

  it("control characters in the reason string stay in the facts byte for byte", async () => {
    const reason = "\x1b[31mred\x07\r\n";
    const d = await audit(onConnect((s) => s.write(encodeConnack(5, 0x87, { reasonString: reason }))));
    expect(facts(d).anonymous!.properties!.reasonString).toBe(reason);
  });

  it("an unknown CONNACK property: recorded as unparsed, the verdict still stands", async () => {
    const d = await audit(onConnect((s) => s.write(Buffer.from([0x20, 0x05, 0x00, 0x00, 0x02, 0x7e, 0x01]))));
    expect(facts(d).anonymous).toMatchObject({ outcome: "accepted", properties: { unparsed: "unknown property identifier 0x7e" } });
  });

  it("a property running past its packet: protocol error", async () => {
    const d = await audit(onConnect((s) => s.write(Buffer.from([0x20, 0x05, 0x00, 0x00, 0x02, 0x1f, 0x00]))));
    expect(d.facts.mqtt!.status).toBe("error");
  });
});
