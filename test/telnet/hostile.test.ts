// Hostile or broken Telnet servers (scripted TCP peers on loopback): silence, negotiation floods,
// endless subnegotiations, data floods, drips, resets, escape sequences. Each ends in facts or an
// error within the deadline, never a crash, a hang or a pass; the probe closes with FIN and sends
// only refusals (IAC WONT/DONT) and, to a server that said nothing at all, one empty line.
import type { Socket } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import telnet from "../../probes/telnet/index.js";
import type { TelnetFacts } from "../../probes/telnet/facts.js";
import { DO, DONT, IAC, MAX_DATA, SB, WILL, WONT } from "../../probes/telnet/nvt.js";
import { auditUrls, finding, ScriptedPeer } from "../vnc/kit.js";

const TIMEOUT = 600;
const peer = new ScriptedPeer();
afterEach(() => peer.stop());

/** What the probe sent, as refusals and other bytes. */
function sent(b: Buffer): { refusals: [number, number][]; other: Buffer } {
  const refusals: [number, number][] = [];
  const other: number[] = [];
  for (let i = 0; i < b.length; i++) {
    if (b[i] === IAC && (b[i + 1] === WONT || b[i + 1] === DONT) && i + 2 < b.length) {
      refusals.push([b[i + 1]!, b[i + 2]!]);
      i += 2;
    } else other.push(b[i]!);
  }
  return { refusals, other: Buffer.from(other) };
}

async function audit(behave: (s: Socket) => void) {
  const port = await peer.start(behave);
  const d = await auditUrls(telnet, [`telnet://127.0.0.1:${port}`], { timeoutMs: TIMEOUT });
  await new Promise((r) => setTimeout(r, 50));
  for (const f of d.findings) expect(f.message, f.ruleId).not.toMatch(/[\x00-\x08\x0b-\x1f\x7f]/); // device bytes are escaped in messages
  for (const p of peer.peers) {
    expect(p.reset).toBe(false);
    const other = sent(p.received).other.toString("latin1");
    expect(["", "\r\n"]).toContain(other); // never a user name, never a password
  }
  expect(d.findings.filter((f) => f.status === "pass")).toEqual([]);
  return d;
}
const svc = (d: Awaited<ReturnType<typeof audit>>) => (d.facts.telnet!.data as TelnetFacts).services[0]!;
const repeat = (n: number, bytes: number[]) => Buffer.from(Array.from({ length: n }, () => bytes).flat());

describe("hostile Telnet servers", () => {
  it("silence: one empty line, then a timeout error, and our FIN", async () => {
    const d = await audit(() => {});
    expect(d.facts.telnet!).toMatchObject({ status: "error", error: { code: "timeout" } });
    expect(peer.peers[0]!.received.toString()).toBe("\r\n");
    expect(peer.peers[0]!.ended).toBe(true);
  });

  it("a server that waits for the client: the empty line wakes its login prompt", async () => {
    const d = await audit((s) => s.once("data", () => s.write("login: ")));
    expect(svc(d)).toMatchObject({ nudged: true, prompt: "login" });
    expect(finding(d, "telnet.auth.cleartext").status).toBe("fail");
  });

  it("a login prompt: nothing is typed, every option refused once", async () => {
    const d = await audit((s) => s.write(Buffer.concat([Buffer.from([IAC, DO, 24, IAC, WILL, 1, IAC, WILL, 3]), Buffer.from("\r\nPLC\r\nlogin: ")])));
    expect(sent(peer.peers[0]!.received).refusals).toEqual([
      [WONT, 24],
      [DONT, 1],
      [DONT, 3],
    ]);
    expect(svc(d)).toMatchObject({ prompt: "login", banner: { lastLine: "login: " } });
  });

  it("the same DO repeated 5,000 times: refused at most twice", async () => {
    const d = await audit((s) => s.write(repeat(5000, [IAC, DO, 31])));
    expect(sent(peer.peers[0]!.received).refusals).toEqual([
      [WONT, 31],
      [WONT, 31],
    ]);
    expect(svc(d).negotiation).toMatchObject({ iac: true, proposalsDropped: 5000 - 64 });
    expect(finding(d, "telnet.cleartext").status).toBe("fail");
  });

  it("256 different options proposed at once: 256 refusals, events capped at 64", async () => {
    const d = await audit((s) => s.write(Buffer.from(Array.from({ length: 256 }, (_, o) => [IAC, WILL, o]).flat())));
    expect(sent(peer.peers[0]!.received).refusals).toHaveLength(256);
    expect(svc(d).negotiation!.proposals).toHaveLength(64);
  });

  it("a subnegotiation that never ends: skipped, the service is still judged from its IAC", async () => {
    const d = await audit((s) => s.write(Buffer.concat([Buffer.from([IAC, SB, 24]), Buffer.alloc(100_000, 0x41)])));
    expect(svc(d)).toMatchObject({ negotiation: { subnegotiations: 1 }, banner: { bytes: 0 } });
    expect(finding(d, "telnet.auth.cleartext")).toMatchObject({ status: "undetermined" });
  });

  it("a 1 MiB banner flood: 4 KiB kept, the rest counted", async () => {
    const d = await audit((s) => s.write(Buffer.alloc(1 << 20, 0x42)));
    expect(svc(d).banner).toMatchObject({ truncated: true });
    expect(svc(d).banner!.text).toHaveLength(MAX_DATA);
  });

  it("a banner dripped one byte every 40 ms forever: the absolute deadline ends it", async () => {
    const d = await audit((s) => {
      const t = setInterval(() => (s.destroyed ? clearInterval(t) : s.write("x")), 40);
      s.on("close", () => clearInterval(t));
    });
    expect(svc(d).banner!.bytes).toBeGreaterThan(0);
    expect(svc(d).prompt).toBe("none");
  });

  it("escape sequences and NULs in the banner stay byte for byte in the facts", async () => {
    const banner = "\x1b[2J\x1b]0;pwned\x07\r\0Welcome\r\nlogin: ";
    const d = await audit((s) => s.write(banner, "latin1"));
    expect(svc(d).banner!.text).toBe(banner);
    expect(svc(d).banner!.lastLine).toBe("login: ");
  });

  it("a reset right after the first bytes: facts kept, closed by the server", async () => {
    const d = await audit((s) => {
      s.write(Buffer.from([IAC, DO, 24]));
      setTimeout(() => s.resetAndDestroy(), 30);
    });
    expect(svc(d)).toMatchObject({ closedByServer: true, negotiation: { iac: true } });
  });

  it("a close after a banner without prompt: undetermined auth, cleartext proven by the text", async () => {
    const d = await audit((s) => s.end("Too many sessions\r\n"));
    expect(svc(d)).toMatchObject({ closedByServer: true, prompt: "none" });
    expect(finding(d, "telnet.cleartext").status).toBe("fail");
    expect(finding(d, "telnet.auth.cleartext").status).toBe("undetermined");
  });

  it("IAC IAC in the banner is a data byte 255; an IAC split across writes parses", async () => {
    const d = await audit((s) => {
      s.write(Buffer.from([0x41, IAC]));
      setTimeout(() => s.write(Buffer.from([IAC, 0x42, IAC])), 20);
      setTimeout(() => s.write(Buffer.concat([Buffer.from([DO, 24]), Buffer.from("\r\n# ")])), 40);
    });
    expect(svc(d).banner!.text).toBe("A\xffB\r\n# ");
    expect(finding(d, "telnet.auth.cleartext")).toMatchObject({ status: "fail", severity: "critical" });
  });
});
