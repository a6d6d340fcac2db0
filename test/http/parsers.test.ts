// The http plugin's parsers: the bounded response parser (RFC 9112 framing, with properties: any
// split of the bytes gives the same result, arbitrary bytes only ever raise HttpWireError), the page
// scanner (title, forms, meta refresh, hints), WWW-Authenticate and HSTS parsing, product tokens,
// and the Digest computation against the RFC 7616 §3.9.1 examples (an independent vector).
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { digestAuthorization, judgeFormAnswer } from "../../probes/http/default-credentials.js";
import { parseChallenges, parseHsts, productToken } from "../../probes/http/headers.js";
import { findHints, scanPage } from "../../probes/http/html.js";
import { hintPatterns } from "../../probes/http/knowledge.js";
import { HttpWireError, ResponseParser, type ParsedResponse } from "../../probes/http/response.js";

function parse(bytes: Buffer, head = false, splits: number[] = []): ParsedResponse {
  const p = new ResponseParser(head);
  let at = 0;
  for (const s of [...splits.filter((x) => x > 0 && x < bytes.length)].sort((a, b) => a - b)) {
    if (p.push(bytes.subarray(at, s))) return p.result();
    at = s;
  }
  if (p.push(bytes.subarray(at))) return p.result();
  return p.end();
}
const b = (s: string) => Buffer.from(s, "latin1");

