// DNP3 probe (network I/O only; loaded lazily by index.ts). One TCP connection to the outstation
// (default port 20000, IEEE 1815-2012 Annex? "DNP3 over IP" / IEEE 1815 §A.? TCP 20000). Phases, each
// with a checkpoint: (1) REQUEST_LINK_STATUS to each planned outstation address until one answers;
// (2) one READ of the identity attributes (group 0) and (3) one READ of g0v209 (Secure Authentication
// version). Why this is safe on fragile outstations: a link status request is the lightest frame of
// the protocol (no user data, no state); a READ of group 0 returns a few short strings from the
// device's configuration (no process data, no event buffers: nothing the real master could miss).
// Not sent, on purpose: a class 0 read (the whole static image: many fragments on a large RTU, for no
// security fact), application confirms (confirming an unsolicited or event response would make the
// outstation drop events its real master has not received), link resets, writes, operates, restarts,
// time sets, file operations, and any broadcast address. nmap's dnp3-info sends link status and
// READs too; we differ by sending no request whose answer could be large and no confirm.
import type { ProbeContext } from "../../src/plugin.js";
import { ProbeFailure } from "../../src/errors.js";
import { Connection, Deadline, NetError } from "../../src/net/index.js";
import {
  ATTRIBUTE_NAMES,
  FC,
  IDENTITY_VARIATIONS,
  SA_VERSION_VARIATION,
  attributeText,
  iinFlags,
  readAttributesRequest,
  type AppResponse,
  type AuthObject,
} from "./app.js";
import { DNP3_CHECKS, masterAddress, outstationPlan } from "./declarations.js";
import type { Dnp3Facts, RequestFact } from "./facts.js";
import { SEC, type LinkFrame } from "./link.js";
import { Dnp3Session, type WaitFailure } from "./session.js";

/** The whole probe stays below the core's cap (12 x timeout). */
const BUDGET_FACTOR = 10;
const MAX_BUFFERED = 8192;

const isFailure = (r: unknown): r is WaitFailure => typeof (r as WaitFailure).kind === "string" && !("func" in (r as object));

export async function probeDnp3(ctx: ProbeContext): Promise<Dnp3Facts> {
  const ep = ctx.endpoints[0];
  if (!ep) throw new ProbeFailure("internal", "no DNP3 endpoint given");
  const master = masterAddress(ctx.options["dnp3.master"]);
  const plan = outstationPlan(ctx.options["dnp3.addresses"], master);
  const facts: Dnp3Facts = {
    url: ep.url,
    port: ep.port,
    reachability: "error",
    masterAddress: master,
    addressesTried: [],
    linkStatus: [],
    requests: [],
    attributes: [],
    identity: {},
    secureAuth: { status: "not-observed", detail: "no READ was answered" },
    iin: { responses: 0, flags: [] },
    unsolicited: 0,
    crcErrors: 0,
    anomalies: [],
    sent: [],
  };
  const checkpoint = () => ctx.checkpoint(structuredClone(facts));
  const budget = new Deadline(BUDGET_FACTOR * ctx.timeoutMs, ctx.signal);
  let conn: Connection;
  try {
    conn = await Connection.open({ host: ep.host, port: ep.port, timeoutMs: ctx.timeoutMs, signal: ctx.signal, maxBuffered: MAX_BUFFERED });
  } catch (e) {
    const code = e instanceof NetError ? e.code : "unreachable";
    if (code === "refused") {
      if (!ep.explicit) throw new ProbeFailure("absent", `nothing listens on ${ep.port}`);
      throw new ProbeFailure("unreachable", `connection refused: ${ep.url}`);
    }
    throw new ProbeFailure(code === "timeout" ? "timeout" : "unreachable", `${ep.url}: ${(e as Error).message}`);
  }
  facts.reachability = "open";
  const session = new Dnp3Session(conn, master, facts);
  try {
    ctx.log.info({ action: "link-status", safety: DNP3_CHECKS.linkStatus.safety, endpoint: ep.url, addresses: plan, master }, "DNP3 link status requests");
    for (const address of plan) {
      if (budget.expired || session.broken) break;
      facts.addressesTried.push(address);
      const r = await session.linkStatus(address, budget.within(ctx.timeoutMs));
      facts.linkStatus.push(isFailure(r) ? { address, outcome: r.kind, detail: r.detail } : linkOutcome(address, r));
      checkpoint();
      if (!isFailure(r)) {
        facts.outstation = address;
        break;
      }
    }
    if (facts.outstation !== undefined && !session.broken) {
      ctx.log.info(
        { action: "read-attributes", safety: DNP3_CHECKS.attributes.safety, endpoint: ep.url, outstation: facts.outstation },
        "DNP3 READ of device attributes",
      );
      let challenge = await readPhase(session, facts, "identity", 0, [...IDENTITY_VARIATIONS], budget.within(ctx.timeoutMs));
      checkpoint();
      if (!session.broken && !budget.expired) {
        const saChallenge = await readPhase(session, facts, "sa-version", 1, [SA_VERSION_VARIATION], budget.within(ctx.timeoutMs));
        challenge ??= saChallenge;
      }
      judgeSecureAuth(facts, challenge);
      checkpoint();
    }
    if (facts.outstation === undefined)
      facts.error = {
        code: "no-answer",
        message: `no outstation answered a link status request from master ${master} (addresses ${facts.addressesTried.join(", ")})${session.broken ? `: ${session.broken}` : ""}`,
      };
  } finally {
    await conn.close(Math.min(1000, ctx.timeoutMs));
  }
  return facts;
}

