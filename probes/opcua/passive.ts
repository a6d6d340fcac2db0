// The passive phase of the OPC UA probe: with our own UACP client, GetEndpoints and FindServers on
// the target (one connection, SecurityPolicy None), then GetEndpoints on the discovery URLs of the
// servers FindServers lists on the same host (bounded; other hosts are recorded, never contacted:
// name them as targets to audit them), one connection at a time; server certificates parsed once
// each. Everything runs within one absolute budget. A parse error in one endpoint keeps the ones
// before it; a failing listed server keeps the target's facts.
// Spec: OPC 10000-4 §5.4.2 FindServers, §5.4.4 GetEndpoints; OPC 10000-12 §4 (discovery, LDS).
import { lookup } from "node:dns/promises";
import { isIP } from "node:net";
import type { ProbeContext } from "../../src/plugin.js";
import type { Deadline } from "../../src/net/index.js";
import type { CertificateFacts, EndpointFacts, OpcuaFacts } from "./facts.js";
import { parseCertificate, firstDerLength, sha256Hex } from "./certificate.js";
import { UacpClient, UacpProtocolError, type AckFacts, type BoundedList, type RawApplication, type RawEndpoint } from "./uacp.js";
import { annotateEndpoints } from "./security.js";

const MODES = ["Invalid", "None", "Sign", "SignAndEncrypt"] as const;
const TOKEN_TYPES = ["Anonymous", "UserName", "Certificate", "IssuedToken"] as const;
/** Listed servers' discovery URLs contacted at most, and distinct certificates parsed at most. */
export const DISCOVERY_LIMITS = { contacted: 4, certificates: 16, hostLookups: 8 } as const;

export function toEndpointFacts(raw: RawEndpoint, certSha: string | null, listedBy: string): EndpointFacts {
  return {
    endpointUrl: raw.endpointUrl,
    securityPolicyUri: raw.securityPolicyUri,
    securityMode: MODES[raw.securityMode] ?? "Invalid",
    securityModeValue: raw.securityMode,
    securityLevel: raw.securityLevel,
    transportProfileUri: raw.transportProfileUri,
    userTokens: raw.userIdentityTokens.map((t) => ({
      policyId: t.policyId,
      tokenType: TOKEN_TYPES[t.tokenType] ?? "Unknown",
      ...(TOKEN_TYPES[t.tokenType] ? {} : { tokenTypeValue: t.tokenType }),
      securityPolicyUri: t.securityPolicyUri,
      issuedTokenType: t.issuedTokenType,
    })),
    certificateSha256: certSha,
    applicationUri: raw.applicationUri,
    productUri: raw.productUri,
    applicationName: raw.applicationName,
    listedBy,
    ...(raw.userTokensDropped ? { userTokensDropped: raw.userTokensDropped } : {}),
  };
}

export interface PassiveResult {
  transport: AckFacts;
  endpoints: EndpointFacts[];
  endpointList: NonNullable<OpcuaFacts["endpointList"]>;
  certificates: CertificateFacts[];
  certificateErrors: { sha256: string; error: string }[];
  discovery: NonNullable<OpcuaFacts["discovery"]>;
  /** the certificates' bytes as listed (not facts: for the session layer), by sha256 */
  certificateBytes: Map<string, Buffer>;
}

interface Target {
  host: string;
  port: number;
  url: string;
}

/** One connection: Hello, OPN None, GetEndpoints, then FindServers (failure of the latter keeps the former). */
interface PassiveOptions {
  timeoutMs: number;
  signal: AbortSignal;
  budget: Deadline;
}

async function listTarget(t: Target, opts: PassiveOptions, withFindServers: boolean) {
  const client = await UacpClient.connect(t.host, t.port, t.url, opts);
  try {
    await client.openSecureChannel();
    const endpoints = await client.getEndpoints(t.url);
    let servers: BoundedList<RawApplication> | Error | undefined;
    if (withFindServers) {
      try {
        servers = await client.findServers(t.url);
      } catch (e) {
        servers = e as Error;
      }
    }
    await client.close();
    return { ack: client.ack!, endpoints, servers };
  } catch (e) {
    client.end();
    throw e;
  }
}

function parseOpcUrl(url: string): { host: string; port: number; path: string } | undefined {
  const m = /^opc\.tcp:\/\/(\[[^\]]+\]|[^:/[\]]+)(?::(\d{1,5}))?(\/[^?#]*)?$/i.exec(url);
  if (!m) return undefined;
  const port = m[2] ? Number(m[2]) : 4840;
  if (port < 1 || port > 65535) return undefined;
  return { host: m[1]!.replace(/^\[|\]$/g, ""), port, path: m[3] && m[3] !== "/" ? m[3] : "" };
}

const LOOPBACK = /^(localhost|127(\.\d{1,3}){3}|::1|0:0:0:0:0:0:0:1)$/i;

async function addresses(host: string, ms: number): Promise<Set<string>> {
  if (isIP(host)) return new Set([host.toLowerCase()]);
  let timer: NodeJS.Timeout | undefined;
  try {
    const found = await Promise.race([
      lookup(host, { all: true }),
      new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error("lookup timed out")), ms))),
    ]);
    return new Set(found.map((a) => a.address.toLowerCase()));
  } catch {
    return new Set();
  } finally {
    clearTimeout(timer);
  }
}

