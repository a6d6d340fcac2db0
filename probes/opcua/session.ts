// Session-level OPC UA with node-opcua-client (imported lazily, only when a session check runs):
// the client application and its PKI (a fresh temp folder, or the operator's persistent one; never
// ~/.config), secure channels with bounded transport settings, sessions (anonymous, user name,
// X.509 user certificate) and the classification of failures. A password leaves this process only
// through openSession() with a PasswordPlan, and the last check on the token node-opcua built
// (security.ts refusePassword) runs before the ActivateSession request is sent.
import { generateKeyPair } from "node:crypto";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { connect as tcpConnect, isIP } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import type { Logger } from "pino";
import { importSkippingPkcs1Diagnostic, requireNodeOpcua, routeNodeOpcuaLogs } from "./load-node-opcua.js";
import type { ClientSession, OPCUAClient as OPCUAClientType } from "node-opcua-client";
import type { EndpointFacts, SecurityMode } from "./facts.js";
import { refusePassword, type PasswordPlan } from "./security.js";

// node-opcua writes its warnings to the console; route them to our (scrubbed) logger instead.
let currentLog: Logger | undefined;
const toLog =
  (level: "debug" | "warn" | "error") =>
  (...args: unknown[]) =>
    currentLog?.[level]({ source: "node-opcua" }, args.map(String).join(" ").slice(0, 500));
routeNodeOpcuaLogs(toLog("debug"));

type NodeOpcuaClient = typeof import("node-opcua-client");
type CertificateManager = import("node-opcua-certificate-manager").OPCUACertificateManager;
/** node-opcua-client, loaded by ClientApp.create() (while the client PKI initialises) */
export let opcua: NodeOpcuaClient;
export type Client = OPCUAClientType;
export type Session = ClientSession;

/** What node-opcua may receive per message on our sessions (bounded memory against a hostile server). */
const TRANSPORT = { maxMessageSize: 4 * 1024 * 1024, maxChunkCount: 64, receiveBufferSize: 65_536, sendBufferSize: 65_536 } as const;

export interface SessionRunOptions {
  timeoutMs: number;
  signal: AbortSignal;
  log: Logger;
}

export class TimeoutError extends Error {
  override name = "TimeoutError";
}

/** The password was not sent: the guard found it would not be protected. Never a refusal by the server. */
export class PasswordNotSentError extends Error {
  override name = "PasswordNotSentError";
}

export function withTimeout<T>(p: Promise<T>, ms: number, what: string, signal?: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    // an abort event never fires for a signal that is already aborted: check it first
    if (signal?.aborted) return reject(new TimeoutError(`${what} aborted`));
    const timer = setTimeout(() => reject(new TimeoutError(`${what} timed out after ${ms} ms`)), ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(new TimeoutError(`${what} aborted`));
    };
    signal?.addEventListener("abort", onAbort, { once: true });
    p.then(
      (v) => {
        clearTimeout(timer);
        signal?.removeEventListener("abort", onAbort);
        resolve(v);
      },
      (e) => {
        clearTimeout(timer);
        signal?.removeEventListener("abort", onAbort);
        reject(e);
      },
    );
  });
}

const modeEnum: Record<SecurityMode, number> = { Invalid: 0, None: 1, Sign: 2, SignAndEncrypt: 3 }; // MessageSecurityMode, Part 4 §7.20
const channelMode = (n: number) => ["Invalid", "None", "Sign", "SignAndEncrypt"][n] ?? `mode ${n}`;

/**
 * The otaudit client application: by default a fresh self-signed certificate in a temp PKI (so
 * the trust test uses a certificate the server has never seen), removed by dispose(). With a
 * persistent folder (--opcua-client-pki), a stable certificate the operator can trust on the
 * server once, for session checks; that folder is kept.
 */
