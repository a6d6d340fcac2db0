// BACnet/IP probe (network I/O only; loaded lazily by index.ts). Requests, one at a time, each awaited
// up to --timeout (ASHRAE 135-2020): (1) a UNICAST Who-Is (16.10, Original-Unicast-NPDU: it stays on
// the device, never a broadcast on the operator's network); (2) ReadProperty of
// protocol-services-supported (15.5), then ReadPropertyMultiple (15.7) of the Device object's identity
// properties when the device supports it, else one ReadProperty each; (3) with protocol revision >= 17
// (Network Port objects), the object-list and the network-type of at most 4 Network Port objects
// (BACnet/SC ports are type secure-connect); (4) Read-Broadcast-Distribution-Table and
// Read-Foreign-Device-Table (Annex J.2.2/J.2.6, read-only BVLL functions). Why this is safe on a
// fragile controller: only read services, unsegmented answers (a device that cannot fit one aborts
// instead of streaming segments), no WriteProperty, ReinitializeDevice, DeviceCommunicationControl,
// time synchronisation, Register-Foreign-Device (it would add an FDT entry) or Write-BDT.
import type { ProbeContext } from "../../src/plugin.js";
import { ProbeFailure } from "../../src/errors.js";
import { Deadline } from "../../src/net/index.js";
import {
  DEVICE_PROPERTIES,
  NETWORK_TYPES,
  OBJECT,
  PROP,
  PROP_NAMES,
  SERVICE,
  SERVICE_BITS,
  WHO_IS,
  WILDCARD_INSTANCE,
  readProperty,
  readPropertyMultiple,
  type Answer,
  type PropertyResult,
} from "./apdu.js";
import { BVLC, RESULT_NAMES, encodeBvlc, npduHeader } from "./bvlc.js";
import { BACNET_CHECKS } from "./declarations.js";
import type { BacnetFacts } from "./facts.js";
import { vendorNameOf } from "./knowledge.js";
import type { BacnetValue } from "./tags.js";
import { BacnetUdp } from "./udp.js";

const BUDGET_FACTOR = 10;
const MAX_NETWORK_PORTS = 4;

export function valueText(values: readonly BacnetValue[]): { value: string; hex?: string } {
  const parts: string[] = [];
  let hex: string | undefined;
  for (const v of values.slice(0, 64)) {
    if (v.type === "string") {
      parts.push(v.value);
      if (v.hex) hex = v.hex;
    } else if (v.type === "unsigned" || v.type === "signed" || v.type === "enumerated" || v.type === "real" || v.type === "double") parts.push(String(v.value));
    else if (v.type === "boolean") parts.push(String(v.value));
    else if (v.type === "bits") parts.push(v.bits);
    else if (v.type === "object") parts.push(`${v.objectType},${v.instance}`);
    else if (v.type === "null") parts.push("null");
    else parts.push("hex" in v ? v.hex : "");
  }
  return { value: parts.join(", "), ...(hex ? { hex } : {}) };
}

type Confirmed = Extract<Answer, { invokeId: number }> | "timeout" | "unreachable";

