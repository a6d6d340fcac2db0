// The tls probe's raw-hello phases over probes/tls/wire, one TCP connection per hello, one at a time:
// (1) one ClientHello per protocol version (SSLv3 .. TLS 1.3): what the server chose, its key
// exchange and renegotiation_info (RFC 5746 §3.6), and the whole first flight of TLS <= 1.2, which
// carries the certificate chain in the clear (RFC 5246 §7.3); (2) the suites of each accepted
// version, one ServerHello at a time: offer every known suite, take out the one chosen, repeat until
// the server refuses (the enumeration nmap's ssl-enum-ciphers and sslscan use). Raw hellos offer
// what Node's TLS (OpenSSL 3, no SSLv3, no RC4/DES/3DES/export/NULL/static-DH suites) cannot.
import type { Deadline } from "../../src/net/index.js";
import { MAX_SUITE_HELLOS } from "./checks.js";
import type { AcceptedSuite, SuiteScan, VersionEntry } from "./facts.js";
import { classifyHello, helloFor, VERSION_ORDER, type HelloExtras } from "./hello-plan.js";
import { helloOnce, isConnectFailure, type ConnectFailure, type HelloResult } from "./wire/client.js";
import { versionCode, type VersionName } from "./wire/constants.js";
import { keyShareFor } from "./wire/hello.js";
import { suiteLabel, suitesForVersion } from "./wire/suites.js";

export interface ScanEnv {
  /** address to connect to */
  host: string;
  port: number;
  /** the name for SNI (IP literals are never sent, RFC 6066 §3) */
  serverName: string;
  url: string;
  timeoutMs: number;
  signal: AbortSignal;
  /** end of this phase (within the probe's overall budget) */
  deadline: Deadline;
  log: { info(o: object, msg: string): void };
}

export async function hello(
  env: ScanEnv,
  version: VersionName,
  suites?: number[],
  keyShareGroups?: number[],
  extras?: HelloExtras,
): Promise<HelloResult | ConnectFailure> {
  return helloOnce(
    {
      host: env.host,
      port: env.port,
      timeoutMs: env.timeoutMs,
      signal: env.signal,
      deadline: env.deadline.within(env.timeoutMs),
      closeGraceMs: Math.min(500, env.timeoutMs),
    },
    helloFor(version, env.serverName, suites, keyShareGroups, extras),
  );
}

/** TLS 1.3 HelloRetryRequest (RFC 8446 §4.1.4): offer a share for the group the server asked for, once. */
async function helloWithRetry(
  env: ScanEnv,
  version: VersionName,
  suites?: number[],
  shares?: number[],
): Promise<{ r: HelloResult | ConnectFailure; shares?: number[] }> {
  const r = await hello(env, version, suites, shares);
  const want = isConnectFailure(r) ? undefined : r.flight.serverHello?.selectedGroup;
  if (!isConnectFailure(r) && r.outcome === "hello-retry-request" && want !== undefined && keyShareFor(want))
    return { r: await hello(env, version, suites, [want]), shares: [want] };
  return { r, ...(shares ? { shares } : {}) };
}

export interface VersionScan {
  versions: VersionEntry[];
  /** the accepted flight of each version (certificates, key exchange) */
  flights: Partial<Record<VersionName, HelloResult>>;
  /** key shares that worked for TLS 1.3 (after a HelloRetryRequest) */
  tls13Shares?: number[];
  /** the port refused TCP before anything was learned */
  closed?: boolean;
  /** the first answer was not TLS at all */
  notTls?: string;
  error?: { code: string; message: string };
}

