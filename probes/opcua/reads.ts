// Read-only reads in a session (node-opcua, loaded by session.ts): ServerStatus with BuildInfo and
// the server's clock (against ours, for clock skew: element 2), Server.Auditing, the NamespaceArray,
// ServerCapabilities.ServerProfileArray (role-based access profiles) and the server diagnostics
// counters (rejected sessions and requests). One Read request (OPC 10000-4 §5.10.2); every value is
// checked for a Good status and its type; device strings are kept as received, bounded in length.
import { opcua, withTimeout, type Session, type SessionRunOptions } from "./session.js";

/** Well-known NodeIds (OPC 10000-5 / NodeIds.csv, namespace 0). */
export const SERVER_NODES = {
  ServerStatus: "i=2256",
  Auditing: "i=2994",
  NamespaceArray: "i=2255",
  ServerProfileArray: "i=2269",
  DiagnosticsEnabledFlag: "i=2294",
  ServerDiagnosticsSummary: "i=2275",
} as const;

/** ServerDiagnosticsSummaryDataType fields (OPC 10000-5 §12.9), in its order. */
const COUNTERS = [
  "serverViewCount",
  "currentSessionCount",
  "cumulatedSessionCount",
  "securityRejectedSessionCount",
  "rejectedSessionCount",
  "sessionTimeoutCount",
  "sessionAbortCount",
  "currentSubscriptionCount",
  "cumulatedSubscriptionCount",
  "publishingIntervalCount",
  "securityRejectedRequestsCount",
  "rejectedRequestsCount",
] as const;

const MAX_TEXT = 1024;
const text = (x: unknown) => (typeof x === "string" && x.length ? x.slice(0, MAX_TEXT) : undefined);
const iso = (x: unknown) => (x instanceof Date && !Number.isNaN(x.getTime()) ? x.toISOString() : undefined);
const strings = (x: unknown, max: number) => (Array.isArray(x) ? x.slice(0, max).map((v) => String(v).slice(0, MAX_TEXT)) : undefined);

export interface ServerInfoRead {
  manufacturerName?: string;
  productName?: string;
  productUri?: string;
  softwareVersion?: string;
  buildNumber?: string;
  serverState?: string;
  currentTime?: string;
  startTime?: string;
  localTimeBefore: string;
  localTimeAfter: string;
  auditing?: boolean;
  auditingOk: boolean;
  namespaces?: string[];
  serverProfiles?: string[];
  serverProfilesOk: boolean;
  diagnostics?: { enabled?: boolean; counters: Record<string, number> };
  diagnosticsOk: boolean;
  errors: string[];
}

export async function readServerInfo(session: Session, opts: SessionRunOptions): Promise<ServerInfoRead> {
  const nodes = [
    SERVER_NODES.ServerStatus,
    SERVER_NODES.Auditing,
    SERVER_NODES.NamespaceArray,
    SERVER_NODES.ServerProfileArray,
    SERVER_NODES.DiagnosticsEnabledFlag,
    SERVER_NODES.ServerDiagnosticsSummary,
  ];
  const localTimeBefore = new Date().toISOString();
  const values = await withTimeout(
    session.read(nodes.map((nodeId) => ({ nodeId, attributeId: opcua.AttributeIds.Value }))),
    opts.timeoutMs,
    "Read server information",
    opts.signal,
  );
  const localTimeAfter = new Date().toISOString();
  const out: ServerInfoRead = { localTimeBefore, localTimeAfter, auditingOk: false, serverProfilesOk: false, diagnosticsOk: false, errors: [] };
  const [status, auditing, namespaces, profiles, enabled, summary] = values;
  const bad = (what: string, dv: (typeof values)[number] | undefined) => out.errors.push(`${what}: ${dv?.statusCode.name ?? "no value"}`);
  if (status?.statusCode.isGood() && status.value.value && typeof status.value.value === "object") {
    const v = status.value.value as { state?: number; buildInfo?: Record<string, unknown>; currentTime?: unknown; startTime?: unknown };
    const b = v.buildInfo ?? {};
    Object.assign(out, {
      manufacturerName: text(b.manufacturerName),
      productName: text(b.productName),
      productUri: text(b.productUri),
      softwareVersion: text(b.softwareVersion),
      buildNumber: text(b.buildNumber),
      serverState: typeof v.state === "number" ? (opcua.ServerState[v.state] ?? String(v.state)) : undefined,
      currentTime: iso(v.currentTime),
      startTime: iso(v.startTime),
    });
  } else bad("ServerStatus", status);
  if (auditing?.statusCode.isGood() && typeof auditing.value.value === "boolean") {
    out.auditing = auditing.value.value;
    out.auditingOk = true;
  } else bad("Server.Auditing", auditing);
  if (namespaces?.statusCode.isGood()) out.namespaces = strings(namespaces.value.value, 100);
  if (profiles?.statusCode.isGood() && Array.isArray(profiles.value.value)) {
    out.serverProfiles = strings(profiles.value.value, 64);
    out.serverProfilesOk = true;
  } else bad("ServerProfileArray", profiles);
  if (summary?.statusCode.isGood() && summary.value.value && typeof summary.value.value === "object") {
    const s = summary.value.value as Record<string, unknown>;
    const counters = Object.fromEntries(COUNTERS.filter((k) => typeof s[k] === "number").map((k) => [k, s[k] as number]));
    out.diagnostics = { counters, ...(enabled?.statusCode.isGood() && typeof enabled.value.value === "boolean" ? { enabled: enabled.value.value } : {}) };
    out.diagnosticsOk = true;
  } else bad("ServerDiagnosticsSummary", summary);
  return out;
}
