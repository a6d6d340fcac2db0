// Fuzz the http plugin's parsers (probes/http): the bounded response parser on arbitrary bytes and
// mutated valid responses (Content-Length, chunked with extensions and trailers, interim 1xx, bare
// LF), with random splits; the page scanner, WWW-Authenticate, HSTS and product-token parsing and
// the hint patterns on arbitrary text (they never throw). Only HttpWireError may come out of the
// response parser. `npm run fuzz -- http [--runs N]`.
import { pathToFileURL } from "node:url";
import fc from "fast-check";
import { parseChallenges, parseHsts, productToken } from "../../probes/http/headers.js";
import { findHints, scanPage } from "../../probes/http/html.js";
import { hintPatterns } from "../../probes/http/knowledge.js";
import { HttpWireError, ResponseParser } from "../../probes/http/response.js";
import { fuzzMain, mutated, type FuzzTarget } from "./lib.js";

const b = (s: string) => Buffer.from(s, "latin1");
const RESPONSES = [
  b("HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 24\r\n\r\n<title>PLC</title>abcdef"),
  b("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nX-Folded: a\r\n  b\r\n\r\n5;ext=1\r\nhello\r\n0\r\nTrailer: x\r\n\r\n"),
  b('HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: Digest realm="r", nonce="n", qop="auth"\r\nContent-Length: 0\r\n\r\n'),
  b("HTTP/1.0 302 Found\nLocation: https://10.0.0.5/\n\nbody until close"),
];
const typed = (e: unknown) => e instanceof HttpWireError;
const never = () => false;
const text = (units: string[], max = 2000) => fc.string({ maxLength: max, unit: fc.constantFrom(...units) });

export const HTTP_TARGETS: FuzzTarget<any>[] = [
  {
    name: "response parser (mutated responses, random splits, GET and HEAD)",
    input: fc.tuple(mutated(RESPONSES, 4096), fc.array(fc.nat(5000), { maxLength: 12 }), fc.boolean()),
    typed,
    run([bytes, splits, head]: [Buffer, number[], boolean]) {
      const p = new ResponseParser(head);
      let at = 0;
      for (const s of splits.filter((x) => x < bytes.length).sort((x, y) => x - y)) {
        if (p.push(bytes.subarray(at, s))) return void p.result();
        at = s;
      }
      if (p.push(bytes.subarray(at))) return void p.result();
      const r = p.end();
      if (r.body.length > 256 * 1024 || r.headers.length > 100) throw new Error("over a cap");
    },
  },
  {
    name: "page scan (tags, attributes, forms, meta refresh)",
    input: text([
      "<",
      ">",
      "<form",
      "</form>",
      "<input",
      "type=password",
      "type=hidden",
      "name=",
      "value=",
      '"',
      "'",
      "<title>",
      "</title>",
      "<meta http-equiv=refresh content=",
      "url=",
      "&amp;",
      " ",
      "a",
    ]),
    typed: never,
    run(html: string) {
      scanPage(html);
    },
  },
  {
    name: "WWW-Authenticate, HSTS and product tokens",
    input: text(["Basic", "Digest", " ", ",", "=", '"', "\\", "realm", "nonce", "qop", "max-age", ";", "includeSubDomains", "1", "/", "a"], 600),
    typed: never,
    run(v: string) {
      if (parseChallenges(v).length > 8) throw new Error("over the challenge cap");
      parseHsts(v);
      productToken(v);
    },
  },
  {
    name: "hint patterns",
    input: text(["firmware", "fw", " ", "version", ":", "=", "v", "1", ".", "<meta", "name=generator", "content=", '"', "x"], 3000),
    typed: never,
    run(t: string) {
      findHints(t, hintPatterns());
    },
  },
];

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) fuzzMain("http", HTTP_TARGETS);