describe("response parser (RFC 9112)", () => {
  it.each([
    ["Content-Length", "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhelloEXTRA", "hello", "length"],
    [
      "chunked with extension and trailer",
      "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5;x=y\r\nhello\r\n6\r\n world\r\n0\r\nX-T: 1\r\n\r\n",
      "hello world",
      "chunked",
    ],
    ["close-delimited", "HTTP/1.0 200 OK\r\n\r\nuntil close", "until close", "close"],
    ["bare LF line ends", "HTTP/1.1 200 OK\nContent-Length: 2\n\nok", "ok", "length"],
    ["interim 100 first", "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nx", "x", "length"],
    ["204 has no body", "HTTP/1.1 204 No Content\r\nContent-Length: 99\r\n\r\n", "", "none"],
  ])("%s", (_, text, body, framing) => {
    const r = parse(b(text));
    expect(r.body.toString("latin1")).toBe(body);
    expect(r.framing).toBe(framing);
  });

  it("HEAD: no body whatever the headers say; obs-fold joined with a space", () => {
    const r = parse(b("HTTP/1.1 200 OK\r\nContent-Length: 10\r\nX-Folded: a\r\n  b\r\n\r\n"), true);
    expect(r.framing).toBe("none");
    expect(r.headers.find(([k]) => k === "X-Folded")?.[1]).toBe("a b");
  });

  it.each([
    ["differing Content-Length", "HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nx", "invalid"],
    ["bad chunk size", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nxyz\r\n", "invalid"],
    ["chunk longer than its size", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1\r\nab\r\n", "invalid"],
    ["not a status line", "SSH-2.0-OpenSSH\r\n\r\n", "invalid"],
    ["header without a name", "HTTP/1.1 200 OK\r\n: x\r\n\r\n", "invalid"],
    ["closed inside the head", "HTTP/1.1 200 OK\r\nX: y", "truncated"],
    ["closed inside a Content-Length body", "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc", "truncated"],
  ])("%s -> %s", (_, text, code) => {
    try {
      parse(b(text));
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(HttpWireError);
      expect((e as HttpWireError).code).toBe(code);
    }
  });

  it("caps: 100 fields kept (all counted), 64 KiB of head, 256 KiB of body", () => {
    const many = parse(b(`HTTP/1.1 200 OK\r\n${"X: y\r\n".repeat(500)}Content-Length: 0\r\n\r\n`));
    expect([many.headers.length, many.headerCount]).toEqual([100, 501]);
    expect(() => parse(b(`HTTP/1.1 200 OK\r\nX: ${"a".repeat(70_000)}\r\n\r\n`))).toThrow(/header section/);
    const big = parse(Buffer.concat([b("HTTP/1.1 200 OK\r\n\r\n"), Buffer.alloc(300_000, 1)]));
    expect([big.body.length, big.truncated]).toEqual([256 * 1024, true]);
  });

  it("property: any split of a valid response parses the same", () => {
    const arb = fc.record({ body: fc.uint8Array({ maxLength: 3000 }), chunked: fc.boolean(), splits: fc.array(fc.nat(4000), { maxLength: 20 }) });
    fc.assert(
      fc.property(arb, ({ body, chunked, splits }) => {
        const data = Buffer.from(body);
        const wire = chunked
          ? Buffer.concat([
              b("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"),
              ...(data.length ? [b(`${data.length.toString(16)}\r\n`), data, b("\r\n")] : []),
              b("0\r\n\r\n"),
            ])
          : Buffer.concat([b(`HTTP/1.1 200 OK\r\nContent-Length: ${data.length}\r\n\r\n`), data]);
        const whole = parse(wire);
        const split = parse(wire, false, splits);
        expect(split.body.equals(data)).toBe(true);
        expect(whole.body.equals(data)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it("property: arbitrary bytes after a status line raise only HttpWireError", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 2000 }), fc.boolean(), (bytes, head) => {
        try {
          parse(Buffer.concat([b("HTTP/1.1 200 OK\r\n"), Buffer.from(bytes)]), head);
        } catch (e) {
          expect(e).toBeInstanceOf(HttpWireError);
        }
      }),
      { numRuns: 500 },
    );
  });
});

describe("page scan, headers, identity", () => {
  it("title, forms with their password fields, hidden values, loose password inputs, meta refresh", () => {
    const s = scanPage(`<html><head><TITLE> PLC &amp; HMI </TITLE><meta http-equiv="Refresh" content="5; URL='/login.htm'"></head>
      <form action="/cgi/login" METHOD=POST><input type=hidden name=tok value="a&quot;b"><input name="user"><input type='password' name='pw'></form>
      <input type="password" id="pin">`);
    expect(s.title).toBe("PLC & HMI");
    expect(s.forms).toEqual([
      {
        action: "/cgi/login",
        method: "post",
        inputs: [
          { name: "tok", type: "hidden", value: 'a"b' },
          { name: "user", type: "text" },
          { name: "pw", type: "password" },
        ],
      },
    ]);
    expect(s.loosePasswordInputs).toBe(1);
    expect(s.metaRefresh).toBe("/login.htm");
  });

  it("hints: firmware and software versions, meta generator (patterns from web.yaml)", () => {
    const h = findHints('<meta name="generator" content="Vendor WebUI 3"> Firmware Version: V2.10.4b  SW ver. 1.2.3', hintPatterns());
    expect(h).toEqual([
      { id: "firmware-version", value: "2.10.4b" },
      { id: "software-version", value: "1.2.3" },
      { id: "meta-generator", value: "Vendor WebUI 3" },
    ]);
  });

  it("property: the page scan never throws and stays bounded on arbitrary text", () => {
    fc.assert(
      fc.property(
        fc.string({ maxLength: 3000, unit: fc.constantFrom("<", ">", "form", "input", "title", "meta", "=", '"', "'", " ", "type=password", "a", "\n") }),
        (html) => {
          const s = scanPage(html);
          expect(s.forms.length).toBeLessThanOrEqual(16);
        },
      ),
      { numRuns: 500 },
    );
  });

  it("WWW-Authenticate: several challenges, quoted commas, token68", () => {
    expect(parseChallenges('Basic realm="a, b", Digest realm="r", qop="auth,auth-int", nonce="n", algorithm=SHA-256, Negotiate')).toEqual([
      { scheme: "Basic", realm: "a, b" },
      { scheme: "Digest", realm: "r", qop: "auth,auth-int", nonce: "n", algorithm: "SHA-256" },
      { scheme: "Negotiate" },
    ]);
    expect(parseChallenges("Negotiate YIIBhwYGKwYBBQUC==, NTLM")).toEqual([{ scheme: "Negotiate" }, { scheme: "NTLM" }]);
  });

  it("HSTS: max-age, includeSubDomains, preload, repeated or broken directives", () => {
    expect(parseHsts('max-age="31536000"; includeSubDomains; preload')).toMatchObject({
      maxAge: 31536000,
      includeSubDomains: true,
      preload: true,
      problems: [],
    });
    expect(parseHsts("max-age=abc").maxAge).toBeUndefined();
    expect(parseHsts("max-age=1; max-age=2").problems).toContain("max-age repeated");
  });

  it("product tokens of Server headers", () => {
    expect(productToken("nginx/1.22.1 (Debian)")).toEqual({ product: "nginx", version: "1.22.1" });
    expect(productToken("GoAhead-Webs")).toEqual({ product: "GoAhead-Webs" });
    expect(productToken("  ")).toBeUndefined();
  });

  it("Digest responses match RFC 7616 §3.9.1 (MD5 and SHA-256)", () => {
    const c = {
      scheme: "Digest",
      realm: "http-auth@example.org",
      qop: "auth, auth-int",
      nonce: "7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v",
      opaque: "FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS",
    };
    const cnonce = "f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ";
    expect(digestAuthorization({ ...c, algorithm: "MD5" }, "Mufasa", "Circle of Life", "GET", "/dir/index.html", cnonce)).toContain(
      'response="8ca523f5e9506fed4657c9700eebdbec"',
    );
    expect(digestAuthorization({ ...c, algorithm: "SHA-256" }, "Mufasa", "Circle of Life", "GET", "/dir/index.html", cnonce)).toContain(
      'response="753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1"',
    );
  });
});

describe("form login answer (intrusive default-credential judgement)", () => {
  const t = { page: new URL("http://d/"), action: new URL("http://d/login") };
  const res = (status: number, headers: [string, string][], body: string): ParsedResponse => ({
    version: "HTTP/1.1",
    status,
    reason: "",
    headers,
    headerCount: headers.length,
    body: Buffer.from(body),
    bodyBytes: body.length,
    truncated: false,
    framing: "length",
    interim: 0,
  });
  const cookie: [string, string] = ["Set-Cookie", "sid=1"];
  it("a session page that merely mentions an error is unclear, never a rejection", () => {
    const r = judgeFormAnswer(res(200, [cookie], "<h1>Dashboard</h1><a href=/log>Error log</a><script>console.error(1)</script>"), t.action, t);
    expect(r.outcome).toBe("error");
  });
  it("a session page without failure words is accepted; failure words without a session are a rejection", () => {
    expect(judgeFormAnswer(res(200, [cookie], "<h1>Dashboard</h1>"), t.action, t).outcome).toBe("accepted");
    expect(judgeFormAnswer(res(200, [], "<p>Login failed</p>"), t.action, t).outcome).toBe("rejected");
    expect(judgeFormAnswer(res(200, [cookie], '<p>Invalid password</p><form><input type="password" name="p"></form>'), t.action, t).outcome).toBe("rejected");
  });
});
