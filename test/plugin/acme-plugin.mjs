// A protocol plugin that lives only under test/ (plugin contract v2, issue 15): the fictitious ACME
// control protocol, a line protocol on TCP. The device greets with
//   "ACME/1 model=<m> fw=<version> auth=<none|password|password+otp> key=<fingerprint>\n"
// and, with a bench credential, answers "LOGIN <user> <password>\n" with "OK\n" or "DENIED\n".
// Loaded with OTAUDIT_PLUGINS=<this file>, it gets, with no change to src/: a CLI option
// (--acme-greeting), a credentials entry (protocol: acme), discovery in `scan HOST` and `sweep`
// (its default port, a cleartext scheme), its rules in `otaudit rules` and SARIF, fleet signals
// and reports. Plain ESM JavaScript, so the compiled CLI can import it as it is. ACME_TEST_PORT sets
// the default port (tests listen on an ephemeral one).
import { connect } from "node:net";
import { z } from "zod";
// the contract's one typed failure, from the compiled core the CLI runs (same module instance)
import { ProbeFailure } from "../../dist/src/errors.js";

const PORT = Number(process.env.ACME_TEST_PORT ?? 20222);

/** @typedef {import("../../src/plugin.js").ProtocolPlugin} ProtocolPlugin */

const AcmeFacts = z.object({
  port: z.number().int(),
  banner: z.string(),
  model: z.string().optional(),
  firmware: z.string().optional(),
  auth: z.enum(["none", "password", "password+otp", "unknown"]),
  keyFingerprint: z.string().optional(),
  /** the --acme-greeting text the probe sent (proves ctx.options arrives) */
  greetingSent: z.string().optional(),
  /** bench login: user name and answer, never the password */
  login: z.object({ username: z.string(), result: z.enum(["ok", "denied", "no-answer"]) }).optional(),
});

const DOCS = "https://example.invalid/acme-protocol";

/** @type {ProtocolPlugin["rules"]} */
const rules = [
  {
    meta: {
      id: "acme.auth.required",
      title: "ACME access requires authentication",
      elements: [9],
      iec62443: ["CR 1.1"],
      severity: "high",
      safety: "passive",
      remediation: "Turn on authentication in the ACME service settings.",
      docs: DOCS,
    },
    check: ({ facts }) =>
      facts.auth === "none"
        ? { status: "fail", message: "the ACME service asks for no authentication", evidence: { auth: facts.auth, banner: facts.banner } }
        : facts.auth === "unknown"
          ? { status: "undetermined", reason: "unknown-value", message: "the banner names no known auth mode", evidence: { banner: facts.banner } }
          : { status: "pass", message: `authentication required (${facts.auth})`, evidence: { auth: facts.auth } },
  },
  {
    meta: {
      id: "acme.auth.mfa",
      title: "ACME remote access demands a second factor",
      elements: [9],
      iec62443: ["CR 1.1 RE 2"],
      severity: "medium",
      safety: "passive",
      remediation: "Enable the ACME one-time-password option.",
      docs: DOCS,
    },
    check: ({ facts }) =>
      facts.auth === "password+otp"
        ? { status: "pass", message: "a one-time password follows the password", evidence: { auth: facts.auth } }
        : { status: "fail", message: `single factor: ${facts.auth}`, evidence: { auth: facts.auth } },
  },
];

/** Read one line (bounded), or fail with the contract's codes. */
function readLine(sock, timeoutMs, signal) {
  return new Promise((resolve, reject) => {
    let buf = "";
    const done = (err, line) => {
      clearTimeout(timer);
      signal.removeEventListener("abort", onAbort);
      sock.off("data", onData);
      sock.off("error", onError);
      sock.off("end", onEnd);
      if (err) reject(err);
      else resolve(line);
    };
    const onData = (d) => {
      buf += d.toString("latin1");
      if (buf.length > 4096) done(new ProbeFailure("protocol", "line longer than 4096 bytes"));
      else if (buf.includes("\n")) done(undefined, buf.slice(0, buf.indexOf("\n")));
    };
    const onError = (e) => done(new ProbeFailure("protocol", e.message));
    const onEnd = () => done(new ProbeFailure("protocol", "closed before a full line"));
    const onAbort = () => done(new ProbeFailure("aborted", "aborted"));
    const timer = setTimeout(() => done(new ProbeFailure("timeout", `no line within ${timeoutMs} ms`)), timeoutMs);
    signal.addEventListener("abort", onAbort, { once: true });
    sock.on("data", onData);
    sock.on("error", onError);
    sock.on("end", onEnd);
  });
}

