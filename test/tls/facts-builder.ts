// Test plumbing: TlsFacts of a well-configured service (TLS 1.2 + 1.3, ECDHE AEAD suites, CA-issued
// P-256 certificate naming 127.0.0.1), to be bent one property at a time by the rule tests; and a
// runner that gives each rule's outcomes through the engine (guards included).
import { TlsFacts, type CertificateFacts, type TlsService } from "../../probes/tls/facts.js";
import tlsPlugin from "../../probes/tls/index.js";
import { runRules } from "../../src/engine/rules.js";
import type { Finding } from "../../src/model/result.js";

export const STARTED = "2026-06-01T00:00:00.000Z";

export function leaf(over: Partial<CertificateFacts> = {}): CertificateFacts {
  return {
    subject: "CN=plc.example",
    issuer: "CN=Plant CA",
    selfSigned: false,
    notBefore: "2026-01-01T00:00:00.000Z",
    notAfter: "2027-06-01T00:00:00.000Z",
    keyAlgorithm: "ec",
    keyBits: 256,
    namedCurve: "prime256v1",
    signatureAlgorithm: "ecdsa-with-SHA256",
    signatureOid: "1.2.840.10045.4.3.2",
    signatureHash: "sha256",
    sha256: "aa".repeat(32),
    sanDns: ["plc.example"],
    sanIp: ["127.0.0.1"],
    commonName: "plc.example",
    ...over,
  };
}

export const CA: CertificateFacts = {
  ...leaf(),
  subject: "CN=Plant CA",
  issuer: "CN=Plant CA",
  selfSigned: true,
  sha256: "bb".repeat(32),
  sanDns: undefined,
  sanIp: undefined,
  commonName: "Plant CA",
};

export function service(over: Partial<TlsService> = {}): TlsService {
  return {
    port: 443,
    url: "tls://127.0.0.1:443",
    serverName: "127.0.0.1",
    serverNameKind: "ip",
    tlsOffered: true,
    service: { proof: "server-flight", detail: "whole server flights" },
    versions: [
      {
        version: "TLSv1.2",
        result: "accepted",
        serverVersion: 0x0303,
        cipherCode: 0xc02b,
        cipher: "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
        group: 29,
        renegotiationInfo: true,
      },
      { version: "TLSv1.3", result: "accepted", serverVersion: 0x0304, cipherCode: 0x1301, cipher: "TLS_AES_128_GCM_SHA256", group: 29 },
      { version: "TLSv1.1", result: "refused", detail: "alert protocol_version (70)" },
      { version: "TLSv1", result: "refused", detail: "alert protocol_version (70)" },
      { version: "SSLv3", result: "refused", detail: "alert handshake_failure (40)" },
    ],
    suites: [
      {
        version: "TLSv1.2",
        result: "complete",
        hellos: 3,
        accepted: [
          { code: 0xc02b, name: "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", group: 29 },
          { code: 0xc02c, name: "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", group: 29 },
        ],
      },
      { version: "TLSv1.3", result: "complete", hellos: 2, accepted: [{ code: 0x1301, name: "TLS_AES_128_GCM_SHA256", group: 29 }] },
    ],
    compression: { result: "accepted", version: "TLSv1.2", method: 0, offered: [1, 0] },
    weakGroups: { result: "refused", version: "TLSv1.2", offered: [1, 2, 3], detail: "alert handshake_failure (40)" },
    certificates: [leaf(), CA],
    chain: { source: "server-flight", sent: 2, truncated: false },
    certificateErrors: [],
    ...over,
  };
}

export function facts(...services: TlsService[]): TlsFacts {
  return TlsFacts.parse({ services: services.length ? services : [service()] });
}

/** Findings of every tls rule (through the engine's runner), by rule id. */
export function judge(f: TlsFacts, opts: { incomplete?: boolean } = {}): Record<string, Finding[]> {
  const env = {
    protocol: "tls",
    status: "ok" as const,
    endpoints: [],
    startedAt: STARTED,
    durationMs: 1,
    probeVersion: tlsPlugin.version,
    data: f,
    ...(opts.incomplete ? { incomplete: { code: "cut", message: "cut" } } : {}),
  };
  const out: Record<string, Finding[]> = {};
  for (const x of runRules(tlsPlugin, env, { host: "127.0.0.1", intrusive: false, credentialed: false })) (out[x.ruleId] ??= []).push(x);
  return out;
}

export const statusOf = (f: TlsFacts, id: string) => judge(f)[id]?.map((x) => x.status);
