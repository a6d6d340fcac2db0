// What a TLS scanner offers and how it reads the answer, shared by the tls plugin and Modbus/TCP
// Security: the raw ClientHello for one version (SSLv3 .. TLS 1.3; RFC 6101 §5.6.1.2, RFC 5246
// §7.4.1.2, RFC 8446 §4.1.2) with chosen suites, groups, key shares and compression, and the
// classification of the server's first flight (accepted / refused / incomplete / error). A choice
// the client did not offer is a protocol violation (`error`), never an acceptance.
import type { ConnectFailure, HelloResult } from "./wire/client.js";
import { isConnectFailure } from "./wire/client.js";
import { versionCode, versionName, type VersionName } from "./wire/constants.js";
import { buildClientHello, keyShareFor } from "./wire/hello.js";
import { suiteLabel, suitesForVersion } from "./wire/suites.js";

/** Order of the version hellos: the likely answer first, so a server that is not TLS at all is found with one connection. */
export const VERSION_ORDER: VersionName[] = ["TLSv1.2", "TLSv1.3", "TLSv1.1", "TLSv1", "SSLv3"];
/** Every named curve, strongest first: offered to TLS <= 1.2 servers (the server's pick is the finding). */
export const LEGACY_GROUPS = [29, 23, 24, 25, 30, 26, 27, 28, 22, 21, 20, 19, 18, 17, 16, 15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1];
export const TLS13_GROUPS = [29, 23, 24, 25, 30, 0x11ec, 256, 257, 258, 259, 260];
/** RFC 8446 §4.2.3 schemes plus the TLS 1.2 legacy pairs (so old servers find something to sign with). */
export const SIG_ALGS = [
  0x0403, 0x0503, 0x0603, 0x0807, 0x0808, 0x0804, 0x0805, 0x0806, 0x0809, 0x080a, 0x080b, 0x0401, 0x0501, 0x0601, 0x0303, 0x0301, 0x0302, 0x0402, 0x0502,
  0x0602, 0x0203, 0x0201, 0x0202,
];

export interface HelloExtras {
  /** supported_groups for TLS <= 1.2 (default: every named curve) */
  groups?: readonly number[];
  /** compression methods (default null only) */
  compressionMethods?: readonly number[];
}

export function helloFor(version: VersionName, host: string, suites?: number[], keyShareGroups: number[] = [29, 23], extras: HelloExtras = {}): Buffer {
  const code = versionCode(version);
  if (version === "TLSv1.3") {
    const keyShares = keyShareGroups.map((group) => ({ group, key: keyShareFor(group)! }));
    return buildClientHello({
      version: 0x0303,
      supportedVersions: [0x0304],
      cipherSuites: suites ?? suitesForVersion(0x0304),
      serverName: host,
      groups: TLS13_GROUPS,
      keyShares,
      signatureAlgorithms: SIG_ALGS,
      sessionId: Buffer.alloc(32, 0x5a),
    });
  }
  const compressionMethods = extras.compressionMethods ?? [0];
  if (version === "SSLv3") return buildClientHello({ version: code, cipherSuites: suites ?? suitesForVersion(code), noExtensions: true, compressionMethods });
  return buildClientHello({
    version: code,
    cipherSuites: suites ?? suitesForVersion(code),
    serverName: host,
    groups: extras.groups ?? LEGACY_GROUPS,
    signatureAlgorithms: SIG_ALGS,
    compressionMethods,
  });
}

/** What one ServerHello chose (facts shape shared by the tls plugin and Modbus/TCP Security). */
export interface Chosen {
  result: "accepted" | "refused" | "incomplete" | "untestable" | "error";
  serverVersion?: number;
  cipher?: string;
  cipherCode?: number;
  group?: number;
  dhBits?: number;
  detail?: string;
}

/** What the ServerHello (and ServerKeyExchange) chose, as facts. */
export function chosenOf(r: HelloResult): Omit<Chosen, "result"> {
  const sh = r.flight.serverHello;
  if (!sh) return {};
  const ske = r.flight.serverKeyExchange;
  const group = sh.keyShareGroup ?? sh.selectedGroup ?? (ske?.kind === "ecdhe" ? ske.group : undefined);
  return {
    serverVersion: sh.version,
    cipherCode: sh.cipherSuite,
    cipher: suiteLabel(sh.cipherSuite),
    ...(group !== undefined ? { group } : {}),
    ...(ske?.kind === "dhe" ? { dhBits: ske.primeBits } : {}),
  };
}

/**
 * Classify one hello's answer. accepted needs the flight to go on normally after the ServerHello;
 * a ServerHello followed by a hang-up is `incomplete` (never a service); a close or an alert before
 * any ServerHello is a refusal; a choice we did not offer is a protocol violation (`error`).
 */
export function classifyHello(r: HelloResult | ConnectFailure, offeredVersion: number, offered: ReadonlySet<number>): Chosen {
  if (isConnectFailure(r)) return { result: "error", detail: `TCP: ${r.detail}` };
  const sh = r.flight.serverHello;
  const chosen = chosenOf(r);
  if (!sh) {
    if (r.outcome === "alert" || r.outcome === "closed" || r.outcome === "reset" || r.outcome === "not-tls")
      return {
        result: "refused",
        detail: r.outcome === "closed" || r.outcome === "reset" ? `connection ${r.outcome === "reset" ? "reset" : "closed"} before any ServerHello` : r.detail,
      };
    return { result: "error", detail: r.detail };
  }
  if (!versionName(sh.version))
    return { result: "error", ...chosen, detail: `ServerHello chose an unknown version 0x${sh.version.toString(16).padStart(4, "0")}` };
  if (sh.version < offeredVersion) return { result: "refused", ...chosen, detail: `ServerHello chose ${versionName(sh.version)} instead` };
  if (sh.version > offeredVersion) return { result: "error", ...chosen, detail: `ServerHello chose ${versionName(sh.version)}, which was not offered` };
  if (!offered.has(sh.cipherSuite)) return { result: "error", ...chosen, detail: `ServerHello chose ${suiteLabel(sh.cipherSuite)}, which was not offered` };
  if (r.outcome === "flight-complete") return { result: "accepted", ...chosen, detail: r.detail };
  return { result: "incomplete", ...chosen, detail: `${versionName(sh.version)} chosen, then the handshake broke off ${r.detail} (${r.outcome})` };
}