function linkOutcome(address: number, f: LinkFrame): Dnp3Facts["linkStatus"][number] {
  const outcome = f.func === SEC.LINK_STATUS ? "link-status" : f.func === SEC.NOT_SUPPORTED ? "not-supported" : f.func === SEC.NACK ? "nack" : "other";
  return { address, outcome, function: f.func, dfc: f.fcvDfc };
}

async function readPhase(
  session: Dnp3Session,
  facts: Dnp3Facts,
  name: RequestFact["name"],
  seq: number,
  variations: number[],
  deadline: Deadline,
): Promise<AuthObject["challenge"]> {
  const objects = variations.map((v) => `g0v${v}`);
  const r = await session.request(facts.outstation!, seq, readAttributesRequest(seq, variations), deadline);
  if (isFailure(r)) {
    facts.requests.push({ name, functionCode: FC.READ, objects, outcome: r.kind === "error" ? "protocol-error" : r.kind, detail: r.detail });
    return undefined;
  }
  facts.requests.push(requestFact(name, objects, r));
  for (const a of r.attributes.slice(0, 32)) {
    if (facts.attributes.some((x) => x.variation === a.variation)) continue;
    facts.attributes.push({
      variation: a.variation,
      name: ATTRIBUTE_NAMES[a.variation] ?? `attribute ${a.variation}`,
      dataType: a.dataType,
      value: attributeText(a),
    });
  }
  const text = (v: number) => facts.attributes.find((a) => a.variation === v && a.dataType === 1)?.value;
  facts.identity = {
    manufacturer: text(252),
    productModel: text(250),
    softwareVersion: text(242),
    hardwareVersion: text(243),
    serialNumber: text(248),
    deviceName: text(247),
    userId: text(246),
  };
  for (const k of Object.keys(facts.identity) as (keyof Dnp3Facts["identity"])[]) if (facts.identity[k] === undefined) delete facts.identity[k];
  // the first g120v1 challenge of an authentication response (requestFact calls such an answer "auth-challenge")
  return r.func === FC.AUTHENTICATION_RESPONSE ? r.auth.find((a) => a.challenge)?.challenge : undefined;
}

function requestFact(name: RequestFact["name"], objects: string[], r: AppResponse): RequestFact {
  const auth = r.func === FC.AUTHENTICATION_RESPONSE;
  const outcome = !auth ? "response" : r.auth.some((a) => a.challenge) ? "auth-challenge" : "auth-error";
  return {
    name,
    functionCode: FC.READ,
    objects,
    outcome,
    responseFunction: r.func,
    iin: { raw: Buffer.from([r.iin1, r.iin2]).toString("hex"), flags: iinFlags(r.iin1, r.iin2) },
    headers: r.headers,
    ...(r.stoppedAt ? { stoppedAt: r.stoppedAt } : {}),
    ...(r.con ? { confirmRequested: true } : {}),
    ...(auth
      ? {
          detail: r.auth
            .map(
              (a) =>
                `g120v${a.variation}${a.challenge ? ` challenge (user ${a.challenge.user}, MAC algorithm ${a.challenge.macAlgorithm}, reason ${a.challenge.reason})` : a.error ? ` error code ${a.error.code}` : ""}`,
            )
            .join("; "),
        }
      : {}),
  };
}

/**
 * What the answers show about Secure Authentication (IEEE 1815-2012 §7): the g0v209 value; a
 * challenge (g120v1) or SA error (g120v7) in answer to a READ; otherwise nothing (a READ is not a
 * critical function, so an answer without a challenge proves nothing either way).
 */
function judgeSecureAuth(facts: Dnp3Facts, challenge: AuthObject["challenge"]): void {
  const challenged = facts.requests.find((r) => r.outcome === "auth-challenge");
  if (challenged) {
    facts.secureAuth = {
      status: "challenge-observed",
      detail: `the outstation answered the ${challenged.name} READ with an authentication challenge: ${challenged.detail ?? "g120v1"}`,
    };
    if (challenge) facts.secureAuth.challenge = { user: challenge.user, macAlgorithm: challenge.macAlgorithm, reason: challenge.reason };
    return;
  }
  const saError = facts.requests.find((r) => r.outcome === "auth-error");
  if (saError) {
    facts.secureAuth = {
      status: "auth-error",
      detail: `the outstation answered the ${saError.name} READ with a Secure Authentication object: ${saError.detail ?? "g120"}`,
    };
    return;
  }
  const v = facts.attributes.find((a) => a.variation === 209 && a.dataType === 2); // UINT only (§11.9.1.1)
  if (v && /^\d+$/.test(v.value)) {
    facts.secureAuth = { status: "version-reported", version: Number(v.value), detail: `attribute g0v209 (secure authentication version) = ${v.value}` };
    return;
  }
  const sa = facts.requests.find((r) => r.name === "sa-version");
  if (sa?.outcome === "response") {
    facts.secureAuth = {
      status: "attribute-unknown",
      detail: `g0v209 not reported${sa.iin?.flags.includes("object-unknown") ? " (IIN2.1 object unknown)" : ""}${sa.iin?.flags.includes("function-not-supported") ? " (IIN2.0 function not supported)" : ""}`,
    };
    return;
  }
  facts.secureAuth = {
    status: "not-observed",
    detail: sa ? `the g0v209 READ got no response (${sa.outcome}${sa.detail ? `: ${sa.detail}` : ""})` : "no READ was answered",
  };
}
