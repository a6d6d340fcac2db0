// The tls and http simulators from the device's side, and record -> replay -> simulate: a legacy
// profile (SSLv3, RC4, 3DES, export-free static RSA, DEFLATE, no renegotiation_info, weak curves,
// 1024-bit DH, an expired SHA-1 RSA-1024 certificate) gives each weakness as a failing finding and
// a hardened one none; the simulators count what the probes sent (no application data, no
// password in a default run); a recording replays to the same findings, and the profile derived
// from it (profileFromFacts) makes a simulator that gives them again. Also which raw hellos go
// where Node's TLS cannot: Node refuses SSLv3 and suites OpenSSL 3 does not build (RC4, 3DES).
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import tls from "node:tls";
import { afterAll, describe, expect, it } from "vitest";
import { startProfile } from "../../src/engine/profiles.js";
import { resolveTargets } from "../../src/engine/targets.js";
import { parseRecording } from "../../src/fixtures/format.js";
import { recordDevices, serializeRecording } from "../../src/fixtures/record.js";
import { replayRecording } from "../../src/fixtures/replay.js";
import { profileFromRecording } from "../../src/fixtures/simulate.js";
import { silentLogger } from "../../src/log.js";
import httpPlugin from "../../probes/http/index.js";
import tlsPlugin from "../../probes/tls/index.js";
import { audit } from "./helpers.js";

const plugins = [tlsPlugin, httpPlugin];
const dirs: string[] = [];
const state = () => {
  const d = mkdtempSync(join(tmpdir(), "otaudit-tls-sim-"));
  dirs.push(d);
  return d;
};
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const LEGACY = {
  versions: ["SSLv3", "TLSv1", "TLSv1.2"],
  suites: {
    SSLv3: ["TLS_RSA_WITH_RC4_128_SHA"],
    TLSv1: ["TLS_RSA_WITH_3DES_EDE_CBC_SHA", "TLS_DHE_RSA_WITH_AES_128_CBC_SHA"],
    "TLSv1.2": ["TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "TLS_RSA_WITH_AES_128_CBC_SHA"],
  },
  dhBits: 1024,
  compression: true,
  renegotiationInfo: false,
  acceptsWeakCurves: true,
  certificate: { keyType: "rsa", rsaBits: 1024, signHash: "SHA-1", notAfterDays: -3, commonName: "legacy-rtu" },
};

describe("tls simulator", () => {
  it("a legacy profile: every weakness a failing finding; the simulator saw no application data", async () => {
    const sim = await tlsPlugin.simulator!.start(tlsPlugin.simulator!.profileSchema.parse(LEGACY), { host: "127.0.0.1", stateDir: state() });
    try {
      const r = await audit(sim.urls, { plugins: [tlsPlugin] });
      for (const id of [
        "tls.protocol.legacy",
        "tls.cipher.weak",
        "tls.key-exchange.weak",
        "tls.compression.enabled",
        "tls.renegotiation.insecure",
        "tls.certificate.validity",
        "tls.certificate.key",
        "tls.certificate.signature",
        "tls.certificate.self-signed",
      ])
        expect(r.statuses(id), id).toEqual(["fail"]);
      expect(r.findings("tls.cipher.weak")[0]!.message).toMatch(/RC4.*|3DES/);
      const stats = sim.stats!() as { applicationBytes: number; scriptedFlights: number; byVersion: Record<string, number> };
      expect(stats.applicationBytes).toBe(0);
      expect(stats.byVersion.SSLv3).toBeGreaterThan(0); // a raw SSLv3 hello reached the device
    } finally {
      await sim.stop();
    }
  });

  it("a hardened TLS 1.3-only profile: the chain is read through a real handshake, no failure", async () => {
    const sim = await tlsPlugin.simulator!.start(
      tlsPlugin.simulator!.profileSchema.parse({
        versions: ["TLSv1.3"],
        suites: { "TLSv1.3": ["TLS_AES_256_GCM_SHA384"] },
        groups: ["secp384r1"],
        certificate: { caIssued: true, sanIp: ["127.0.0.1"] },
      }),
      { host: "127.0.0.1", stateDir: state() },
    );
    try {
      const r = await audit(sim.urls, { plugins: [tlsPlugin] });
      expect(r.result.findings.filter((f) => !["pass", "not_applicable"].includes(f.status)).map((f) => `${f.ruleId}: ${f.message}`)).toEqual([]);
      expect((sim.stats!() as { realHandshakes: number }).realHandshakes).toBe(1);
    } finally {
      await sim.stop();
    }
  });

  it("Node's TLS cannot offer what the raw hellos do: SSLv3, RC4, 3DES (OpenSSL 3 builds)", () => {
    expect(() => tls.createSecureContext({ minVersion: "SSLv3" as tls.SecureVersion })).toThrow();
    for (const c of ["RC4-SHA", "DES-CBC3-SHA", "EXP-RC4-MD5"])
      expect(() => tls.createSecureContext({ ciphers: `${c}@SECLEVEL=0` }), c).toThrow(/no cipher match/);
  });
});

describe("record -> replay -> simulate (tls and http)", () => {
  it("replays to the live findings, and the derived profile simulates them again", async () => {
    const profile = {
      header: { name: "legacy-web-rtu", description: "test" },
      sections: new Map<string, unknown>([
        ["tls", tlsPlugin.simulator!.profileSchema.parse(LEGACY)],
        [
          "http",
          httpPlugin.simulator!.profileSchema.parse({
            auth: { kind: "basic", accounts: [{ username: "admin", password: "admin" }] },
            page: { server: "GoAhead-Webs/2.5", firmware: "2.3.1" },
          }),
        ],
      ]),
    };
    const device = await startProfile(profile, plugins, "127.0.0.1", state());
    try {
      const devices = await resolveTargets(device.urls, plugins);
      const opts = { plugins, timeoutMs: 3000, concurrency: 1, intrusive: false, credentials: [], failOn: "high" as const, log: silentLogger() };
      const live = await recordDevices(devices, opts);
      const rec = parseRecording(serializeRecording(live.recording), "rec.json", plugins);
      const replay = replayRecording(rec, { plugins, failOn: "high", file: "rec.json" });
      const key = (d: { findings: { ruleId: string; status: string; port?: number | null }[] }) => d.findings.map((f) => `${f.ruleId}:${f.status}`).sort();
      expect(key(replay.devices[0]!)).toEqual(key(live.doc.devices[0]!));
      const again = await startProfile(profileFromRecording(rec, plugins, "rec.json").profile, plugins, "127.0.0.1", state());
      try {
        const r2 = await recordDevices(await resolveTargets(again.urls, plugins), opts);
        const statuses = (d: { findings: { ruleId: string; status: string }[] }) => [...new Set(d.findings.map((f) => `${f.ruleId}:${f.status}`))].sort();
        expect(statuses(r2.doc.devices[0]!)).toEqual(statuses(live.doc.devices[0]!));
      } finally {
        await again.stop();
      }
    } finally {
      await device.stop();
    }
  });
});
