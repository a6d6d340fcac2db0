// Hostile or broken FTP servers (scripted TCP peers on loopback): silence, garbage, floods, drips,
// endless multi-line replies, resets, fake AUTH TLS, control characters. Each ends in facts or an
// error within the deadlines, never a crash, a hang or a pass without proof; the probe closes with
// FIN and sends only its documented commands, never a PASS after its own USER.
import type { Socket } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import ftp from "../../probes/ftp/index.js";
import type { FtpFacts } from "../../probes/ftp/facts.js";
import { auditUrls, finding, ScriptedPeer } from "../vnc/kit.js";

const TIMEOUT = 400;
const ALLOWED = new Set(["FEAT", "USER otaudit", "USER anonymous", "PASS otaudit@", "AUTH TLS", "QUIT"]);
const peer = new ScriptedPeer();
afterEach(() => peer.stop());

/** A server that greets, then answers each command line via `answer` (undefined: stay silent). */
const lineServer = (greeting: string, answer: (cmd: string) => string | undefined) => (s: Socket) => {
  s.write(greeting);
  let buf = "";
  s.on("data", (d: Buffer) => {
    buf += d.toString("latin1");
    for (let nl = buf.indexOf("\n"); nl >= 0; nl = buf.indexOf("\n")) {
      const cmd = buf.slice(0, nl).replace(/\r$/, "");
      buf = buf.slice(nl + 1);
      const a = cmd === "QUIT" ? "221 bye\r\n" : answer(cmd);
      if (a !== undefined && !s.destroyed) s.write(a);
      if (cmd === "QUIT") s.end();
    }
  });
};

async function audit(behave: (s: Socket) => void) {
  const port = await peer.start(behave);
  const d = await auditUrls(ftp, [`ftp://127.0.0.1:${port}`], { timeoutMs: TIMEOUT });
  await new Promise((r) => setTimeout(r, 50));
  for (const f of d.findings) expect(f.message, f.ruleId).not.toMatch(/[\x00-\x08\x0b-\x1f\x7f]/); // device bytes are escaped in messages
  for (const p of peer.peers) {
    expect(p.reset).toBe(false);
    const cmds = p.received.toString("latin1").split("\r\n").filter(Boolean);
    for (const c of cmds) expect(ALLOWED.has(c) || !/^[A-Z]{3,4}( |$)/.test(c), c).toBe(true); // TLS bytes after AUTH are not commands
    const i = cmds.indexOf("USER otaudit");
    if (i >= 0) expect(cmds[i + 1] ?? "QUIT").not.toMatch(/^PASS/);
  }
  if (d.facts.ftp!.status !== "ok") expect(d.findings.filter((f) => f.status === "pass")).toEqual([]);
  return d;
}
const svc = (d: Awaited<ReturnType<typeof audit>>) => (d.facts.ftp!.data as FtpFacts).services[0]!;

describe("hostile FTP servers", () => {
  it("silence: timeout, our FIN", async () => {
    const d = await audit(() => {});
    expect(d.facts.ftp!).toMatchObject({ status: "error", error: { code: "timeout" } });
    expect(peer.peers[0]!.ended).toBe(true);
  });

  it("a greeting without a reply code: protocol error", async () => {
    const d = await audit((s) => s.write("hello there\r\n"));
    expect(d.facts.ftp!).toMatchObject({ status: "error", error: { code: "protocol" } });
  });

  it("a code outside 100-599: protocol error", async () => {
    const d = await audit((s) => s.write("999 weird\r\n"));
    expect(d.facts.ftp!.error!.message).toMatch(/outside 100-599/);
  });

  it("a 200 KiB greeting without a line end: refused at the reply limit", async () => {
    const d = await audit((s) => s.write("220 " + "A".repeat(200 * 1024)));
    expect(d.facts.ftp!.status).toBe("error");
  });

  it("an endless multi-line greeting: stopped at the line limit", async () => {
    const d = await audit((s) => s.write("220-start\r\n" + "220-more\r\n".repeat(500)));
    expect(d.facts.ftp!.error!.message).toMatch(/more than 100 lines/);
  });

  it("a greeting dripped one byte every 50 ms: the absolute deadline ends it", async () => {
    const d = await audit((s) => {
      const text = Buffer.from("220 " + "x".repeat(200) + "\r\n");
      let i = 0;
      const t = setInterval(() => (s.destroyed ? clearInterval(t) : s.write(text.subarray(i, ++i))), 50);
      s.on("close", () => clearInterval(t));
    });
    expect(d.facts.ftp!.error?.code).toBe("timeout");
  });

  it("a reset right after the greeting: FEAT error recorded, no crash, no pass for it", async () => {
    const d = await audit((s) => {
      s.write("220 hi\r\n");
      s.once("data", () => s.resetAndDestroy());
    });
    expect(svc(d).greeting!.code).toBe(220);
    expect(svc(d).features!.error).toBeDefined();
    expect(finding(d, "ftp.cleartext-login").status).not.toBe("pass");
  });

  it("421 service not available: one connection, everything undetermined", async () => {
    const d = await audit((s) => s.end("421 Too many connections\r\n"));
    expect(peer.peers).toHaveLength(1);
    expect(d.findings.every((f) => f.status === "undetermined" || f.status === "skipped")).toBe(true);
  });

  it("control characters in the greeting stay byte for byte in the facts", async () => {
    const g = "220 \x1b]0;owned\x07 \x1b[31mFTP\x00\r\n";
    const d = await audit(lineServer(g, () => "500 no\r\n"));
    expect(svc(d).greeting!.lines).toEqual([g.slice(0, -2)]);
  });

  it("234 to AUTH TLS, then plain text instead of TLS: handshake error, AUTH TLS undetermined", async () => {
    const d = await audit(
      lineServer("220 ok\r\n", (c) => (c === "AUTH TLS" ? "234 go ahead\r\nthis is not TLS at all\r\n" : c.startsWith("USER") ? "530 no\r\n" : "500 ?\r\n")),
    );
    expect(svc(d).authTls!.error).toBeDefined();
    expect(finding(d, "ftp.auth-tls")).toMatchObject({ status: "undetermined", reason: "incomplete" });
  });

  it("USER answered 230 (no password at all): critical failure", async () => {
    const d = await audit(lineServer("220 ok\r\n", (c) => (c.startsWith("USER") ? "230 welcome\r\n" : "502 no\r\n")));
    expect(finding(d, "ftp.cleartext-login")).toMatchObject({ status: "fail", severity: "critical" });
  });

  it("a multi-line reply whose last line uses another code never ends early: line limit or deadline", async () => {
    const d = await audit(lineServer("220 ok\r\n", (c) => (c === "FEAT" ? "211-Features\r\n PASV\r\n212 End\r\n" : "500 ?\r\n")));
    expect(svc(d).features!.error).toBeDefined();
  });
});
