// Hostile TLS peers against the whole tls probe (through the engine): lying record lengths, huge
// chains, messages over the caps, garbage certificates, slow drip, choices never offered, endless
// HelloRetryRequests, servers that accept everything, control characters in certificate names.
// Each case must end (bounded connections, within the deadline), keep what it learned, and never
// yield a pass from what it could not parse.
import { afterEach, describe, expect, it } from "vitest";
import { safeText } from "../../src/report/safe-text.js";
import { ContentType } from "../../probes/tls/wire/constants.js";
import { audit, offeredVersion, tlsPeer } from "./helpers.js";
import { makeCert } from "./wire/openssl-certs.js";
import {
  alertRecord,
  certificate,
  handshake,
  hsRecord,
  record,
  serverHello,
  serverHelloDone,
  skeDhe,
  skeEcdhe,
  type PeerStep,
} from "./wire/server-messages.js";

const CERT = makeCert("rsa:2048").der;
const T = 600;
let close: (() => Promise<void>) | undefined;
afterEach(async () => {
  await close?.();
  close = undefined;
});

/** A peer that accepts TLS 1.2 with the first offered ECDHE suite (a whole, honest flight), else alerts; `bend` rewrites the flight. */
function tls12Only(bend: (flight: Buffer[], offered: number[]) => PeerStep[] = (f) => [Buffer.concat(f)]) {
  return tlsPeer((h) => {
    if (!h || offeredVersion(h) !== 0x0303) return [alertRecord(70), "close"];
    const suite = h.cipherSuites.find((c) => c === 0xc02f);
    if (suite === undefined) return [alertRecord(40), "close"];
    return bend(
      [hsRecord(serverHello({ suite, extensions: [Buffer.from([0xff, 0x01, 0, 1, 0])] }), certificate([CERT]), skeEcdhe(23), serverHelloDone())],
      h.cipherSuites,
    );
  });
}

async function run(peer: Awaited<ReturnType<typeof tlsPeer>>, timeoutMs = T) {
  close = peer.close;
  const r = await audit([`tls://127.0.0.1:${peer.port}`], { timeoutMs, plugins: undefined });
  const all = r.result.findings.filter((f) => f.protocol === "tls");
  return { ...r, all, passes: all.filter((f) => f.status === "pass").map((f) => f.ruleId), env: r.result.facts.tls! };
}

