// Hostile peers of the `none` request over otaudit's own transport (transport-auth.ts): a scripted
// server completes a real key exchange, then lies after NEWKEYS (wrong MAC, garbage, an oversized
// packet length, endless banners, a bad host-key signature, a close, a slow drip). Each ends in an
// error fact (protocol violations: no second try; a failure before an answer: the ssh2 path once),
// never a crash, a hang or a pass, within the probe's cap.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SshFacts, SshService } from "../../probes/ssh/facts.js";
import { encodeString, encodeUint32, MSG } from "../../probes/ssh/wire.js";
import { auditSsh } from "./helpers.js";
import { scriptedServer, type ScriptedServer } from "./peers.js";
import { SERVICE_ACCEPT, transportServer, type TransportScript } from "./transport-peer.js";

const HOST = "127.0.0.1";
const T = 400;

beforeAll(async () => {
  await import("../../probes/ssh/probe.js"); // module loading is not what the deadlines are about
});
const servers: ScriptedServer[] = [];
afterAll(async () => {
  await Promise.all(servers.map((s) => s.close()));
});

async function run(script: TransportScript, timeoutMs = T): Promise<{ service: SshService; srv: ScriptedServer; ms: number; passes: string[] }> {
  const srv = await scriptedServer(transportServer(script));
  servers.push(srv);
  const t0 = Date.now();
  const d = await auditSsh(HOST, srv.port, { timeoutMs });
  const ms = Date.now() - t0;
  const passes = d.findings.filter((f) => f.status === "pass" && f.ruleId.startsWith("ssh.auth.")).map((f) => f.ruleId);
  return { service: (d.facts.ssh!.data as SshFacts).services[0]!, srv, ms, passes };
}

const onService = (reply: (t: Parameters<NonNullable<TransportScript["afterNewKeys"]>>[0]) => void): TransportScript => ({
  afterNewKeys: (t) => t.onPacket((p) => p[0] === MSG.SERVICE_REQUEST && reply(t)),
});

describe("the `none` request over otaudit's transport, against a scripted key exchange", () => {
  it("a well-behaved peer: methods listed by otaudit's transport on the one connection that read the key", async () => {
    const { service, srv } = await run({});
    expect(service.hostKeys[0]).toMatchObject({ keyType: "ssh-ed25519", status: "collected" });
    expect(service.auth).toEqual({ username: "otaudit", methods: ["publickey", "password"], noneAccepted: false, transport: "otaudit" });
    expect(srv.peers.length).toBe(1);
  });

  it("a host-key signature that does not verify: a protocol error, nothing sent after the reply, no ssh2 try", async () => {
    let newKeys = false;
    const { service, srv, passes } = await run({ badSignature: true, afterNewKeys: () => void (newKeys = true) });
    expect(service.auth).toMatchObject({ error: { code: "protocol", message: expect.stringMatching(/signature over the exchange hash does not verify/) } });
    expect(newKeys).toBe(false);
    expect(srv.peers.length).toBe(1);
    expect(passes).toEqual([]);
  });

  it("a wrong MAC after NEWKEYS: a protocol error, no ssh2 try", async () => {
    const { service, srv, passes } = await run(
      onService((t) => {
        const p = t.seal(SERVICE_ACCEPT);
        p[p.length - 1]! ^= 1;
        t.socket.write(p);
      }),
    );
    expect(service.auth).toMatchObject({ transport: "otaudit", error: { code: "protocol", message: expect.stringMatching(/HMAC does not verify/) } });
    expect(srv.peers.length).toBe(1);
    expect(passes).toEqual([]);
  });

  it("garbage after NEWKEYS: a protocol error (length or MAC)", async () => {
    const { service, passes } = await run(onService((t) => t.socket.write(Buffer.alloc(4096, 0x5a))));
    expect(service.auth).toMatchObject({ error: { code: "protocol", message: expect.stringMatching(/packet_length|does not verify/) } });
    expect(passes).toEqual([]);
  });

  it("an oversized encrypted packet length (length in clear with EtM): refused before any byte is awaited", async () => {
    const { service, ms } = await run({
      kexInit: { macClientToServer: ["hmac-sha2-256-etm@openssh.com"], macServerToClient: ["hmac-sha2-256-etm@openssh.com"] },
      afterNewKeys: (t) => t.onPacket((p) => p[0] === MSG.SERVICE_REQUEST && t.socket.write(encodeUint32(0x7ffffff0))),
    });
    expect(service.auth).toMatchObject({ error: { code: "protocol", message: expect.stringMatching(/packet_length 2147483632 exceeds/) } });
    expect(ms).toBeLessThan(12 * T);
  });

  it("endless USERAUTH_BANNERs: bounded, a protocol error", async () => {
    const banner = Buffer.concat([Buffer.from([MSG.USERAUTH_BANNER]), encodeString("Authorised use only\r\n"), encodeString("")]);
    const { service, passes } = await run({
      afterNewKeys: (t) =>
        t.onPacket((p) => {
          if (p[0] === MSG.SERVICE_REQUEST) t.send(SERVICE_ACCEPT);
          if (p[0] === MSG.USERAUTH_REQUEST) for (let i = 0; i < 200; i++) t.send(banner);
        }),
    });
    expect(service.auth).toMatchObject({ error: { code: "protocol", message: expect.stringMatching(/more than 16 USERAUTH_BANNER/) } });
    expect(passes).toEqual([]);
  });

  it("a server that closes after NEWKEYS: the ssh2 path once (a second connection), an error, no pass", async () => {
    const { service, srv, passes } = await run({ afterNewKeys: (t) => t.socket.end() });
    expect(service.auth).toMatchObject({ transport: "ssh2", error: expect.anything() });
    expect(srv.peers.length).toBe(2);
    expect(passes).toEqual([]);
  });

  it("a slow drip after NEWKEYS: the auth window's absolute deadline, then the ssh2 path once; within the cap", async () => {
    const { service, ms, passes } = await run(
      onService((t) => {
        const p = t.seal(SERVICE_ACCEPT);
        let i = 0;
        const timer = setInterval(() => (t.socket.writable && i < p.length ? t.socket.write(p.subarray(i, ++i)) : clearInterval(timer)), 60);
        t.socket.on("close", () => clearInterval(timer));
      }),
    );
    expect(service.auth).toMatchObject({ error: { code: "timeout" } });
    expect(ms).toBeLessThan(12 * T);
    expect(passes).toEqual([]);
  });
});