export async function scanVersions(env: ScanEnv): Promise<VersionScan> {
  const out: VersionScan = { versions: [], flights: {} };
  let stop: { result: "error" | "refused"; detail: string } | undefined;
  for (const version of VERSION_ORDER) {
    if (!stop && (env.signal.aborted || env.deadline.expired)) {
      stop = { result: "error", detail: env.signal.aborted ? "not tried: run aborted" : "not tried: time budget spent" };
      out.error ??= env.signal.aborted
        ? { code: "aborted", message: "stopped: run deadline or interrupt" }
        : { code: "timeout", message: "the version scan's time budget is spent" };
    }
    if (stop) {
      out.versions.push({ version, result: stop.result, detail: stop.detail });
      continue;
    }
    env.log.info({ action: "tls-version", safety: "passive", endpoint: env.url, version }, "raw ClientHello");
    const code = versionCode(version);
    const { r, shares } = await helloWithRetry(env, version);
    if (isConnectFailure(r)) {
      if (r.connectError === "refused" && out.versions.length === 0) return { ...out, closed: true };
      out.error = { code: r.connectError, message: r.detail };
      stop = { result: "error", detail: `not tried: TCP ${r.connectError}` };
      out.versions.push({ version, result: "error", detail: `TCP: ${r.detail}` });
      continue;
    }
    const entry: VersionEntry = { version, ...classifyHello(r, code, new Set(suitesForVersion(code))) };
    if (r.outcome === "hello-retry-request") Object.assign(entry, { result: "incomplete", detail: `${r.detail} (not retried: no key share for that group)` });
    const sh = r.flight.serverHello;
    if (sh && version !== "SSLv3" && version !== "TLSv1.3" && entry.result !== "refused") entry.renegotiationInfo = sh.renegotiationInfo;
    out.versions.push(entry);
    if (entry.result === "accepted") out.flights[version] = r;
    if (version === "TLSv1.3" && entry.result === "accepted" && shares) out.tls13Shares = shares;
    // a peer that is silent or does not speak TLS at all is not asked again for every version
    if (out.versions.length === 1 && (r.outcome === "timeout" || r.outcome === "not-tls")) {
      stop =
        r.outcome === "timeout"
          ? { result: "error", detail: `not tried: no answer to ${version}` }
          : { result: "refused", detail: `not tried: the port answered ${version} with bytes that are not TLS` };
      if (r.outcome === "timeout") out.error = { code: "timeout", message: `${version}: ${r.detail}` };
      else out.notTls = r.detail;
    }
  }
  return out;
}

/** Hellos left for the suite enumeration of one service (shared across versions). */
export class HelloBudget {
  constructor(public left = MAX_SUITE_HELLOS) {}
}

/** Enumerate the suites of one accepted version (the server's choice, taken out, again, until it refuses). */
export async function scanSuites(env: ScanEnv, version: VersionName, budget: HelloBudget, tls13Shares?: number[]): Promise<SuiteScan> {
  const code = versionCode(version);
  let remaining = suitesForVersion(code);
  const accepted: AcceptedSuite[] = [];
  let hellos = 0;
  let shares = tls13Shares;
  const done = (result: SuiteScan["result"], detail?: string): SuiteScan => ({ version, result, accepted, hellos, ...(detail ? { detail } : {}) });
  for (;;) {
    if (remaining.length === 0) return done("complete", "every known suite was chosen");
    if (env.signal.aborted) return done("truncated", "run aborted");
    if (env.deadline.expired) return done("truncated", "the suite enumeration's time budget is spent");
    if (budget.left <= 0) return done("truncated", `the per-service cap of ${MAX_SUITE_HELLOS} suite hellos is reached`);
    budget.left--;
    hellos++;
    env.log.info({ action: "tls-suites", safety: "passive", endpoint: env.url, version, offered: remaining.length }, "raw ClientHello");
    const res = version === "TLSv1.3" ? await helloWithRetry(env, version, remaining, shares) : { r: await hello(env, version, remaining) };
    if (res.shares) shares = res.shares;
    const c = classifyHello(res.r, code, new Set(remaining));
    if (c.result === "refused") return done("complete", c.detail);
    if ((c.result === "accepted" || c.result === "incomplete") && c.cipherCode !== undefined) {
      // a ServerHello that chose the suite is the observation, even when the flight then broke off
      accepted.push({
        code: c.cipherCode,
        name: suiteLabel(c.cipherCode),
        ...(c.group !== undefined ? { group: c.group } : {}),
        ...(c.dhBits !== undefined ? { dhBits: c.dhBits } : {}),
      });
      remaining = remaining.filter((s) => s !== c.cipherCode);
      continue;
    }
    return done("error", c.detail ?? "no usable answer");
  }
}

/** One hello with chosen extras at a version; the raw result for the caller to read. */
export async function featureHello(env: ScanEnv, version: VersionName, suites: number[], extras: HelloExtras): Promise<HelloResult | ConnectFailure> {
  return hello(env, version, suites, undefined, extras);
}
