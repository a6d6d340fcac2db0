// CycloneDX 1.6 inventory of the audited devices (JSON, ECMA-424 / CycloneDX 1.6): one `device`
// component per device, named and versioned by what the plugins identify (identify(): vendor,
// product or model, firmware version), with the products each protocol identified as nested
// firmware / application components and the device's certificates and host keys (the plugins'
// signals) as nested cryptographic assets; every service that answered (plugin services and open
// surface ports) as a CycloneDX service, linked to its device through `dependencies[].provides`.
// Written without a library (pure and cheap); the tests validate it with @cyclonedx/cyclonedx-library's
// JSON validator against the official 1.6 schema. Device strings pass safeText.
import { createHash } from "node:crypto";
import type { DeviceResult, ResultDocument } from "../model/result.js";
import type { ProtocolPlugin } from "../plugin.js";
import { observeProducts, type DeviceObservation } from "../advisories/match.js";
import { deviceSignals } from "../fleet/signals.js";
import { discoveredPorts } from "../engine/surface.js";
import { humanView, safeText } from "./safe-text.js";

type Json = Record<string, unknown>;
const prop = (name: string, value: string | number | boolean) => ({ name: `otaudit:${name}`, value: safeText(String(value)) });

/** A deterministic urn:uuid (version 5 layout) for the BOM from the run and its devices. */
function serialNumber(doc: ResultDocument): string {
  const h = createHash("sha256")
    .update(`${doc.run.startedAt}|${doc.tool.version}|${doc.devices.map((d) => d.host).join(",")}`)
    .digest("hex");
  return `urn:uuid:${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${((parseInt(h[16]!, 16) & 0x3) | 0x8).toString(16)}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

const ref = (...parts: (string | number)[]) => parts.map((p) => encodeURIComponent(String(p))).join(":");

function productComponent(d: DeviceResult, o: DeviceObservation, i: number): Json {
  const name = o.product ?? o.model ?? o.source;
  return {
    type: o.vendor && o.version ? "firmware" : "application",
    "bom-ref": ref("product", d.host, o.protocol, i),
    name: safeText(name),
    ...(o.version ? { version: safeText(o.version) } : {}),
    ...(o.vendor ? { manufacturer: { name: safeText(o.vendor) } } : {}),
    ...(o.text ? { description: safeText(o.text) } : {}),
    properties: [
      prop("source", o.source),
      prop("protocol", o.protocol),
      ...(o.port ? [prop("port", o.port)] : []),
      ...(o.model && o.product ? [prop("model", o.model)] : []),
      ...(o.distribution ? [prop("distribution", o.distribution)] : []),
    ],
  };
}

function cryptoComponent(d: DeviceResult, k: ReturnType<typeof deviceSignals>["keys"][number]): Json {
  const sha256 = /^[0-9a-f]{64}$/i.test(k.fingerprint) ? k.fingerprint.toLowerCase() : undefined;
  const cryptoProperties =
    k.kind === "x509-certificate"
      ? { assetType: "certificate", certificateProperties: { certificateFormat: "X.509" } }
      : { assetType: "related-crypto-material", relatedCryptoMaterialProperties: { type: k.kind === "host-key" ? "public-key" : "other" } };
  return {
    type: "cryptographic-asset",
    "bom-ref": ref("crypto", d.host, k.protocol, k.fingerprint),
    name: safeText(k.label),
    cryptoProperties,
    ...(sha256 ? { hashes: [{ alg: "SHA-256", content: sha256 }] } : {}),
    properties: [prop("fingerprint", k.fingerprint), prop("service", `${k.scheme}${k.port ? `:${k.port}` : ""}`)],
  };
}

function services(d: DeviceResult, signals: ReturnType<typeof deviceSignals>): Json[] {
  const out: Json[] = [];
  const seen = new Set<string>();
  const auth = (port: number | null) => {
    const r = signals.remoteAccess.filter((x) => x.port === port);
    if (r.some((x) => x.factors === "none")) return { authenticated: false };
    return r.length && r.every((x) => x.factors === "single-factor" || x.factors === "mfa-verified") ? { authenticated: true } : {};
  };
  const cleartext = (port: number | null) => signals.cleartext.some((c) => c.port === port);
  for (const e of d.services) {
    if (d.facts[e.protocol]?.status !== "ok") continue;
    const bomRef = ref("service", d.host, e.scheme, e.port);
    if (seen.has(bomRef)) continue;
    seen.add(bomRef);
    out.push({
      "bom-ref": bomRef,
      name: safeText(e.scheme),
      endpoints: [safeText(e.url)],
      ...auth(e.port),
      properties: [prop("host", d.host), prop("protocol", e.protocol), prop("transport", e.transport), prop("cleartext", cleartext(e.port))],
    });
  }
  for (const p of discoveredPorts(d.facts)) {
    const bomRef = ref("service", d.host, p.service, p.port);
    if (p.state !== "open" || seen.has(bomRef) || d.services.some((e) => e.port === p.port && e.transport === p.transport)) continue;
    seen.add(bomRef);
    const host = d.host.includes(":") ? `[${d.host}]` : d.host;
    out.push({
      "bom-ref": bomRef,
      name: safeText(p.service),
      endpoints: [safeText(`${p.transport}://${host}:${p.port}`)],
      properties: [prop("host", d.host), prop("transport", p.transport), prop("cleartext", p.cleartext), prop("audited", false)],
    });
  }
  return out;
}

