// Declared checks (with safety classes) and operator options of the Modbus/TCP plugin. Kept free of
// network code so index.ts (loaded on every start) and probe.ts share one definition.
import type { CheckDecl } from "../../src/plugin.js";

export const CHECKS = {
  units: {
    id: "modbus.units",
    safety: "read",
    description:
      "FC 43/14 to unit ids 1 and 255, then --modbus-units (unit 0, the serial broadcast address, only when named there): which units answer without authentication",
  },
  deviceId: {
    id: "modbus.device-id",
    safety: "read",
    description:
      "Read Device Identification (FC 43 / MEI 14): basic, regular and extended streams, following 'more follows' (bounded), individual access for missing mandatory objects",
  },
  serverId: { id: "modbus.server-id", safety: "read", description: "Report Server ID (FC 17), with the run indicator status" },
  tlsVersions: {
    id: "modbus.tls.versions",
    safety: "passive",
    description: "raw ClientHellos on port 802 offering SSLv3, TLS 1.0, 1.1, 1.2, 1.3 one at a time (the server's first flight is read, no session is set up)",
  },
  tlsSuites: {
    id: "modbus.tls.weak-suites",
    safety: "passive",
    description: "raw ClientHellos offering only one weak suite family each (NULL, anonymous, export, RC4, DES, 3DES, static RSA)",
  },
  tlsCertificate: {
    id: "modbus.tls.certificate",
    safety: "passive",
    description: "server certificate: validity, key type and size, signature algorithm, role extension",
  },
  tlsClientAuth: {
    id: "modbus.tls.client-auth",
    safety: "read",
    description: "handshake without a client certificate (CertificateRequest and alerts observed), then one FC 43 read: is a client certificate required?",
  },
  tlsClientCert: {
    id: "modbus.tls.client-cert",
    safety: "read",
    description: "with the supplied client certificate (credentials protocol modbus-tls): one FC 43 read; role recorded",
  },
  unitSweep: { id: "modbus.unit-sweep", safety: "intrusive", description: "full unit id sweep 1-247 (option modbus.sweep=full)" },
  writeBack: {
    id: "modbus.write-back",
    safety: "intrusive",
    description: "--modbus-write unit:type:address: read, write the same value back (FC 5/6), read again",
  },
} as const satisfies Record<string, CheckDecl>;

/**
 * Unit ids tried by default: 1 (most devices) and 255 (the Modbus/TCP "direct" address, Modbus
 * Messaging on TCP/IP Implementation Guide v1.0b §4.4.2). Unit 0 is NOT tried by default: on a
 * Modbus/TCP-to-serial gateway it is forwarded as the serial broadcast address (Modbus over Serial
 * Line V1.02 §2.2: address 0 is the broadcast address, every slave on the line acts on the request
 * and none answers). A read sent as a broadcast reaches every device on the bus and proves nothing
 * (no reply may come). The operator may still name it (`--modbus-units 0`): it is then tried last.
 */
export const DEFAULT_UNITS = [1, 255] as const;

/** "2,3,17" -> [2, 3, 17]; values outside 0..255 are dropped. */
export function parseUnitList(text: string | undefined): number[] {
  if (!text) return [];
  return text
    .split(",")
    .map((s) => Number(s.trim()))
    .filter((n) => Number.isInteger(n) && n >= 0 && n <= 255);
}

/** The order units are tried in: 1 and 255 first, then the operator's extra ids (and the sweep), unit 0 last and only when named. */
export function unitPlan(extra: number[], fullSweep: boolean): number[] {
  const rest = [...new Set([...extra, ...(fullSweep ? Array.from({ length: 247 }, (_, i) => i + 1) : [])])]
    .filter((u) => u !== 0 && u !== 1 && u !== 255)
    .sort((a, b) => a - b);
  return [...DEFAULT_UNITS, ...rest, ...(extra.includes(0) ? [0] : [])];
}

export interface WriteTarget {
  unitId: number;
  type: "coil" | "holding";
  address: number;
}

/** "1:holding:40" -> target, or a message saying what is wrong (unit 0 = broadcast: refused). */
export function parseWriteTarget(text: string): WriteTarget | string {
  const m = /^(\d{1,3}):(coil|holding):(\d{1,5})$/.exec(text.trim());
  if (!m) return `write target '${text}': expected unit:type:address with type coil or holding`;
  const unitId = Number(m[1]);
  const address = Number(m[3]);
  if (unitId < 1 || unitId > 255) return `write target '${text}': unit ${unitId} outside 1..255 (unit 0 would be a broadcast)`;
  if (address > 0xffff) return `write target '${text}': address ${address} outside 0..65535`;
  return { unitId, type: m[2] as "coil" | "holding", address };
}
