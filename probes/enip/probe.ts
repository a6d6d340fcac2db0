// EtherNet/IP probe (network I/O only; loaded lazily by index.ts). Default and only mode:
//   1. TCP 44818: ListIdentity (0x63), ListServices (0x04) — no session needed (CIP Vol. 2 §2-4);
//   2. RegisterSession (0x65), SendRRData with an unconnected Get_Attribute_Single (0x0E) to the CIP
//      Security object (class 0x5D instance 1, attributes 1, 2, 3), UnRegisterSession (0x66), FIN;
//   3. one ListIdentity by UDP unicast to the same port;
//   4. one TLS ClientHello to tcp/2221 and one DTLS ClientHello to udp/2222 (no session set up).
// Why safe on fragile devices: ListIdentity/ListServices are the discovery requests every
// engineering tool and nmap's enip-info (categories "discovery, version") broadcast; a session
// registration with unconnected Get_Attribute_Single reads holds no CIP connection (no Forward_Open,
// no I/O); no Set/Reset/Forward_Open/Multiple_Service and no write service is ever built
// (client.ts refuses them). One connection at a time; each phase has its own budget inside the
// core's per-probe cap and hands its facts to the core (ctx.checkpoint).
import type { ProbeContext } from "../../src/plugin.js";
import { ProbeFailure } from "../../src/errors.js";
import { Deadline } from "../../src/net/index.js";
import { CHECKS, CIP_SECURITY_ATTRIBUTES, CIP_SECURITY_CLASS, DTLS_PORT, TLS_PORT } from "./checks.js";
import { EnipChannel, EnipError, enipError } from "./client.js";
import type { CipRead, EnipFacts, Identity } from "./facts.js";
import { DEVICE_TYPES, securityProfileNames, securityStateName, stateName, statusBits } from "./identity.js";
import { vendorName } from "./knowledge.js";
import { probeDtls, probeTls, udpListIdentity } from "./transports.js";
import {
  CMD,
  ENCAP_STATUS,
  GENERAL_STATUS,
  ITEM,
  SERVICE,
  capabilityNames,
  cipRequest,
  logicalPath,
  parseCpf,
  parseIdentityItem,
  parseRRDataReply,
  parseServiceItem,
  registerSession,
  sendRRData,
  type IdentityItem,
} from "./wire.js";

const TCP_BUDGET = 5;
const SECURE_BUDGET = 3;

export function identityFacts(i: IdentityItem): Identity {
  return {
    encapsulationVersion: i.encapsulationVersion,
    socketAddress: i.socketAddress,
    vendorId: i.vendorId,
    ...(vendorName(i.vendorId) ? { vendorName: vendorName(i.vendorId) } : {}),
    deviceType: i.deviceType,
    ...(DEVICE_TYPES[i.deviceType] ? { deviceTypeName: DEVICE_TYPES[i.deviceType] } : {}),
    productCode: i.productCode,
    revision: `${i.revisionMajor}.${i.revisionMinor}`,
    status: i.status,
    statusBits: statusBits(i.status),
    serialNumber: i.serialNumber.toString(16).padStart(8, "0"),
    productName: i.productName,
    ...(i.state !== undefined ? { state: i.state, stateName: stateName(i.state) } : {}),
  };
}