export async function probeBacnet(ctx: ProbeContext): Promise<BacnetFacts> {
  const ep = ctx.endpoints[0];
  if (!ep) throw new ProbeFailure("internal", "no BACnet endpoint given");
  const facts: BacnetFacts = {
    url: ep.url,
    port: ep.port,
    whoIs: { answered: false, iAms: 0 },
    reads: [],
    properties: [],
    identity: {},
    networkPorts: { status: "not-read", detail: "not attempted", ports: [] },
    bbmd: { bdt: { status: "not-sent", entries: [], total: 0 }, fdt: { status: "not-sent", entries: [], total: 0 } },
    datagrams: { received: 0, malformed: 0, unmatched: 0, dropped: 0 },
    portUnreachable: false,
    sent: [],
    anomalies: [],
  };
  const budget = new Deadline(BUDGET_FACTOR * ctx.timeoutMs, ctx.signal);
  let udp: BacnetUdp;
  try {
    udp = await BacnetUdp.open(ep.host, ep.port, ctx.timeoutMs);
  } catch (e) {
    throw new ProbeFailure("unreachable", `${ep.url}: ${(e as Error).message}`);
  }
  const sync = () => {
    facts.datagrams = { received: udp.received, malformed: udp.malformed, unmatched: udp.unmatched, dropped: udp.dropped };
    facts.portUnreachable = udp.portUnreachable;
    facts.anomalies = [...udp.anomalies];
  };
  const checkpoint = () => {
    sync();
    ctx.checkpoint(structuredClone(facts));
  };
  const until = () => Math.min(Date.now() + ctx.timeoutMs, budget.at);
  let invoke = Math.floor(Math.random() * 200);
  const confirmed = async (apdu: (id: number) => Buffer, label: string): Promise<Confirmed> => {
    const id = invoke++ & 0xff;
    udp.send(Buffer.concat([encodeBvlc(BVLC.ORIGINAL_UNICAST, Buffer.concat([npduHeader(true), apdu(id)]))]));
    facts.sent.push(label);
    return udp.wait((d) => (d.answer && "invokeId" in d.answer && d.answer.invokeId === id ? d.answer : undefined), until(), ctx.signal);
  };
  try {
    // (1) unicast Who-Is
    ctx.log.info({ action: "who-is", safety: BACNET_CHECKS.whoIs.safety, endpoint: ep.url }, "BACnet unicast Who-Is");
    udp.send(encodeBvlc(BVLC.ORIGINAL_UNICAST, Buffer.concat([npduHeader(false), WHO_IS])));
    facts.sent.push("Who-Is (unicast)");
    const iAm = await udp.wait((d) => (d.answer?.kind === "i-am" ? d.answer.iAm : undefined), until(), ctx.signal);
    if (typeof iAm === "object") Object.assign(facts.whoIs, { answered: true, iAms: 1, ...iAm });
    checkpoint();
    if (udp.portUnreachable) {
      if (!ep.explicit) throw new ProbeFailure("absent", `${ep.url}: ICMP port unreachable (no BACnet/IP device on this port)`);
      throw new ProbeFailure("unreachable", `${ep.url}: ICMP port unreachable`);
    }
    const instance = facts.whoIs.instance ?? WILDCARD_INSTANCE;
    facts.addressedAs = facts.whoIs.instance !== undefined ? "instance" : "wildcard";
    const device = `device,${instance}`;
    const record = (service: "readProperty" | "readPropertyMultiple", props: number[], r: Confirmed, object = device) => {
      const base = { service, object, properties: props.map((p) => PROP_NAMES[p] ?? String(p)) };
      if (typeof r === "string") facts.reads.push({ ...base, outcome: r === "timeout" ? "timeout" : "unreachable" });
      else if (r.kind === "ack") facts.reads.push({ ...base, outcome: "ack" });
      else if (r.kind === "error") facts.reads.push({ ...base, outcome: "error", detail: `error class ${r.errorClass}, code ${r.errorCode}` });
      else if (r.kind === "reject") facts.reads.push({ ...base, outcome: "reject", detail: `reject reason ${r.reason}` });
      else if (r.kind === "abort") facts.reads.push({ ...base, outcome: "abort", detail: `abort reason ${r.reason}` });
      else if (r.kind === "segmented")
        facts.reads.push({
          ...base,
          outcome: "segmented",
          detail: "segmented Complex-ACK although segmentation was not accepted (not reassembled, not acknowledged)",
        });
      else facts.reads.push({ ...base, outcome: "unparsed", detail: r.kind });
    };
    const keep = (results: PropertyResult[]) => {
      for (const res of results) {
        if (facts.properties.some((p) => p.id === res.property) || facts.properties.length >= 32) continue;
        const name = PROP_NAMES[res.property] ?? `property ${res.property}`;
        if (res.error) facts.properties.push({ id: res.property, name, error: `class ${res.error.errorClass}, code ${res.error.errorCode}` });
        else facts.properties.push({ id: res.property, name, ...valueText(res.values ?? []) });
      }
    };

    // (2) services supported, then the identity properties
    ctx.log.info(
      { action: "read-device", safety: BACNET_CHECKS.readDevice.safety, endpoint: ep.url, instance },
      "BACnet ReadProperty(Multiple) of the Device object",
    );
    const services = await confirmed(
      (id) => readProperty(id, OBJECT.DEVICE, instance, PROP.PROTOCOL_SERVICES_SUPPORTED),
      `ReadProperty ${device} protocol-services-supported`,
    );
    record("readProperty", [PROP.PROTOCOL_SERVICES_SUPPORTED], services);
    if (typeof services === "object" && services.kind === "ack") {
      keep(services.results);
      const bits = services.results[0]?.values?.find((v) => v.type === "bits");
      if (bits?.type === "bits") facts.servicesSupported = [...bits.bits].flatMap((b, i) => (b === "1" ? [SERVICE_BITS[i] ?? `bit ${i}`] : [])).slice(0, 64);
    }
    checkpoint();
    // a default port of a bare host that answered neither Who-Is nor ReadProperty with a single
    // datagram: nobody is there (no BBMD reads, no further waits)
    if (!ep.explicit && udp.received === 0) throw new ProbeFailure("absent", `${ep.url}: no answer to Who-Is or ReadProperty within ${ctx.timeoutMs} ms each`);
    const props = [...DEVICE_PROPERTIES];
    let viaRpm = false;
    if (facts.servicesSupported?.includes("readPropertyMultiple") && !budget.expired) {
      const r = await confirmed(
        (id) => readPropertyMultiple(id, OBJECT.DEVICE, instance, props),
        `ReadPropertyMultiple ${device} (${props.length} properties)`,
      );
      record("readPropertyMultiple", props, r);
      if (typeof r === "object" && r.kind === "ack") {
        keep(r.results);
        viaRpm = true;
      }
    }
    if (!viaRpm && typeof services === "object") {
      for (const p of props) {
        if (budget.expired || udp.portUnreachable) break;
        const r = await confirmed((id) => readProperty(id, OBJECT.DEVICE, instance, p), `ReadProperty ${device} ${PROP_NAMES[p]}`);
        record("readProperty", [p], r);
        if (typeof r === "object" && r.kind === "ack") keep(r.results);
        else if (typeof r === "object" && r.kind === "error") keep([{ property: p, error: { errorClass: r.errorClass, errorCode: r.errorCode } }]);
        else if (r === "timeout") break; // a device that stopped answering is not pushed on
      }
    }
    identityOf(facts);
    checkpoint();

    // (3) network ports (BACnet/SC)
    await networkPorts(facts, confirmed, record, instance, budget);
    checkpoint();

    // (4) BBMD tables
    ctx.log.info({ action: "read-bbmd-tables", safety: BACNET_CHECKS.bbmd.safety, endpoint: ep.url }, "BACnet Read-BDT and Read-FDT");
    for (const [fn, ack, key] of [
      [BVLC.READ_BDT, BVLC.READ_BDT_ACK, "bdt"],
      [BVLC.READ_FDT, BVLC.READ_FDT_ACK, "fdt"],
    ] as const) {
      if (budget.expired || udp.portUnreachable) break;
      udp.send(encodeBvlc(fn));
      facts.sent.push(key === "bdt" ? "Read-Broadcast-Distribution-Table" : "Read-Foreign-Device-Table");
      const r = await udp.wait((d) => (d.bvlc.function === ack || d.bvlc.function === BVLC.RESULT ? d.bvlc : undefined), until(), ctx.signal);
      if (typeof r !== "object")
        facts.bbmd[key] = { status: r === "timeout" ? "silent" : "error", entries: [], total: 0, detail: r === "timeout" ? "no answer" : "port unreachable" };
      else if ("result" in r)
        facts.bbmd[key] = {
          status: r.result === 0 ? "error" : "nak",
          entries: [],
          total: 0,
          detail: `BVLC-Result 0x${r.result.toString(16).padStart(4, "0")} (${RESULT_NAMES[r.result] ?? "unknown"})`,
        };
      else if ("entries" in r) facts.bbmd[key] = { status: "entries", entries: r.entries.map((e) => ({ ...e })), total: r.total };
    }
  } finally {
    sync();
    udp.close();
  }
  if (
    !facts.whoIs.answered &&
    !facts.reads.some((r) => r.outcome !== "timeout" && r.outcome !== "unreachable") &&
    facts.bbmd.bdt.status !== "entries" &&
    facts.bbmd.bdt.status !== "nak"
  ) {
    if (!ep.explicit && facts.datagrams.received === 0)
      throw new ProbeFailure("absent", `${ep.url}: no answer to Who-Is, ReadProperty or Read-BDT within ${ctx.timeoutMs} ms each`);
    facts.error = {
      code: "no-answer",
      message: `no usable BACnet answer (${facts.datagrams.received} datagrams received, ${facts.datagrams.malformed} malformed)`,
    };
  }
  return facts;
}