function deviceParts(d: DeviceResult, plugins: readonly ProtocolPlugin[]): { component: Json; services: Json[] } {
  const { observed } = observeProducts(plugins, d.facts);
  const signals = deviceSignals(d, plugins);
  const identity = observed.find((o) => o.vendor && (o.model || o.product)) ?? observed.find((o) => o.vendor);
  const keys = [...new Map(signals.keys.map((k) => [`${k.protocol}|${k.fingerprint}`, k])).values()];
  const svc = services(d, signals);
  const component: Json = {
    type: "device",
    "bom-ref": ref("device", d.host),
    name: safeText(d.name ?? identity?.model ?? identity?.product ?? d.host),
    ...(identity?.version ? { version: safeText(identity.version) } : {}),
    ...(identity?.vendor ? { manufacturer: { name: safeText(identity.vendor) } } : {}),
    description: safeText(`OT device at ${d.host}${identity ? `, identified by ${identity.source}` : ", not identified"}`),
    properties: [
      prop("host", d.host),
      ...(identity?.model ? [prop("model", identity.model)] : []),
      ...(identity?.product ? [prop("product", identity.product)] : []),
      ...(d.score !== undefined ? [prop("score", d.score)] : []),
      ...d.elements.map((e) => prop(`element.${e.id}`, e.verdict)),
    ],
    components: [...observed.map((o, i) => productComponent(d, o, i)), ...keys.map((k) => cryptoComponent(d, k))],
  };
  if ((component.components as Json[]).length === 0) delete component.components;
  return { component, services: svc };
}

export function cyclonedxBom(result: ResultDocument, plugins: readonly ProtocolPlugin[]): Json {
  // strings of the document pass the escaping boundary (humanView); the facts the plugins identify
  // products and keys from are the raw ones (humanView leaves them out), their strings pass safeText
  const doc = humanView(result);
  const parts = doc.devices.map((d, i) => ({ d, ...deviceParts({ ...d, facts: result.devices[i]!.facts }, plugins) }));
  return {
    $schema: "http://cyclonedx.org/schema/bom-1.6.schema.json",
    bomFormat: "CycloneDX",
    specVersion: "1.6",
    serialNumber: serialNumber(doc),
    version: 1,
    metadata: {
      timestamp: doc.run.finishedAt,
      lifecycles: [{ phase: "operations" }],
      tools: { components: [{ type: "application", name: "otaudit", version: doc.tool.version }] },
      properties: [prop("run.source", doc.run.source), prop("run.startedAt", doc.run.startedAt), prop("run.intrusive", doc.run.intrusive)],
    },
    components: parts.map((p) => p.component),
    services: parts.flatMap((p) => p.services),
    dependencies: parts.map((p) => ({ ref: p.component["bom-ref"], ...(p.services.length ? { provides: p.services.map((s) => s["bom-ref"]) } : {}) })),
  };
}

export function renderCyclonedx(doc: ResultDocument, plugins: readonly ProtocolPlugin[]): string {
  return JSON.stringify(cyclonedxBom(doc, plugins), null, 2) + "\n";
}