export async function probeEnip(ctx: ProbeContext): Promise<EnipFacts> {
  const ep = ctx.endpoints[0];
  if (!ep) throw new ProbeFailure("internal", "no EtherNet/IP endpoint given");
  const facts: EnipFacts = {
    port: ep.port,
    url: ep.url,
    reachability: "error",
    listIdentity: { status: "not_tried" },
    listServices: { status: "not_tried", services: [] },
    session: { status: "not_tried", unregistered: false },
    cipSecurity: { status: "not_tried", reads: [] },
    udp: { status: "not_tried" },
    tls: { port: TLS_PORT, transport: "tcp", status: "not_tried" },
    dtls: { port: DTLS_PORT, transport: "udp", status: "not_tried" },
    sent: [],
  };
  const checkpoint = () => ctx.checkpoint(structuredClone(facts));
  const deadline = new Deadline(TCP_BUDGET * ctx.timeoutMs, ctx.signal);
  let ch: EnipChannel | undefined;
  try {
    ctx.log.info({ action: "enip-connect", safety: "passive", endpoint: ep.url }, "connect");
    ch = await EnipChannel.open({ host: ep.host, port: ep.port, timeoutMs: ctx.timeoutMs, signal: ctx.signal }, facts.sent);
    facts.reachability = "open";
    await tcpPhase(ctx, ch, facts, deadline);
  } catch (e) {
    const err = enipError(e);
    facts.reachability = err.kind === "refused" ? "closed" : facts.reachability;
    if (err.kind !== "refused") facts.error = { code: err.kind, message: err.message };
  } finally {
    ch?.unregister();
    if (facts.session.status === "registered") facts.session.unregistered = facts.sent.includes("UnRegisterSession");
    await ch?.close(Math.min(1000, ctx.timeoutMs));
  }
  checkpoint();

  ctx.log.info({ action: "enip-udp-list-identity", safety: CHECKS.listIdentity.safety, endpoint: ep.url }, "ListIdentity by UDP");
  facts.sent.push("ListIdentity (UDP unicast)");
  const u = await udpListIdentity(ep.host, ep.port, new Deadline(Math.min(ctx.timeoutMs, 2000), ctx.signal));
  facts.udp = { status: u.status, ...(u.identity ? { identity: identityFacts(u.identity) } : {}), ...(u.message ? { message: u.message } : {}) };
  checkpoint();

  if (facts.reachability === "open" || facts.udp.status === "answered") {
    const secure = new Deadline(SECURE_BUDGET * ctx.timeoutMs, ctx.signal);
    ctx.log.info({ action: "enip-tls-hello", safety: CHECKS.secureTransport.safety, endpoint: `tcp/${TLS_PORT}` }, "TLS ClientHello");
    facts.sent.push(`TLS ClientHello tcp/${TLS_PORT}`);
    facts.tls = await probeTls(ep.host, TLS_PORT, ctx.timeoutMs, secure);
    checkpoint();
    ctx.log.info({ action: "enip-dtls-hello", safety: CHECKS.secureTransport.safety, endpoint: `udp/${DTLS_PORT}` }, "DTLS ClientHello");
    facts.sent.push(`DTLS ClientHello udp/${DTLS_PORT}`);
    facts.dtls = await probeDtls(ep.host, DTLS_PORT, secure.within(Math.min(ctx.timeoutMs, 2000)));
    checkpoint();
  }

  if (facts.reachability !== "open" && facts.udp.status !== "answered") {
    ctx.checkpoint(undefined);
    if (facts.reachability === "closed") throw new ProbeFailure(ep.explicit ? "unreachable" : "absent", `nothing answers on tcp/${ep.port} or udp/${ep.port}`);
    throw new ProbeFailure(facts.error?.code === "timeout" ? "timeout" : "unreachable", `${ep.url}: ${facts.error?.message ?? "could not connect"}`);
  }
  return facts;
}

async function tcpPhase(ctx: ProbeContext, ch: EnipChannel, facts: EnipFacts, deadline: Deadline): Promise<void> {
  const step = () => deadline.within(ctx.timeoutMs);
  ctx.log.info({ action: "enip-list-identity", safety: CHECKS.listIdentity.safety, endpoint: facts.url }, "ListIdentity");
  try {
    const r = await ch.request(CMD.LIST_IDENTITY, Buffer.alloc(0), "ListIdentity (TCP)", step());
    if (r.header.status !== 0)
      facts.listIdentity = { status: "encap_error", encapStatus: r.header.status, message: ENCAP_STATUS[r.header.status] ?? "unknown status" };
    else {
      const cpf = parseCpf(r.body);
      const item = cpf.items.find((i) => i.typeId === ITEM.IDENTITY);
      facts.listIdentity = item
        ? { status: "ok", items: cpf.announced, identity: identityFacts(parseIdentityItem(item.data)) }
        : { status: "error", items: cpf.announced, message: "no CIP identity item (0x0C) in the reply" };
    }
  } catch (e) {
    const err = enipError(e);
    facts.listIdentity = { status: err.kind === "timeout" ? "timeout" : "error", message: err.message };
    if (ch.broken) return;
  }
  ctx.checkpoint(structuredClone(facts));

  ctx.log.info({ action: "enip-list-services", safety: CHECKS.listServices.safety, endpoint: facts.url }, "ListServices");
  try {
    const r = await ch.request(CMD.LIST_SERVICES, Buffer.alloc(0), "ListServices", step());
    if (r.header.status !== 0)
      facts.listServices = { status: "encap_error", encapStatus: r.header.status, message: ENCAP_STATUS[r.header.status] ?? "unknown status", services: [] };
    else {
      const services = parseCpf(r.body)
        .items.filter((i) => i.typeId === ITEM.COMMUNICATIONS)
        .map(parseServiceItem);
      facts.listServices = { status: "ok", services: services.map((s) => ({ ...s, capabilityNames: capabilityNames(s.capabilities) })) };
    }
  } catch (e) {
    const err = enipError(e);
    facts.listServices = { status: err.kind === "timeout" ? "timeout" : "error", message: err.message, services: [] };
    if (ch.broken) return;
  }
  ctx.checkpoint(structuredClone(facts));

  ctx.log.info({ action: "enip-register-session", safety: CHECKS.cipSecurity.safety, endpoint: facts.url }, "RegisterSession");
  try {
    const r = await ch.request(CMD.REGISTER_SESSION, registerSession().subarray(24), "RegisterSession", step());
    if (r.header.status !== 0 || r.header.session === 0) {
      facts.session = {
        status: "refused",
        unregistered: false,
        message: `encapsulation status 0x${r.header.status.toString(16)} (${ENCAP_STATUS[r.header.status] ?? "unknown"}), session ${r.header.session}`,
      };
      facts.cipSecurity.status = "unknown";
      return;
    }
    ch.session = r.header.session;
    facts.session = { status: "registered", unregistered: false };
  } catch (e) {
    const err = enipError(e);
    facts.session = { status: "error", unregistered: false, message: err.message };
    facts.cipSecurity.status = "unknown";
    return;
  }
  await cipSecurityReads(ctx, ch, facts, deadline);
}