export async function passivePhase(ctx: ProbeContext, target: Target, budget: Deadline): Promise<PassiveResult> {
  const opts = { timeoutMs: ctx.timeoutMs, signal: ctx.signal, budget };
  const main = await listTarget(target, opts, true);
  // nothing parsed at all: the answer is broken, not a server with a damaged endpoint
  if (main.endpoints.error && main.endpoints.items.length === 0) throw new UacpProtocolError(`GetEndpoints: ${main.endpoints.error}`);
  const raw: { list: RawEndpoint[]; by: string }[] = [{ list: main.endpoints.items, by: target.url }];
  const discovery: PassiveResult["discovery"] = { status: "ok", servers: [], contacted: [] };
  if (main.servers instanceof Error) {
    discovery.status = "error";
    discovery.error = main.servers.message;
  } else if (main.servers) {
    discovery.declared = main.servers.declared;
    if (main.servers.error) discovery.error = main.servers.error;
    discovery.servers = main.servers.items.map(({ discoveryUrlsDropped, ...s }) => ({ ...s, ...(discoveryUrlsDropped ? { discoveryUrlsDropped } : {}) }));
    // a server lists itself too (often under a host name): skip the target's own ApplicationUri
    const own = new Set(main.endpoints.items.map((e) => e.applicationUri));
    const others = main.servers.items.filter((s) => !own.has(s.applicationUri));
    for (const s of main.servers.items.filter((x) => own.has(x.applicationUri))) {
      for (const url of s.discoveryUrls) discovery.contacted.push({ url, status: "skipped", reason: "the target itself (same ApplicationUri)" });
    }
    await contactListed(ctx, target, others, discovery, raw, opts);
  }
  const { endpoints, certificates, certificateErrors, certificateBytes } = await endpointFacts(raw);
  return {
    transport: main.ack,
    endpoints: annotateEndpoints(endpoints, certificates),
    endpointList: { declared: main.endpoints.declared, kept: main.endpoints.items.length, ...(main.endpoints.error ? { error: main.endpoints.error } : {}) },
    certificates,
    certificateErrors,
    discovery,
    certificateBytes,
  };
}

/** GetEndpoints on listed servers' discovery URLs on the same host, one connection at a time. */
async function contactListed(
  ctx: ProbeContext,
  target: Target,
  servers: RawApplication[],
  discovery: PassiveResult["discovery"],
  raw: { list: RawEndpoint[]; by: string }[],
  opts: PassiveOptions,
) {
  const seen = new Set<string>([`${target.host.toLowerCase()}:${target.port}`]);
  const targetAddrs = await addresses(target.host, ctx.timeoutMs);
  let lookups = 0;
  for (const url of servers.flatMap((s) => s.discoveryUrls)) {
    if (discovery.contacted.length >= DISCOVERY_LIMITS.contacted + 8) break;
    const u = parseOpcUrl(url);
    if (!u) {
      discovery.contacted.push({ url, status: "skipped", reason: "not an opc.tcp URL this client speaks" });
      continue;
    }
    // a server naming itself by a loopback name means the device itself
    const host = LOOPBACK.test(u.host) ? target.host : u.host;
    const key = `${host.toLowerCase()}:${u.port}`;
    if (seen.has(key)) continue;
    seen.add(key);
    let same = host.toLowerCase() === target.host.toLowerCase();
    if (!same && lookups < DISCOVERY_LIMITS.hostLookups) {
      lookups++;
      const a = await addresses(host, Math.min(ctx.timeoutMs, Math.max(1, opts.budget.remaining())));
      same = [...a].some((x) => targetAddrs.has(x));
    }
    if (!same) {
      discovery.contacted.push({ url, status: "skipped", reason: "another host: not contacted (name it as a target to audit it)" });
      continue;
    }
    if (discovery.contacted.filter((c) => c.status !== "skipped").length >= DISCOVERY_LIMITS.contacted || opts.budget.expired) {
      discovery.contacted.push({ url, status: "skipped", reason: "discovery limit or time budget reached" });
      continue;
    }
    ctx.log.info({ action: "GetEndpoints(listed server)", safety: "passive", endpoint: url }, "listing a server FindServers named");
    try {
      const r = await listTarget({ host, port: u.port, url }, opts, false);
      raw.push({ list: r.endpoints.items, by: url });
      discovery.contacted.push({ url, status: "ok", reason: r.endpoints.error ?? "listed", endpoints: r.endpoints.items.length });
    } catch (e) {
      discovery.contacted.push({ url, status: "error", reason: String((e as Error).message) });
    }
  }
}

/** Endpoint facts with each distinct server certificate parsed once (at most DISCOVERY_LIMITS.certificates). */
async function endpointFacts(raw: { list: RawEndpoint[]; by: string }[]) {
  const certificates: CertificateFacts[] = [];
  const certificateErrors: { sha256: string; error: string }[] = [];
  const endpoints: EndpointFacts[] = [];
  const certificateBytes = new Map<string, Buffer>();
  for (const { list, by } of raw) {
    for (const r of list) {
      let sha: string | null = null;
      if (r.serverCertificate && r.serverCertificate.length > 0) {
        try {
          sha = sha256Hex(r.serverCertificate.subarray(0, firstDerLength(r.serverCertificate)));
        } catch {
          sha = sha256Hex(r.serverCertificate);
        }
        if (!certificateBytes.has(sha) && certificateBytes.size < DISCOVERY_LIMITS.certificates) certificateBytes.set(sha, r.serverCertificate);
        if (!certificates.some((c) => c.sha256 === sha) && !certificateErrors.some((c) => c.sha256 === sha)) {
          if (certificates.length + certificateErrors.length >= DISCOVERY_LIMITS.certificates)
            certificateErrors.push({ sha256: sha, error: "not parsed: too many distinct certificates" });
          else {
            try {
              certificates.push(await parseCertificate(r.serverCertificate));
            } catch (e) {
              certificateErrors.push({ sha256: sha, error: String((e as Error).message).slice(0, 200) });
            }
          }
        }
      }
      endpoints.push(toEndpointFacts(r, sha, by));
    }
  }
  return { endpoints, certificates, certificateErrors, certificateBytes };
}