function identityOf(facts: BacnetFacts): void {
  const text = (id: number) => facts.properties.find((p) => p.id === id && p.value !== undefined)?.value;
  const num = (id: number) => {
    const v = text(id);
    return v !== undefined && /^\d+$/.test(v) ? Number(v) : undefined;
  };
  const vendorId = num(PROP.VENDOR_IDENTIFIER) ?? facts.whoIs.vendorId;
  const id: BacnetFacts["identity"] = {
    vendorName: text(PROP.VENDOR_NAME),
    vendorId,
    vendorFromTable: vendorId !== undefined ? vendorNameOf(vendorId) : undefined,
    modelName: text(PROP.MODEL_NAME),
    firmwareRevision: text(PROP.FIRMWARE_REVISION),
    applicationSoftwareVersion: text(PROP.APPLICATION_SOFTWARE_VERSION),
    objectName: text(PROP.OBJECT_NAME),
    serialNumber: text(PROP.SERIAL_NUMBER),
    protocolRevision: num(PROP.PROTOCOL_REVISION),
  };
  for (const k of Object.keys(id) as (keyof typeof id)[]) if (id[k] === undefined) delete id[k];
  facts.identity = id;
  const oid = /^8,(\d+)$/.exec(text(PROP.OBJECT_IDENTIFIER) ?? "");
  if (oid) facts.deviceInstance = Number(oid[1]);
  else if (facts.whoIs.instance !== undefined) facts.deviceInstance = facts.whoIs.instance;
}

