// Session-level OPC UA checks with node-opcua-client (imported lazily by probe.ts, only when a
// session check runs): anonymous session, read-only reads (ServerStatus/BuildInfo, Server.Auditing,
// NamespaceArray), a bounded browse reading UserAccessLevel, the unknown-client-certificate trust
// test, credentialed and default-credential sessions. Never Write, Call or any state-changing
// service. The client PKI lives in a fresh temp folder (never ~/.config) and is deleted after.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Logger } from "pino";
import { importSkippingPkcs1Diagnostic, routeNodeOpcuaLogs } from "./load-node-opcua.js";
import type { ClientSession, OPCUAClient as OPCUAClientType } from "node-opcua-client";
import type { EndpointFacts, SecurityMode, VariableRef } from "./facts.js";

// node-opcua writes its warnings to the console; route them to our (scrubbed) logger instead.
let currentLog: Logger | undefined;
const toLog = (level: "debug" | "warn" | "error") => (...args: unknown[]) => currentLog?.[level]({ source: "node-opcua" }, args.map(String).join(" ").slice(0, 500));
routeNodeOpcuaLogs(toLog("debug"));

type NodeOpcuaClient = typeof import("node-opcua-client");
type CertificateManager = import("node-opcua-certificate-manager").OPCUACertificateManager;
/** node-opcua-client, loaded by ClientApp.create() (while the client PKI initialises) */
let opcua: NodeOpcuaClient;
type Client = OPCUAClientType;
type Session = ClientSession;

/** Bits of AccessLevelType (OPC 10000-3 §8.57): CurrentWrite = 0x02. */
const CURRENT_WRITE = 0x02;
/** Well-known NodeIds (OPC 10000-5 / NodeIds.csv, namespace 0). */
const NODE = { ObjectsFolder: "i=85", NamespaceArray: "i=2255", ServerStatus: "i=2256", Auditing: "i=2994" } as const;

export interface SessionRunOptions {
  timeoutMs: number;
  signal: AbortSignal;
  log: Logger;
}

export class TimeoutError extends Error {
  override name = "TimeoutError";
}

export function withTimeout<T>(p: Promise<T>, ms: number, what: string, signal?: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new TimeoutError(`${what} timed out after ${ms} ms`)), ms);
    const onAbort = () => reject(new TimeoutError(`${what} aborted`));
    signal?.addEventListener("abort", onAbort, { once: true });
    p.then(
      (v) => { clearTimeout(timer); signal?.removeEventListener("abort", onAbort); resolve(v); },
      (e) => { clearTimeout(timer); signal?.removeEventListener("abort", onAbort); reject(e); },
    );
  });
}

const modeEnum: Record<SecurityMode, number> = { Invalid: 0, None: 1, Sign: 2, SignAndEncrypt: 3 }; // MessageSecurityMode, Part 4 §7.20

/**
 * The otaudit client application: by default a fresh self-signed certificate in a temp PKI (so
 * the trust test uses a certificate the server has never seen), removed by dispose(). With a
 * persistent folder (--opcua-client-pki), a stable certificate the operator can trust on the
 * server once, for session checks; that folder is kept.
 */
export class ClientApp {
  private constructor(
    readonly folder: string,
    readonly certificateManager: CertificateManager,
    readonly applicationUri: string,
    private readonly persistent: boolean,
    private readonly opts: SessionRunOptions,
  ) {}

  static async create(opts: SessionRunOptions, persistentFolder?: string): Promise<ClientApp> {
    currentLog = opts.log;
    const folder = persistentFolder ?? (await mkdtemp(join(tmpdir(), "otaudit-opcua-client-")));
    const rootFolder = persistentFolder ?? join(folder, "pki");
    const applicationUri = persistentFolder ? "urn:otaudit:client" : `urn:otaudit:client:${process.pid}:${Date.now()}`;
    const { OPCUACertificateManager } = await import("node-opcua-certificate-manager");
    // We audit, we do not trust: the client accepts whatever server certificate it is shown.
    const certificateManager = new OPCUACertificateManager({ rootFolder, automaticallyAcceptUnknownCertificate: true, disableFileWatchers: true, keySize: 2048 });
    // the private key is generated off the main thread while node-opcua-client loads
    const initialised = withTimeout(certificateManager.initialize(), Math.max(opts.timeoutMs, 5000), "client PKI initialisation");
    initialised.catch(() => undefined);
    opcua ??= await importSkippingPkcs1Diagnostic(() => import("node-opcua-client"));
    try {
      await initialised;
    } catch (e) {
      if (!persistentFolder) await rm(folder, { recursive: true, force: true });
      throw e;
    }
    return new ClientApp(folder, certificateManager, applicationUri, !!persistentFolder, opts);
  }

