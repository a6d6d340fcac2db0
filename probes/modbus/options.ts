// Declared checks (with safety classes) and operator options of the Modbus/TCP plugin. Kept free of
// network code so index.ts (loaded on every start) and probe.ts share one definition.
import type { CheckDecl } from "../../src/plugin.js";

export const CHECKS = {
  units: { id: "modbus.units", safety: "read", description: "FC 43/14 to unit ids 1, 0, 255 and --modbus-units: which units answer without authentication" },
  deviceId: { id: "modbus.device-id", safety: "read", description: "Read Device Identification (FC 43 / MEI 14) basic and regular objects, following 'more follows'" },
  serverId: { id: "modbus.server-id", safety: "read", description: "Report Server ID (FC 17)" },
  tlsVersions: { id: "modbus.tls.versions", safety: "passive", description: "TLS 1.0/1.1/1.2/1.3 handshakes on port 802, one version at a time" },
  tlsSuites: { id: "modbus.tls.weak-suites", safety: "passive", description: "TLS 1.2 handshakes offering only one weak suite family each (NULL, anonymous, export, RC4, 3DES, static RSA)" },
  tlsCertificate: { id: "modbus.tls.certificate", safety: "passive", description: "server certificate: validity, key size, signature algorithm, role extension" },
  tlsClientAuth: { id: "modbus.tls.client-auth", safety: "read", description: "handshake without a client certificate, then one FC 43 read: is a client certificate required?" },
  tlsClientCert: { id: "modbus.tls.client-cert", safety: "read", description: "with the supplied client certificate (credentials protocol modbus-tls): one FC 43 read; role recorded" },
  unitSweep: { id: "modbus.unit-sweep", safety: "intrusive", description: "full unit id sweep 1-247 (option modbus.sweep=full)" },
  writeBack: { id: "modbus.write-back", safety: "intrusive", description: "--modbus-write unit:type:address: read, write the same value back (FC 5/6), read again" },
} as const satisfies Record<string, CheckDecl>;

/** Unit ids tried by default: 1 (most devices), 0 and 255 (Modbus/TCP "direct" addressing). */
export const DEFAULT_UNITS = [1, 0, 255] as const;

/** "2,3,17" -> [2, 3, 17]; values outside 0..255 are dropped. */
export function parseUnitList(text: string | undefined): number[] {
  if (!text) return [];
  return text
    .split(",")
    .map((s) => Number(s.trim()))
    .filter((n) => Number.isInteger(n) && n >= 0 && n <= 255);
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
