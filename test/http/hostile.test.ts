// Hostile web servers against the whole http probe (through the engine): endless or huge headers,
// slow drip, huge bodies, chunked-coding abuse, lying lengths, interim-response floods, redirect
// loops, long chains, off-host and non-HTTP redirects, garbage status lines, control characters in
// titles and headers. Each case must end within the deadline and the caps, keep what it learned,
// connect only to the target, and never yield a pass from what it could not parse.
import { afterEach, describe, expect, it } from "vitest";
import { safeText } from "../../src/report/safe-text.js";
import httpPlugin from "../../probes/http/index.js";
import { audit } from "../tls/helpers.js";
import { scriptedPeer, type PeerStep } from "../tls/wire/server-messages.js";

const T = 700;
let close: (() => Promise<void>) | undefined;
afterEach(async () => {
  await close?.();
  close = undefined;
});

const res = (head: string, body = "") => Buffer.from(`${head.replace(/\n/g, "\r\n")}\r\n\r\n${body}`, "utf8");
const ok = (body: string, extra = "") =>
  res(`HTTP/1.1 200 OK\nContent-Type: text/html\nContent-Length: ${Buffer.byteLength(body, "utf8")}${extra ? `\n${extra}` : ""}`, body);
const pathOf = (req: Buffer) => /^GET (\S+)/.exec(req.toString("latin1"))?.[1] ?? "?";

async function run(script: (path: string, i: number) => PeerStep[], timeoutMs = T) {
  const peer = await scriptedPeer((i, first) => script(pathOf(first), i));
  close = peer.close;
  const r = await audit([`http://127.0.0.1:${peer.port}`], { timeoutMs, plugins: [httpPlugin] });
  const env = r.result.facts.http!;
  const data = env.data as { services: { exchanges: Record<string, any>[] }[] } | undefined;
  return { ...r, peer, env, exchanges: data?.services[0]?.exchanges ?? [], passes: r.result.findings.filter((f) => f.status === "pass").map((f) => f.ruleId) };
}