/** @type {ProtocolPlugin["probe"]} */
async function probe(ctx) {
  const ep = ctx.endpoints[0];
  ctx.log.info({ action: "acme.banner", safety: "passive", endpoint: ep.url }, "read the ACME banner");
  const sock = connect({ host: ep.host, port: ep.port });
  try {
    await new Promise((resolve, reject) => {
      const t = setTimeout(() => reject(new ProbeFailure("timeout", "connect timed out")), ctx.timeoutMs);
      sock.once("connect", () => (clearTimeout(t), resolve()));
      sock.once(
        "error",
        (e) => (clearTimeout(t), reject(new ProbeFailure(e.code === "ECONNREFUSED" && !ep.explicit ? "absent" : "unreachable", `${ep.url}: ${e.message}`))),
      );
    });
    const banner = await readLine(sock, ctx.timeoutMs, ctx.signal);
    const field = (k) => new RegExp(`\\b${k}=(\\S+)`).exec(banner)?.[1];
    const auth = field("auth");
    /** @type {z.infer<typeof AcmeFacts>} */
    const facts = {
      port: ep.port,
      banner,
      model: field("model"),
      firmware: field("fw"),
      auth: ["none", "password", "password+otp"].includes(auth) ? auth : "unknown",
      keyFingerprint: field("key"),
    };
    ctx.checkpoint(facts);
    const greeting = ctx.options["acme.greeting"];
    if (greeting) {
      sock.write(`HELLO ${greeting}\n`);
      facts.greetingSent = greeting;
    }
    const cred = ctx.credentials.find((c) => c.protocol === "acme");
    if (cred) {
      ctx.assertAllowed(CHECKS[1]);
      sock.write(`LOGIN ${cred.username} ${cred.password}\n`);
      const answer = await readLine(sock, ctx.timeoutMs, ctx.signal).catch(() => "");
      facts.login = { username: String(cred.username), result: answer === "OK" ? "ok" : answer === "DENIED" ? "denied" : "no-answer" };
    }
    sock.write("BYE\n");
    await new Promise((r) => sock.end(r));
    return facts;
  } finally {
    sock.destroy();
  }
}

const CHECKS = [
  { id: "acme.banner", safety: "passive", description: "read the ACME banner line" },
  { id: "acme.login", safety: "read", description: "log in with the bench credential from --credentials (protocol: acme)" },
];

/** @type {ProtocolPlugin} */
const plugin = {
  id: "acme",
  title: "ACME Control Protocol",
  schemes: ["acme"],
  transport: "tcp",
  defaultPorts: [{ scheme: "acme", port: PORT }],
  version: "1.0.0",
  factsSchema: AcmeFacts,
  checks: CHECKS,
  rules,
  probe,
  options: [
    {
      name: "greeting",
      valueName: "text",
      description: "a word the ACME probe sends after the banner (test option)",
      schema: z.string().regex(/^[A-Za-z]+$/, "letters only"),
    },
  ],
  credentials: { kinds: ["acme"], fields: { username: z.string().min(1), password: z.string() }, secrets: ["password"] },
  discovery: { cleartextSchemes: ["acme"] },
  signals: (facts) => ({
    remoteAccess: [
      {
        scheme: "acme",
        port: facts.port,
        factors: facts.auth === "none" ? "none" : facts.auth === "password" ? "single-factor" : "unknown",
        detail: `auth=${facts.auth}`,
      },
    ],
    cleartext: [{ scheme: "acme", port: facts.port, carries: "credentials", detail: "ACME sends its LOGIN line in clear" }],
    keys: facts.keyFingerprint ? [{ kind: "host-key", fingerprint: facts.keyFingerprint, scheme: "acme", port: facts.port, label: "ACME device key" }] : [],
  }),
  identify: (facts) =>
    facts.model ? [{ vendor: "ACME", product: facts.model, version: facts.firmware, source: "acme banner", raw: facts.banner, port: facts.port }] : [],
};

export default plugin;