async function cipSecurityReads(ctx: ProbeContext, ch: EnipChannel, facts: EnipFacts, deadline: Deadline): Promise<void> {
  const cs = facts.cipSecurity;
  for (const attribute of CIP_SECURITY_ATTRIBUTES) {
    if (deadline.expired || ch.broken) break;
    const target = `class 0x${CIP_SECURITY_CLASS.toString(16)} instance 1 attribute ${attribute}`;
    ctx.log.info({ action: "enip-get-attribute-single", safety: CHECKS.cipSecurity.safety, endpoint: facts.url, target }, "Get_Attribute_Single");
    const read: CipRead = { target, service: SERVICE.GET_ATTRIBUTE_SINGLE, outcome: "error" };
    cs.reads.push(read);
    try {
      const cip = cipRequest(SERVICE.GET_ATTRIBUTE_SINGLE, logicalPath(CIP_SECURITY_CLASS, 1, attribute));
      const r = await ch.request(CMD.SEND_RR_DATA, sendRRData(ch.session, cip).subarray(24), `Get_Attribute_Single ${target}`, deadline.within(ctx.timeoutMs));
      if (r.header.status !== 0) {
        Object.assign(read, { outcome: "encap_error", message: `encapsulation status 0x${r.header.status.toString(16)}` });
        continue;
      }
      const res = parseRRDataReply(r.body);
      if (res.service !== (SERVICE.GET_ATTRIBUTE_SINGLE | 0x80))
        throw new EnipError("protocol", `reply service 0x${res.service.toString(16)} to Get_Attribute_Single`);
      Object.assign(read, {
        outcome: res.generalStatus === 0 ? "success" : "cip_error",
        generalStatus: res.generalStatus,
        generalStatusName: GENERAL_STATUS[res.generalStatus] ?? "vendor specific",
        ...(res.data.length ? { dataHex: res.data.subarray(0, 64).toString("hex") } : {}),
      });
      if (res.generalStatus === 0) {
        if (attribute === 1 && res.data.length >= 1) Object.assign(cs, { state: res.data[0]!, stateName: securityStateName(res.data[0]!) });
        if (attribute === 2 && res.data.length >= 2) cs.profiles = securityProfileNames(res.data.readUInt16LE(0));
        if (attribute === 3 && res.data.length >= 2) cs.profilesConfigured = securityProfileNames(res.data.readUInt16LE(0));
      }
      // the object (or class) does not exist: no point reading its other attributes
      if (attribute === 1 && (res.generalStatus === 0x05 || res.generalStatus === 0x16 || res.generalStatus === 0x08)) break;
    } catch (e) {
      const err = enipError(e);
      Object.assign(read, { outcome: err.kind === "timeout" ? "timeout" : "error", message: err.message });
    }
  }
  const first = cs.reads[0];
  cs.status = cs.reads.some((r) => r.outcome === "success")
    ? "present"
    : first?.outcome === "cip_error" && [0x05, 0x16, 0x08].includes(first.generalStatus ?? -1)
      ? "absent"
      : "unknown";
}