/** Network Port objects (135-2016, protocol revision 17): object-list, then network-type of each (bounded). */
async function networkPorts(
  facts: BacnetFacts,
  confirmed: (apdu: (id: number) => Buffer, label: string) => Promise<Confirmed>,
  record: (service: "readProperty", props: number[], r: Confirmed) => void,
  instance: number,
  budget: Deadline,
): Promise<void> {
  const rev = facts.identity.protocolRevision;
  if (rev === undefined) return void (facts.networkPorts = { status: "not-read", detail: "protocol-revision not read", ports: [] });
  if (rev < 17)
    return void (facts.networkPorts = { status: "unavailable", detail: `protocol revision ${rev} predates Network Port objects (revision 17)`, ports: [] });
  const list = await confirmed((id) => readProperty(id, OBJECT.DEVICE, instance, PROP.OBJECT_LIST), `ReadProperty device,${instance} object-list`);
  record("readProperty", [PROP.OBJECT_LIST], list);
  if (typeof list === "string" || list.kind !== "ack") {
    const tooLarge = typeof list === "object" && (list.kind === "abort" || list.kind === "segmented");
    return void (facts.networkPorts = {
      status: tooLarge ? "too-large" : "not-read",
      detail: typeof list === "string" ? "object-list: no answer" : `object-list: ${list.kind}`,
      ports: [],
    });
  }
  const ports = (list.results[0]?.values ?? []).flatMap((v) => (v.type === "object" && v.objectType === OBJECT.NETWORK_PORT ? [v.instance] : []));
  facts.networkPorts = {
    status: "read",
    detail: `${ports.length} Network Port object(s) in the object-list${ports.length > MAX_NETWORK_PORTS ? ` (first ${MAX_NETWORK_PORTS} read)` : ""}`,
    ports: [],
  };
  for (const p of ports.slice(0, MAX_NETWORK_PORTS)) {
    if (budget.expired) break;
    const r = await confirmed((id) => readProperty(id, OBJECT.NETWORK_PORT, p, PROP.NETWORK_TYPE), `ReadProperty network-port,${p} network-type`);
    const v = typeof r === "object" && r.kind === "ack" ? r.results[0]?.values?.find((x) => x.type === "enumerated") : undefined;
    const networkType = v?.type === "enumerated" ? v.value : undefined;
    facts.networkPorts.ports.push({
      instance: p,
      ...(networkType !== undefined ? { networkType, typeName: NETWORK_TYPES[networkType] ?? `type ${networkType}` } : {}),
    });
  }
}

export { SERVICE };