  /** Open a secure channel to `endpoint` (one TCP connection at a time; no retries). */
  async connect(endpoint: EndpointFacts): Promise<Client> {
    const client = opcua.OPCUAClient.create({
      applicationName: "otaudit",
      applicationUri: this.applicationUri,
      clientName: "otaudit",
      securityMode: modeEnum[endpoint.securityMode],
      securityPolicy: endpoint.securityPolicyUri,
      endpointMustExist: false,
      keepSessionAlive: false,
      connectionStrategy: { maxRetry: 0, initialDelay: 10, maxDelay: 20 },
      transportTimeout: this.opts.timeoutMs,
      defaultTransactionTimeout: this.opts.timeoutMs,
      requestedSessionTimeout: Math.max(10_000, this.opts.timeoutMs * 4),
      clientCertificateManager: this.certificateManager,
    });
    try {
      await withTimeout(client.connect(endpoint.endpointUrl), this.opts.timeoutMs * 2, `connect to ${endpoint.endpointUrl}`, this.opts.signal);
    } catch (e) {
      await safeDisconnect(client, this.opts.timeoutMs);
      throw e;
    }
    return client;
  }

  async dispose(): Promise<void> {
    await this.certificateManager.dispose().catch(() => undefined);
    if (!this.persistent) await rm(this.folder, { recursive: true, force: true });
  }
}

export async function safeDisconnect(client: Client, timeoutMs: number): Promise<void> {
  await withTimeout(client.disconnect(), timeoutMs, "disconnect").catch(() => undefined);
}

export async function safeCloseSession(session: Session, timeoutMs: number): Promise<void> {
  await withTimeout(session.close(true), timeoutMs, "CloseSession").catch(() => undefined);
}

export type Identity = { kind: "anonymous" } | { kind: "username"; username: string; password: string };

/** CreateSession + ActivateSession (OPC 10000-4 §5.6.2, §5.6.3). Throws on rejection. */
export async function openSession(client: Client, identity: Identity, opts: SessionRunOptions): Promise<Session> {
  const info = identity.kind === "anonymous" ? { type: opcua.UserTokenType.Anonymous } : { type: opcua.UserTokenType.UserName, userName: identity.username, password: identity.password };
  return withTimeout<Session>(client.createSession(info as never), opts.timeoutMs * 2, "CreateSession/ActivateSession", opts.signal);
}

export interface ServerInfoRead {
  manufacturerName?: string;
  productName?: string;
  productUri?: string;
  softwareVersion?: string;
  buildNumber?: string;
  serverState?: string;
  auditing?: boolean;
  auditingOk: boolean;
  namespaces?: string[];
  errors: string[];
}

/** Read ServerStatus (with BuildInfo), Server.Auditing and the NamespaceArray in one Read (Part 4 §5.10.2). */
export async function readServerInfo(session: Session, opts: SessionRunOptions): Promise<ServerInfoRead> {
  const values = await withTimeout(
    session.read([NODE.ServerStatus, NODE.Auditing, NODE.NamespaceArray].map((nodeId) => ({ nodeId, attributeId: opcua.AttributeIds.Value }))),
    opts.timeoutMs,
    "Read server information",
    opts.signal,
  );
  const out: ServerInfoRead = { auditingOk: false, errors: [] };
  const [status, auditing, namespaces] = values;
  if (status?.statusCode.isGood()) {
    const v = status.value.value as { state?: number; buildInfo?: Record<string, unknown> } | null;
    const b = v?.buildInfo ?? {};
    const str = (x: unknown) => (typeof x === "string" && x.length ? x : undefined);
    Object.assign(out, {
      manufacturerName: str(b.manufacturerName),
      productName: str(b.productName),
      productUri: str(b.productUri),
      softwareVersion: str(b.softwareVersion),
      buildNumber: str(b.buildNumber),
      serverState: v?.state !== undefined ? (opcua.ServerState[v.state] ?? String(v.state)) : undefined,
    });
  } else out.errors.push(`ServerStatus: ${status?.statusCode.name ?? "no value"}`);
  if (auditing?.statusCode.isGood() && typeof auditing.value.value === "boolean") {
    out.auditing = auditing.value.value;
    out.auditingOk = true;
  } else out.errors.push(`Server.Auditing: ${auditing?.statusCode.name ?? "no value"}`);
  if (namespaces?.statusCode.isGood() && Array.isArray(namespaces.value.value)) out.namespaces = (namespaces.value.value as string[]).slice(0, 100).map(String);
  return out;
}

export interface BrowseResultFacts {
  maxDepth: number;
  maxNodes: number;
  nodesVisited: number;
  variablesChecked: number;
  truncated: boolean;
  writable: VariableRef[];
}

const BROWSE_BATCH = 50;
const READ_BATCH = 200;

/**
 * Breadth-first Browse from the Objects folder over hierarchical references (Part 4 §5.8.2),
 * descending into Objects only, within depth and node limits, then Read of the *user* access level
 * of every Variable found (AttributeId 18, Part 3 §5.6.2). Read-only: nothing is written.
 */
