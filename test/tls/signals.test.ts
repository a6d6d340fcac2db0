// Fleet signals of the tls and http plugins, read by the core's fleet rules: the TLS leaf
// certificate is a key that identifies the device (the same certificate on two devices fails
// fleet.certificate.shared); a web UI over plain HTTP is a cleartext channel (`credentials` when a
// login is served there); a web login is single-factor remote access; accepted defaults are labels.
import { describe, expect, it } from "vitest";
import { deviceSignals } from "../../src/fleet/signals.js";
import { sharedCertificate } from "../../src/fleet/rules.js";
import type { FleetDevice } from "../../src/fleet/model.js";
import type { DeviceResult } from "../../src/model/result.js";
import { PLUGINS } from "../../probes/registry.js";
import { facts, service } from "./facts-builder.js";

const env = (protocol: string, data: unknown) => ({
  protocol,
  status: "ok" as const,
  endpoints: [],
  startedAt: "2026-06-01T00:00:00.000Z",
  durationMs: 1,
  probeVersion: "1.0.0",
  data,
});
const device = (host: string, f: Record<string, unknown>): FleetDevice => {
  const result = { host, facts: Object.fromEntries(Object.entries(f).map(([k, v]) => [k, env(k, v)])) } as unknown as DeviceResult;
  return { host, zone: "z", result, signals: deviceSignals(result, PLUGINS), facts: () => undefined };
};
const web = (login: boolean) => ({
  services: [
    {
      port: 80,
      url: "http://h",
      scheme: "http",
      serverName: "h",
      exchanges: [
        {
          url: "http://h/",
          method: "GET",
          tls: false,
          status: 200,
          headers: [],
          forms: login ? [{ action: "/login", method: "post", passwordFields: 1, fields: [] }] : [],
          challenges: [],
          hints: [],
        },
      ],
      defaultCredentials: {
        mechanism: "form",
        url: "http://h/login",
        attempts: [{ id: "ewon-adm", username: "adm", result: "accepted" }],
        complete: true,
        accepted: { id: "ewon-adm", username: "adm", vendor: "eWON", source: "seclists-scada-pass" },
      },
    },
  ],
});

describe("tls and http fleet signals", () => {
  it("the same TLS certificate on two devices is a shared-certificate fleet finding", () => {
    const a = device("10.0.0.1", { tls: facts() });
    const b = device("10.0.0.2", { tls: facts() });
    expect(a.signals.keys).toEqual([
      expect.objectContaining({ kind: "x509-certificate", fingerprint: "aa".repeat(32), scheme: "tls", port: 443, protocol: "tls" }),
    ]);
    const out = sharedCertificate.check({ devices: [a, b] });
    expect(out?.map((o) => o.status)).toEqual(["fail"]);
    const c = device("10.0.0.3", { tls: facts(service({ certificates: [{ ...facts().services[0]!.certificates[0]!, sha256: "cc".repeat(32) }] })) });
    expect(sharedCertificate.check({ devices: [a, c] })?.map((o) => o.status)).toEqual(["pass"]);
  });

  it("a web login over plain HTTP: cleartext channel carrying credentials, single-factor remote access, the accepted default as a label", () => {
    const s = device("10.0.0.4", { http: web(true) }).signals;
    expect(s.cleartext).toEqual([expect.objectContaining({ scheme: "http", port: 80, carries: "credentials" })]);
    expect(s.remoteAccess).toEqual([expect.objectContaining({ factors: "single-factor", port: 80 })]);
    expect(s.defaultCredentials).toEqual([expect.objectContaining({ key: "http:ewon-adm", label: expect.stringContaining("'adm'") })]);
    expect(Object.keys(s.defaultCredentials[0]!)).not.toContain("password"); // labels only, never a secret field
    expect(device("10.0.0.5", { http: web(false) }).signals.cleartext[0]).toMatchObject({ carries: "management" });
  });
});
