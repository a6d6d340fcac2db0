// Test plumbing for the tls and http plugins: audit URLs as one device through the engine (facts
// validated, rules applied as in a scan), and a scripted TLS peer that answers each ClientHello by
// what it offers (built on test/tls/wire/server-messages.ts).
import type { CredentialEntry } from "../../src/config/credentials.js";
import { auditDevice, type AuditOptions } from "../../src/engine/audit.js";
import { parseTargetStrings } from "../../src/engine/targets.js";
import { silentLogger } from "../../src/log.js";
import type { DeviceResult, Finding } from "../../src/model/result.js";
import type { ProtocolPlugin } from "../../src/plugin.js";
import httpPlugin from "../../probes/http/index.js";
import tlsPlugin from "../../probes/tls/index.js";
import { parseClientHello, type ParsedClientHello } from "../../probes/tls/wire/hello.js";
import { scriptedPeer, type PeerStep } from "./wire/server-messages.js";

export interface AuditRun {
  result: DeviceResult;
  findings(ruleId: string): Finding[];
  statuses(ruleId: string): string[];
}

export async function audit(
  urls: string[],
  o: {
    timeoutMs?: number;
    intrusive?: boolean;
    credentials?: CredentialEntry[];
    options?: Record<string, string | undefined>;
    plugins?: ProtocolPlugin[];
  } = {},
): Promise<AuditRun> {
  const plugins = o.plugins ?? [tlsPlugin, httpPlugin];
  const [device] = parseTargetStrings(urls, plugins);
  const opts: AuditOptions = {
    plugins,
    timeoutMs: o.timeoutMs ?? 3000,
    concurrency: 1,
    intrusive: o.intrusive ?? false,
    credentials: o.credentials ?? [],
    failOn: "high",
    log: silentLogger(),
    pluginOptions: { ...o.options },
  };
  const result = await auditDevice({ ...device!, address: device!.host }, opts);
  const findings = (id: string) => result.findings.filter((f) => f.ruleId === id);
  return { result, findings, statuses: (id) => findings(id).map((f) => f.status) };
}

/** A TCP peer that parses each connection's first bytes as a ClientHello and plays the script for it. */
export function tlsPeer(script: (hello: ParsedClientHello | undefined, i: number) => PeerStep[]) {
  return scriptedPeer((i, first) => {
    let h: ParsedClientHello | undefined;
    try {
      // record header (5) + handshake header (4), one record assumed (our hellos fit one)
      h = parseClientHello(first.subarray(9));
    } catch {
      h = undefined;
    }
    return script(h, i);
  });
}

/** The version a hello asks for: TLS 1.3 when supported_versions offers it, else the legacy field. */
export const offeredVersion = (h: ParsedClientHello | undefined) => (h?.supportedVersions?.includes(0x0304) ? 0x0304 : (h?.version ?? 0));