export async function browseWritable(session: Session, limits: { maxDepth: number; maxNodes: number }, opts: SessionRunOptions): Promise<BrowseResultFacts> {
  const seen = new Set<string>([NODE.ObjectsFolder]);
  const variables: { nodeId: string; browseName: string }[] = [];
  let frontier: string[] = [NODE.ObjectsFolder];
  let truncated = false;
  for (let depth = 1; depth <= limits.maxDepth && frontier.length > 0 && !truncated; depth++) {
    const next: string[] = [];
    for (let i = 0; i < frontier.length && !truncated; i += BROWSE_BATCH) {
      const batch = frontier.slice(i, i + BROWSE_BATCH);
      const results = await withTimeout(
        session.browse(batch.map((nodeId) => ({ nodeId, browseDirection: opcua.BrowseDirection.Forward, referenceTypeId: "HierarchicalReferences", includeSubtypes: true, nodeClassMask: opcua.NodeClassMask.Object | opcua.NodeClassMask.Variable, resultMask: 0x3f }))),
        opts.timeoutMs,
        "Browse",
        opts.signal,
      );
      for (const r of results) {
        let refs = [...(r.references ?? [])];
        let cp = r.continuationPoint;
        let rounds = 0;
        while (cp && cp.length > 0 && seen.size + refs.length < limits.maxNodes && rounds++ < 20) {
          const more = await withTimeout(session.browseNext([cp], false), opts.timeoutMs, "BrowseNext", opts.signal);
          refs = refs.concat(more[0]?.references ?? []);
          cp = more[0]?.continuationPoint;
        }
        if (cp && cp.length > 0) {
          truncated = true;
          await withTimeout(session.browseNext([cp], true), opts.timeoutMs, "BrowseNext(release)", opts.signal).catch(() => undefined);
        }
        for (const ref of refs) {
          if (ref.nodeId.serverIndex) continue; // on another server: out of scope
          const id = ref.nodeId.toString();
          if (seen.has(id)) continue;
          if (seen.size >= limits.maxNodes) {
            truncated = true;
            break;
          }
          seen.add(id);
          if (ref.nodeClass === opcua.NodeClass.Variable) variables.push({ nodeId: id, browseName: ref.browseName.toString() });
          else next.push(id);
        }
      }
    }
    if (depth === limits.maxDepth && next.length > 0) truncated = true;
    frontier = next;
  }
  const writable: VariableRef[] = [];
  for (let i = 0; i < variables.length; i += READ_BATCH) {
    const batch = variables.slice(i, i + READ_BATCH);
    const values = await withTimeout(session.read(batch.map((v) => ({ nodeId: v.nodeId, attributeId: opcua.AttributeIds.UserAccessLevel }))), opts.timeoutMs, "Read UserAccessLevel", opts.signal);
    values.forEach((dv, j) => {
      const level = dv.statusCode.isGood() ? Number(dv.value.value) : 0;
      if (level & CURRENT_WRITE) writable.push({ ...batch[j]!, userAccessLevel: level });
    });
  }
  return { ...limits, nodesVisited: seen.size, variablesChecked: variables.length, truncated, writable };
}

/**
 * Did the server refuse (a Bad status code: untrusted certificate, rejected identity token...) or
 * did the attempt fail for another reason (timeout, reset, internal)? Only a refusal is a verdict.
 */
export function classifyFailure(e: unknown): "rejected" | "error" {
  if (e instanceof TimeoutError) return "error";
  const text = errorText(e);
  if (/time(d)?\s*out|timeout/i.test(text)) return "error";
  const codes = text.match(/\bBad[A-Z][A-Za-z]+\b/g) ?? [];
  // a busy, halted or failing server (BadTooManySessions, BadTcpServerTooBusy, BadServerHalted...)
  // has said nothing about our certificate or identity: that is "could not test", never a refusal
  if (codes.length === 0 || codes.some((c) => !REFUSAL_CODES.test(c))) return "error";
  return "rejected";
}

/**
 * Status codes that refuse the client's certificate, security settings or identity token
 * (OPC 10000-4 §7.38 / OPC 10000-6 Annex A StatusCodes.csv): only these are verdicts.
 */
const REFUSAL_CODES = /^Bad(UserAccessDenied|IdentityToken(Invalid|Rejected)|UserSignatureInvalid|ApplicationSignatureInvalid|SecurityChecksFailed|SecurityPolicyRejected|SecurityModeRejected|NoValidCertificates|RequestNotAllowed|Certificate[A-Za-z]+)$/;

/** Error message without secrets (node-opcua messages never carry the password; be sure anyway). */
export function errorText(e: unknown): string {
  return String((e as Error)?.message ?? e).replace(/\s+/g, " ").trim().slice(0, 400);
}