export class ClientApp {
  /** server certificates as listed by GetEndpoints (DER, chain included), by sha256 of the first */
  serverCertificates = new Map<string, Buffer>();

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
    // A fresh PKI's RSA key is generated in the thread pool while node-opcua loads on this thread
    // (~0.4 s each); the certificate manager uses the key it finds and generates none.
    const keyReady = persistentFolder ? undefined : writeFreshClientKey(rootFolder);
    keyReady?.catch(() => undefined); // on failure the certificate manager generates its own key
    const { OPCUACertificateManager } = requireNodeOpcua<typeof import("node-opcua-certificate-manager")>("node-opcua-certificate-manager");
    await keyReady?.catch(() => undefined);
    // We audit, we do not trust: the client accepts whatever server certificate it is shown.
    const certificateManager = new OPCUACertificateManager({
      rootFolder,
      automaticallyAcceptUnknownCertificate: true,
      disableFileWatchers: true,
      keySize: 2048,
    });
    const initialised = withTimeout(certificateManager.initialize(), Math.max(opts.timeoutMs, 5000), "client PKI initialisation");
    initialised.catch(() => undefined);
    opcua ??= await importSkippingPkcs1Diagnostic(async () => requireNodeOpcua<NodeOpcuaClient>("node-opcua-client"));
    try {
      await initialised;
    } catch (e) {
      if (!persistentFolder) await rm(folder, { recursive: true, force: true });
      throw e;
    }
    return new ClientApp(folder, certificateManager, applicationUri, !!persistentFolder, opts);
  }

  /**
   * Open a secure channel to `endpoint` (one TCP connection at a time; no retries). The TCP
   * connection is ours (dialTransport): node-opcua would hand the bracketed IPv6 host of the URL to
   * the resolver. The server certificate the probe listed is given up front, so node-opcua opens no
   * extra connection to fetch it and encrypts with the very certificate the probe judged.
   */
  async connect(endpoint: EndpointFacts): Promise<Client> {
    const serverCertificate = endpoint.certificateSha256 ? this.serverCertificates.get(endpoint.certificateSha256) : undefined;
    const client = opcua.OPCUAClient.create({
      transportFactory: await dialTransport(endpoint.endpointUrl, this.opts),
      ...(serverCertificate ? { serverCertificate } : {}),
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
      transportSettings: { ...TRANSPORT },
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

/** host (bare, no brackets) and port of an opc.tcp URL */
export function urlAddress(url: string): { host: string; port: number } {
  const m = /^opc\.tcp:\/\/(\[[^\]]+\]|[^:/[\]]+)(?::(\d{1,5}))?/i.exec(url);
  if (!m) throw new Error(`not an opc.tcp URL: ${url}`);
  return { host: m[1]!.replace(/^\[|\]$/g, ""), port: m[2] ? Number(m[2]) : 4840 };
}

/** node-opcua-pki's own key file of a PKI folder (CertificateManager.privateKey, node-opcua-pki 2.x). */
export const PKI_PRIVATE_KEY = join("own", "private", "private_key.pem");

/**
 * An RSA 2048 key for a fresh client PKI, written where node-opcua-pki looks for it: PKCS#8 PEM,
 * mode 0600 in a 0700 folder, as its own generatePrivateKeyFile writes it. Never overwrites ("wx").
 */
async function writeFreshClientKey(rootFolder: string): Promise<void> {
  const pem = await new Promise<string>((resolve, reject) =>
    generateKeyPair(
      "rsa",
      { modulusLength: 2048, publicKeyEncoding: { type: "spki", format: "pem" }, privateKeyEncoding: { type: "pkcs8", format: "pem" } },
      (e, _publicKey, privateKey) => (e ? reject(e) : resolve(privateKey)),
    ),
  );
  const file = join(rootFolder, PKI_PRIVATE_KEY);
  await mkdir(dirname(file), { recursive: true, mode: 0o700 });
  await writeFile(file, pem, { mode: 0o600, flag: "wx" });
}

/**
 * A node-opcua transport factory whose connections we dial ourselves (bare host, the address family
 * of an IP literal, our timeout and abort), then hand over for Hello/Acknowledge: node-opcua's
 * adopt-a-connected-socket transport (its reverse-connect one, OPC 10000-6 §7.1.3) does the rest.
 */
async function dialTransport(endpointUrl: string, opts: SessionRunOptions) {
  const { makeReverseClientTransportFactory } = requireNodeOpcua<typeof import("node-opcua-transport")>("node-opcua-transport");
  const { host, port } = urlAddress(endpointUrl);
  return makeReverseClientTransportFactory(
    () =>
      new Promise((resolve, reject) => {
        const family = isIP(host);
        const socket = tcpConnect({ host, port, ...(family ? { family } : {}) });
        const done = (err?: Error) => {
          clearTimeout(timer);
          opts.signal.removeEventListener("abort", onAbort);
          socket.removeListener("error", done);
          if (err) {
            socket.destroy();
            reject(err);
          } else {
            socket.on("error", () => undefined); // node-opcua installs its own handlers on adoption
            resolve({ socket: socket as never, serverUri: "", endpointUrl });
          }
        };
        const onAbort = () => done(new TimeoutError(`connect to ${endpointUrl} aborted`));
        const timer = setTimeout(() => done(new TimeoutError(`TCP connect to ${endpointUrl} timed out after ${opts.timeoutMs} ms`)), opts.timeoutMs);
        opts.signal.addEventListener("abort", onAbort, { once: true });
        socket.once("error", done);
        socket.once("connect", () => done());
      }),
  );
}

export async function safeDisconnect(client: Client, timeoutMs: number): Promise<void> {
  await withTimeout(client.disconnect(), timeoutMs, "disconnect").catch(() => undefined);
}

export async function safeCloseSession(session: Session, timeoutMs: number): Promise<void> {
  await withTimeout(session.close(true), timeoutMs, "CloseSession").catch(() => undefined);
}

export type Identity =
  | { kind: "anonymous" }
  | { kind: "username"; username: string; password: string; plan: PasswordPlan }
  | { kind: "certificate"; certificate: Buffer; privateKeyPem: string };

type TokenCallback = (err: Error | null, data?: { userIdentityToken?: unknown }) => void;
type TokenBuilder = (context: { endpoint: object; securityPolicy: string; serverCertificate: Buffer | null }, info: unknown, cb: TokenCallback) => void;

/**
 * Route node-opcua's identity-token construction through the password guard: node-opcua sees only
 * the planned token policy, and the token it built is checked (refusePassword) before it can be
 * put into the ActivateSession request (OPC 10000-4 §5.6.3, §7.36.3).
 */
function guardPasswords(client: Client, identity: Extract<Identity, { kind: "username" }>): void {
  const inner = client as unknown as { createUserIdentityToken: TokenBuilder; securityMode: number; _secureChannel?: { securityMode?: number } };
  const original = inner.createUserIdentityToken.bind(client);
  inner.createUserIdentityToken = (context, info, cb) => {
    const ep = context.endpoint as { userIdentityTokens?: { policyId?: string | null; tokenType: number }[] };
    const only = (ep.userIdentityTokens ?? []).filter((t) => t.tokenType === opcua.UserTokenType.UserName && t.policyId === identity.plan.policyId);
    if (only.length !== 1)
      return cb(
        new PasswordNotSentError(
          `password not sent: the endpoint the client resolved does not offer user token policy ${JSON.stringify(identity.plan.policyId)} exactly once`,
        ),
      );
    const endpoint = Object.assign(Object.create(Object.getPrototypeOf(ep)), ep, { userIdentityTokens: only });
    original({ ...context, endpoint }, info, (err, data) => {
      if (err || !data) return cb(err, data);
      const t = data.userIdentityToken as { policyId?: string; encryptionAlgorithm?: string | null; password?: Buffer | null } | undefined;
      const why = refusePassword(
        identity.plan,
        { policyId: t?.policyId ?? "", encryptionAlgorithm: t?.encryptionAlgorithm ?? null, password: t?.password ?? null },
        { mode: channelMode(inner._secureChannel?.securityMode ?? inner.securityMode), policyUri: String(context.securityPolicy) },
        context.serverCertificate,
        Buffer.byteLength(identity.password, "utf8"),
      );
      if (why) return cb(new PasswordNotSentError(`password not sent: ${why}`));
      cb(null, data);
    });
  };
}

/** CreateSession + ActivateSession (OPC 10000-4 §5.6.2, §5.6.3). Throws on rejection. */
export async function openSession(client: Client, identity: Identity, opts: SessionRunOptions): Promise<Session> {
  let info: unknown;
  if (identity.kind === "anonymous") info = { type: opcua.UserTokenType.Anonymous };
  else if (identity.kind === "certificate")
    info = { type: opcua.UserTokenType.Certificate, certificateData: identity.certificate, privateKey: identity.privateKeyPem };
  else {
    guardPasswords(client, identity);
    info = { type: opcua.UserTokenType.UserName, userName: identity.username, password: identity.password };
  }
  return withTimeout<Session>(client.createSession(info as never), opts.timeoutMs * 2, "CreateSession/ActivateSession", opts.signal);
}

/**
 * Did the server refuse (a Bad status code: untrusted certificate, rejected identity token...) or
 * did the attempt fail for another reason (timeout, reset, internal)? Only a refusal is a verdict.
 */
export function classifyFailure(e: unknown): "rejected" | "error" {
  if (e instanceof TimeoutError || e instanceof PasswordNotSentError) return "error";
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
const REFUSAL_CODES =
  /^Bad(UserAccessDenied|IdentityToken(Invalid|Rejected)|UserSignatureInvalid|ApplicationSignatureInvalid|SecurityChecksFailed|SecurityPolicyRejected|SecurityModeRejected|NoValidCertificates|RequestNotAllowed|Certificate[A-Za-z]+)$/;

/** Error message without secrets (node-opcua messages never carry the password; be sure anyway). */
export function errorText(e: unknown): string {
  return String((e as Error)?.message ?? e)
    .replace(/\s+/g, " ")
    .trim()
    .slice(0, 400);
}