describe("hostile TLS peers (tls probe through the engine)", () => {
  it("1. closes every connection at once: nothing accepted, no pass", async () => {
    const r = await run(await tlsPeer(() => ["close"]));
    expect(r.passes).toEqual([]);
  });

  it("2. resets every connection: no pass", async () => {
    const r = await run(await tlsPeer(() => ["reset"]));
    expect(r.passes).toEqual([]);
  });

  it("3. silent: one timeout, not asked again for every version", async () => {
    const peer = await tlsPeer(() => ["hang"]);
    const r = await run(peer);
    expect(peer.connections).toBeLessThanOrEqual(2);
    // the probe fails the service; the core keeps the versions checkpoint, marked incomplete
    expect(r.env.incomplete?.code ?? r.env.error?.code).toBe("timeout");
    expect(r.passes).toEqual([]);
  });

  it("4. answers with HTTP, not TLS: one connection, a protocol error", async () => {
    const peer = await tlsPeer(() => [Buffer.from("HTTP/1.1 400 Bad Request\r\n\r\n"), "close"]);
    const r = await run(peer);
    expect(peer.connections).toBe(1);
    expect((r.env.incomplete ?? r.env.error)?.message).toMatch(/not TLS|TLS record/);
  });

  it("5. a record header that lies about its length (over 2^14 + 2048): too large, no pass", async () => {
    const r = await run(await tlsPeer(() => [Buffer.from([22, 3, 3, 0x48, 0x01]), Buffer.alloc(64, 1), "close"]));
    expect(r.passes).toEqual([]);
  });

  it("6. a record shorter than its header says, then a close: no pass", async () => {
    const r = await run(await tlsPeer(() => [Buffer.from([22, 3, 3, 3, 0xe8]), Buffer.alloc(10, 2), "close"]));
    expect(r.passes).toEqual([]);
  });

  it("7. chooses a suite that was not offered: an error, never an acceptance", async () => {
    const r = await run(
      await tlsPeer((h) =>
        offeredVersion(h) === 0x0303 ? [hsRecord(serverHello({ suite: 0x1301 }), serverHelloDone()), "close"] : [alertRecord(70), "close"],
      ),
    );
    const data = r.env.data as { services: { versions: { version: string; result: string; detail?: string }[] }[] } | undefined;
    expect(r.passes).toEqual([]);
    if (data) expect(data.services[0]!.versions.find((v) => v.version === "TLSv1.2")!.result).toBe("error");
  });

  it("8. answers a TLS 1.0 hello with TLS 1.3 (never offered there): error", async () => {
    const r = await run(
      await tlsPeer((_h) => [
        hsRecord(serverHello({ version: 0x0303, suite: 0x1301, supportedVersion: 0x0304, keyShareGroup: 29 })),
        record(23, Buffer.alloc(40, 1)),
        "close",
      ]),
    );
    expect(r.statuses("tls.protocol.legacy")).not.toContain("pass");
    void ContentType;
  });

  it("9. an unknown version code in the ServerHello: error, no pass", async () => {
    const r = await run(await tlsPeer(() => [hsRecord(serverHello({ version: 0x7f1c, suite: 0xc02f }), serverHelloDone()), "close"]));
    expect(r.passes).toEqual([]);
  });

  it("10. a chain of 40 certificates: 8 described, the rest counted, bounded", async () => {
    const msgs = Buffer.concat([
      serverHello({ suite: 0xc02f, extensions: [Buffer.from([0xff, 0x01, 0, 1, 0])] }),
      certificate(Array.from({ length: 40 }, () => CERT)),
      skeEcdhe(23),
      serverHelloDone(),
    ]);
    const r = await run(await tls12Only(() => [...chunksOf(msgs).map((c) => record(22, c)), "close"]));
    const s = (r.env.data as { services: { certificates: unknown[]; chain: { sent: number; truncated: boolean } }[] }).services[0]!;
    expect(s.certificates.length).toBe(8);
    expect(s.chain).toMatchObject({ sent: 40, truncated: true });
  });

  it("11. a Certificate message over the 256 KiB handshake cap: too large, no certificate rule passes", async () => {
    const big = Buffer.alloc(300 * 1024, 0x30);
    const r = await run(
      await tls12Only(() => [
        hsRecord(serverHello({ suite: 0xc02f })),
        ...chunksOf(
          handshake(
            11,
            Buffer.concat([
              Buffer.from([(big.length + 3) >> 16, ((big.length + 3) >> 8) & 0xff, (big.length + 3) & 0xff]),
              Buffer.from([big.length >> 16, (big.length >> 8) & 0xff, big.length & 0xff]),
              big,
            ]),
          ),
        ).map((c) => record(22, c)),
        "close",
      ]),
    );
    expect(r.passes.filter((id) => id.startsWith("tls.certificate"))).toEqual([]);
  });

  it("12. a certificate that is not DER: recorded as unparsed, every certificate rule undetermined", async () => {
    const r = await run(
      await tls12Only(() => [
        hsRecord(
          serverHello({ suite: 0xc02f, extensions: [Buffer.from([0xff, 0x01, 0, 1, 0])] }),
          certificate([Buffer.from("3082ffff0101", "hex")]),
          skeEcdhe(23),
          serverHelloDone(),
        ),
        "close",
      ]),
    );
    for (const id of [
      "tls.certificate.validity",
      "tls.certificate.key",
      "tls.certificate.signature",
      "tls.certificate.self-signed",
      "tls.certificate.name-mismatch",
    ])
      expect(r.statuses(id), id).toEqual(["undetermined"]);
  });

  it("13. slow drip of a whole flight (one byte every 20 ms): the absolute deadline ends it, no acceptance", async () => {
    const r = await run(await tls12Only((f) => [{ drip: Buffer.concat(f), everyMs: 20 }]), 500);
    expect(r.passes).toEqual([]);
  });

  it("14. an alert record of odd length: malformed, no pass", async () => {
    const r = await run(await tlsPeer(() => [record(21, Buffer.from([2, 40, 1])), "close"]));
    expect(r.passes).toEqual([]);
  });

  it("15. hundreds of one-byte handshake records: the record cap ends it", async () => {
    const msg = hsRecord(serverHello({ suite: 0xc02f })).subarray(5);
    const drip = Buffer.concat([...Array(300)].map((_, i) => record(22, msg.subarray(i % msg.length, (i % msg.length) + 1))));
    const r = await run(await tlsPeer(() => [drip, "close"]));
    expect(r.passes).toEqual([]);
  });

  it("16. a ServerHello, then a reset: incomplete, not a proven service, no pass", async () => {
    const r = await run(await tlsPeer(() => [hsRecord(serverHello({ suite: 0xc02f })), "reset"]));
    expect(r.passes).toEqual([]);
  });

  it("17. HelloRetryRequest to every hello: retried once per hello, never an acceptance", async () => {
    const peer = await tlsPeer((h) =>
      offeredVersion(h) === 0x0304 ? [hsRecord(serverHello({ suite: 0x1301, hrrGroup: 24, supportedVersion: 0x0304 })), "close"] : [alertRecord(70), "close"],
    );
    const r = await run(peer);
    expect(peer.connections).toBeLessThanOrEqual(6);
    expect(r.passes).toEqual([]);
  });

  it("18. HelloRetryRequest for a group we have no key share for: incomplete, not retried", async () => {
    const peer = await tlsPeer((h) =>
      offeredVersion(h) === 0x0304
        ? [hsRecord(serverHello({ suite: 0x1301, hrrGroup: 0x0a0a, supportedVersion: 0x0304 })), "close"]
        : [alertRecord(70), "close"],
    );
    await run(peer);
    expect(peer.connections).toBe(5);
  });

  it("19. accepts every version and always the first offered suite: the enumeration is capped, the legacy versions fail", async () => {
    const peer = await tlsPeer((h) => {
      const v = Math.min(offeredVersion(h), 0x0303);
      if (!h || offeredVersion(h) === 0x0304) return [alertRecord(70), "close"];
      return [hsRecord(serverHello({ version: v, suite: h.cipherSuites[0]! }), certificate([CERT]), serverHelloDone()), "close"];
    });
    const r = await run(peer, 2000);
    expect(peer.connections).toBeLessThanOrEqual(5 + 80 + 2 + 1);
    expect(r.statuses("tls.protocol.legacy")).toEqual(["fail"]);
    expect(r.statuses("tls.cipher.weak")).toEqual(["fail"]);
  });

  it("20. picks the same suite again after it was taken out: the enumeration stops with an error", async () => {
    const r = await run(
      await tlsPeer((h) =>
        offeredVersion(h) === 0x0303
          ? [hsRecord(serverHello({ suite: 0xc02f }), certificate([CERT]), skeEcdhe(23), serverHelloDone()), "close"]
          : [alertRecord(70), "close"],
      ),
    );
    const s = (r.env.data as { services: { suites: { result: string; accepted: unknown[] }[] }[] }).services[0]!;
    expect(s.suites[0]).toMatchObject({ result: "error" });
    expect(r.statuses("tls.cipher.weak")).not.toContain("pass");
  });

  it("21. a ServerKeyExchange cut short: malformed, no key-exchange pass", async () => {
    const ske = skeDhe(128);
    const r = await run(
      await tls12Only(() => [hsRecord(serverHello({ suite: 0xc02f }), certificate([CERT]), handshake(12, ske.subarray(4, 20)), serverHelloDone()), "close"]),
    );
    expect(r.statuses("tls.key-exchange.weak")).not.toContain("pass");
  });

  it("22. application data before any ServerHello, or a ChangeCipherSpec first: unexpected, no pass", async () => {
    for (const first of [record(23, Buffer.alloc(32, 7)), record(20, Buffer.from([1]))]) {
      const r = await run(await tlsPeer(() => [first, "close"]));
      expect(r.passes).toEqual([]);
      await close?.();
      close = undefined;
    }
  });

  it("23. a compression method that was never offered: the compression rule is undetermined", async () => {
    const peer = await tlsPeer((h) => {
      if (offeredVersion(h) !== 0x0303) return [alertRecord(70), "close"];
      const sh = serverHello({ suite: 0xc02f, extensions: [Buffer.from([0xff, 0x01, 0, 1, 0])] });
      if (h!.compressionMethods.includes(1)) sh[4 + 2 + 32 + 1 + 2] = 7; // compression_method byte after session id (empty) and suite
      return [hsRecord(sh, certificate([CERT]), skeEcdhe(23), serverHelloDone()), "close"];
    });
    const r = await run(peer);
    expect(r.statuses("tls.compression.enabled")).toEqual(["undetermined"]);
  });

  it("24. control characters and bidi overrides in the certificate subject: kept in facts as decoded (OpenSSL prints C0 controls as \\XX), escaped in human text", async () => {
    const evil = makeCert("ec:prime256v1", undefined, "/CN=plc\x1b[31mRED\u202e").der;
    const r = await run(
      await tls12Only(() => [
        hsRecord(serverHello({ suite: 0xc02f, extensions: [Buffer.from([0xff, 0x01, 0, 1, 0])] }), certificate([evil]), skeEcdhe(23), serverHelloDone()),
        "close",
      ]),
    );
    const subject = (r.env.data as { services: { certificates: { subject: string }[] }[] }).services[0]!.certificates[0]!.subject;
    expect(subject).toContain("\u202e");
    expect(subject).toMatch(/\\1B\[31m|\x1b\[31m/);
    const msg = r.findings("tls.certificate.self-signed")[0]!.message;
    expect(safeText(msg)).not.toMatch(/[\x00-\x08\x0b-\x1f\x7f\u202e]/);
  });
});

function chunksOf(b: Buffer, n = 1 << 14): Buffer[] {
  const out: Buffer[] = [];
  for (let i = 0; i < b.length; i += n) out.push(b.subarray(i, i + n));
  return out;
}