describe("hostile web servers (http probe through the engine)", () => {
  it("1. closes at once: no pass", async () => expect((await run(() => ["close"])).passes).toEqual([]));
  it("2. resets: no pass", async () => expect((await run(() => ["reset"])).passes).toEqual([]));

  it("3. silent: a timeout, one connection", async () => {
    const r = await run(() => ["hang"]);
    expect(r.peer.connections).toBe(1);
    expect((r.env.incomplete ?? r.env.error)?.code ?? r.exchanges[0]?.error?.code).toMatch(/timeout/);
  });

  it("4. endless header lines: the 64 KiB header cap ends it", async () => {
    const r = await run(() => [Buffer.from("HTTP/1.1 200 OK\r\n"), Buffer.from("X-Fill: aaaaaaaaaaaaaaaaaaaaaaaa\r\n".repeat(4000)), "hang"]);
    expect(r.passes).toEqual([]);
  });

  it("5. one header line of 1 MB without a line end: too large", async () => {
    const r = await run(() => [Buffer.from("HTTP/1.1 200 OK\r\nX-Long: "), Buffer.alloc(1 << 20, 0x61), "close"]);
    expect(r.passes).toEqual([]);
  });

  it("6. 3000 short header fields: 64 kept, all counted", async () => {
    const r = await run(() => [res(`HTTP/1.1 200 OK\nContent-Length: 0\n${Array.from({ length: 3000 }, (_, i) => `X-${i}: y`).join("\n")}`), "close"]);
    expect(r.exchanges[0]!.headers.length).toBe(64);
    expect(r.exchanges[0]!.headerCount).toBe(3001);
  });

  it("7. slow drip of the header (one byte every 20 ms): the absolute deadline ends it", async () => {
    const r = await run(() => [{ drip: res("HTTP/1.1 200 OK\nContent-Length: 0\nX-Pad: " + "p".repeat(200)), everyMs: 20 }], 500);
    expect(r.passes).toEqual([]);
  });

  it("8. a 10 MB body: 256 KiB kept, the rest not read", async () => {
    const r = await run(() => [res("HTTP/1.1 200 OK\nContent-Type: text/html\nContent-Length: 10485760"), Buffer.alloc(10 << 20, 0x41), "close"], 3000);
    expect(r.exchanges[0]!.body).toMatchObject({ truncated: true });
  });

  it("9. a chunk size that is not hex: invalid, no pass", async () => {
    expect((await run(() => [res("HTTP/1.1 200 OK\nTransfer-Encoding: chunked"), Buffer.from("zz\r\nabc\r\n0\r\n\r\n"), "close"])).passes).toEqual([]);
  });

  it("10. a chunk announced as huge, then a close: no pass", async () => {
    expect((await run(() => [res("HTTP/1.1 200 OK\nTransfer-Encoding: chunked"), Buffer.from("ffffffffffff\r\nabc"), "close"])).passes).toEqual([]);
  });

  it("11. 300,000 one-byte chunks: the body cap ends it (linear)", async () => {
    const r = await run(
      () => [res("HTTP/1.1 200 OK\nContent-Type: text/html\nTransfer-Encoding: chunked"), Buffer.from("1\r\na\r\n".repeat(300_000)), "close"],
      15_000,
    );
    expect(r.exchanges[0]!.body?.truncated).toBe(true);
  });

  it("12. a chunk extension longer than 4 KiB: too large", async () => {
    expect(
      (await run(() => [res("HTTP/1.1 200 OK\nTransfer-Encoding: chunked"), Buffer.from(`5;${"e".repeat(5000)}\r\nhello\r\n0\r\n\r\n`), "close"])).exchanges[0]!
        .error?.code,
    ).toBe("too-large");
  });

  it("13. two different Content-Length values: invalid (request smuggling shape)", async () => {
    expect((await run(() => [res("HTTP/1.1 200 OK\nContent-Length: 5\nContent-Length: 7", "hello"), "close"])).exchanges[0]!.error?.code).toBe("invalid");
  });

  it("14. a Content-Length that is not a number: invalid", async () => {
    expect((await run(() => [res("HTTP/1.1 200 OK\nContent-Length: -1", "x"), "close"])).exchanges[0]!.error?.code).toBe("invalid");
  });

  it("15. Transfer-Encoding gzip (not chunked): read until close", async () => {
    const r = await run(() => [res("HTTP/1.1 200 OK\nContent-Type: text/html\nTransfer-Encoding: gzip", "<title>x</title>"), "close"]);
    expect(r.exchanges[0]!.body).toMatchObject({ framing: "close" });
  });

  it("16. a redirect loop: each URL requested once, the loop recorded", async () => {
    const r = await run((p) => [res(`HTTP/1.1 302 Found\nLocation: ${p === "/" ? "/a" : "/"}\nContent-Length: 0`), "close"]);
    expect(r.peer.connections).toBe(2);
    expect(r.exchanges[1]!.redirect).toMatchObject({ followed: false, why: expect.stringMatching(/loop/) });
  });

  it("17. an endless redirect chain: 3 redirects followed, then stopped", async () => {
    const r = await run((p) => [res(`HTTP/1.1 301 Moved\nLocation: ${p}x\nContent-Length: 0`), "close"]);
    expect(r.peer.connections).toBe(4);
    expect(r.statuses("http.cleartext.no-redirect")).not.toContain("pass");
  });

  it("18. a redirect to another host (even over https): never followed, no pass for cleartext", async () => {
    const r = await run(() => [res("HTTP/1.1 302 Found\nLocation: https://evil.example/login\nContent-Length: 0"), "close"]);
    expect(r.peer.connections).toBe(1);
    expect(r.exchanges[0]!.redirect).toMatchObject({ sameHost: false, followed: false });
    expect(r.statuses("http.cleartext.no-redirect")).toEqual(["undetermined"]);
  });

  it("19. redirects to javascript:, ftp: and an unparsable Location: not followed", async () => {
    for (const loc of ["javascript:alert(1)", "ftp://127.0.0.1/", "http://[::1"]) {
      const r = await run(() => [res(`HTTP/1.1 302 Found\nLocation: ${loc}\nContent-Length: 0`), "close"]);
      expect(r.peer.connections, loc).toBe(1);
      await close?.();
      close = undefined;
    }
  });

  it("20. control characters and bidi overrides in the title and a header: exact in facts, escaped in messages", async () => {
    const r = await run(() => [ok("<title>HMI\x1b[2J\u202eevil</title>", "Server: evil\x07/1.0"), "close"]);
    expect(r.exchanges[0]!.title).toBe("HMI\x1b[2J\u202eevil");
    const msg = r.findings("http.cleartext.no-redirect")[0]!.message;
    expect(msg).toContain("\x1b");
    expect(safeText(msg)).not.toMatch(/[\x00-\x08\x0b-\x1f\x7f\u202e]/);
  });

  it("21. a flood of 100 Continue interim responses: invalid after four", async () => {
    expect((await run(() => [Buffer.from("HTTP/1.1 100 Continue\r\n\r\n".repeat(10)), ok("x"), "close"])).exchanges[0]!.error?.code).toBe("invalid");
  });

  it("22. a status line that is not HTTP: a protocol error, no pass", async () => {
    const r = await run(() => [Buffer.from("HTTX/1.1 200 OK\r\n\r\n"), "close"]);
    expect(r.passes).toEqual([]);
  });

  it("23. a meta refresh to the page itself: requested once", async () => {
    const r = await run(() => [ok('<meta http-equiv="refresh" content="0; url=/">'), "close"]);
    expect(r.peer.connections).toBe(1);
  });

  it("24. an HTTP/0.9-style answer (bare HTML, no status line): invalid", async () => {
    expect((await run(() => [Buffer.from("<html><title>old</title></html>\r\n\r\n"), "close"])).passes).toEqual([]);
  });

  it("25. a 1 MB Location header: too large, no redirect followed", async () => {
    const r = await run(() => [res(`HTTP/1.1 302 Found\nLocation: /${"a".repeat(1 << 20)}\nContent-Length: 0`), "close"]);
    expect(r.peer.connections).toBe(1);
  });

  it("26. a page with 50,000 <meta and <input tags without '>': bounded work, no crash", async () => {
    const r = await run(() => [ok(`<title>t</title>${"<meta <input ".repeat(20_000)}`), "close"], 3000);
    expect(r.exchanges[0]!.title).toBe("t");
  });
});
