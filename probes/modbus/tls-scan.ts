// Modbus/TCP Security, passive part: raw ClientHellos (probes/tls/wire) offering one protocol
// version at a time (SSLv3 .. TLS 1.3), then one weak cipher-suite family at a time. The server's
// first flight says what it chose; nothing is ever completed (no key exchange, no Finished), so no
// session and no Modbus request happen here. The TLS <= 1.2 flight is in the clear (RFC 5246 §7.3),
// so it also yields the certificate chain and any CertificateRequest (RFC 5246 §7.4.4). The hellos and
// their classification are the tls plugin's (probes/tls/hello-plan.ts).
import type { Deadline } from "../../src/net/index.js";
import { classifyHello, helloFor, VERSION_ORDER } from "../tls/hello-plan.js";
import { helloOnce, isConnectFailure, type ConnectFailure, type HelloResult } from "../tls/wire/client.js";
import { versionCode, type VersionName } from "../tls/wire/constants.js";
import { keyShareFor } from "../tls/wire/hello.js";
import { suitesForVersion } from "../tls/wire/suites.js";
import type { TlsEndpointFacts } from "./facts.js";
import { familyCodes, tlsKnowledge } from "./knowledge.js";

type VersionEntry = TlsEndpointFacts["versions"][number];

export { classifyHello, helloFor, VERSION_ORDER };

export interface ScanContext {
  host: string;
  port: number;
  timeoutMs: number;
  signal: AbortSignal;
  /** end of the whole TLS endpoint phase */
  deadline: Deadline;
  log: { info(o: object, msg: string): void };
  url: string;
}

export interface ScanResult {
  versions: VersionEntry[];
  weakSuites: TlsEndpointFacts["weakSuites"];
  /** the flight of the highest TLS <= 1.2 version accepted (cleartext certificate and CertificateRequest) */
  flight?: HelloResult;
  /** the port refused TCP */
  closed?: boolean;
  error?: { code: string; message: string };
}

async function hello(c: ScanContext, version: VersionName, suites?: number[], keyShareGroups?: number[]): Promise<HelloResult | ConnectFailure> {
  return helloOnce(
    {
      host: c.host,
      port: c.port,
      timeoutMs: c.timeoutMs,
      signal: c.signal,
      deadline: c.deadline.within(c.timeoutMs),
      closeGraceMs: Math.min(500, c.timeoutMs),
    },
    helloFor(version, c.host, suites, keyShareGroups),
  );
}

export async function scanVersions(c: ScanContext): Promise<ScanResult> {
  const out: ScanResult = { versions: [], weakSuites: [] };
  let stop: { result: "error" | "refused"; detail: string } | undefined;
  for (const version of VERSION_ORDER) {
    if (!stop && (c.signal.aborted || c.deadline.expired)) {
      stop = { result: "error", detail: c.signal.aborted ? "not tried: run aborted" : "not tried: time budget spent" };
      out.error ??= c.signal.aborted
        ? { code: "aborted", message: "stopped: run deadline or interrupt" }
        : { code: "timeout", message: "the TLS phase's time budget is spent" };
    }
    if (stop) {
      out.versions.push({ version, result: stop.result, detail: stop.detail });
      continue;
    }
    c.log.info({ action: "tls-version", safety: "passive", endpoint: c.url, version }, "raw ClientHello");
    const code = versionCode(version);
    let r = await hello(c, version);
    if (isConnectFailure(r)) {
      if (r.connectError === "refused" && out.versions.length === 0) return { ...out, closed: true };
      out.error = { code: r.connectError, message: r.detail };
      stop = { result: "error", detail: `not tried: TCP ${r.connectError}` };
      out.versions.push({ version, result: "error", detail: `TCP: ${r.detail}` });
      continue;
    }
    // TLS 1.3 HelloRetryRequest (RFC 8446 §4.1.4): offer a share for the group the server asked for, once
    const want = r.flight.serverHello?.selectedGroup;
    if (r.outcome === "hello-retry-request" && want !== undefined && keyShareFor(want)) r = await hello(c, version, undefined, [want]);
    const entry: VersionEntry = { version, ...classifyHello(r, code, new Set(suitesForVersion(code))) };
    if (!isConnectFailure(r) && r.outcome === "hello-retry-request")
      Object.assign(entry, { result: "incomplete", detail: `${r.detail} (not retried: no key share for that group)` });
    out.versions.push(entry);
    if (entry.result === "accepted" && code <= 0x0303 && (!out.flight || (out.flight.flight.serverHello?.version ?? 0) < code) && !isConnectFailure(r))
      out.flight = r;
    // a peer that is silent or does not speak TLS at all is not asked again for every version
    if (!isConnectFailure(r) && out.versions.length === 1 && (r.outcome === "timeout" || r.outcome === "not-tls")) {
      stop =
        r.outcome === "timeout"
          ? { result: "error", detail: `not tried: no answer to ${version}` }
          : { result: "refused", detail: `not tried: the port answered ${version} with bytes that are not TLS` };
      if (r.outcome === "timeout") out.error = { code: "timeout", message: `${version}: ${r.detail}` };
    }
  }
  return out;
}

/** Weak families, one hello each, at the highest version <= TLS 1.2 the server accepted. */
export async function scanWeakSuites(c: ScanContext, versions: VersionEntry[]): Promise<TlsEndpointFacts["weakSuites"]> {
  const out: TlsEndpointFacts["weakSuites"] = [];
  const legacy = versions.filter((v) => v.version !== "TLSv1.3" && (v.result === "accepted" || v.result === "incomplete")).map((v) => v.version);
  const best = (["TLSv1.2", "TLSv1.1", "TLSv1", "SSLv3"] as VersionName[]).find((v) => legacy.includes(v));
  for (const family of tlsKnowledge().weakSuites) {
    if (c.signal.aborted || c.deadline.expired) {
      out.push({ id: family.id, result: "error", detail: c.signal.aborted ? "not tried: run aborted" : "not tried: time budget spent" });
      continue;
    }
    if (!best) {
      const refusedAll = versions.filter((v) => v.version !== "TLSv1.3").every((v) => v.result === "refused");
      out.push({
        id: family.id,
        result: refusedAll ? "refused" : "error",
        detail: refusedAll ? "no version below TLS 1.3 accepted (TLS 1.3 has no such suites)" : "no version below TLS 1.3 could be tested",
      });
      continue;
    }
    const codes = familyCodes(family.match);
    c.log.info({ action: "tls-weak-suite", safety: "passive", endpoint: c.url, family: family.id, version: best }, "raw ClientHello");
    const r = await hello(c, best, codes);
    const entry = classifyHello(r, versionCode(best), new Set(codes));
    out.push({ id: family.id, ...entry });
  }
  return out;
}
