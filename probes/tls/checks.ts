// The checks the tls probe performs, each with its safety class (shown by `otaudit rules` and
// `--sends`), and the probe's bounds: every hello is one TCP connection, one at a time, closed with a
// FIN right after the server's first flight (no key exchange, no Finished: no session, like nmap's
// ssl-enum-ciphers and testssl.sh). The counts below are the most a service can cost.
import type { CheckDecl } from "../../src/plugin.js";

/** raw hellos per service for the version scan (one per version; TLS 1.3 may need a HelloRetryRequest retry) */
export const VERSION_HELLOS = 6;
/** raw hellos per service for the suite enumeration, all versions together */
export const MAX_SUITE_HELLOS = 80;
/** certificates described per chain (the rest are counted) */
export const MAX_CHAIN = 8;
/** subjectAltName entries kept per certificate */
export const MAX_SAN = 32;

/**
 * Time windows, in multiples of --timeout (T), for all services of a device together (the engine
 * caps a probe at 12 x T): each phase ends by its window or the overall budget, whichever is first;
 * what was cut is recorded (`cut`) and can never pass.
 */
export const WINDOWS = { versions: 3, suites: 5, features: 2, handshake: 1, overall: 11 } as const;

export const CHECKS = {
  versions: {
    id: "tls.versions",
    safety: "passive",
    description: `one raw ClientHello per protocol version (SSLv3, TLS 1.0, 1.1, 1.2, 1.3; ${VERSION_HELLOS} at most with a TLS 1.3 HelloRetryRequest), each on its own connection, closed after the server's first flight; reads the ServerHello, the certificate chain (in the clear up to TLS 1.2), the key exchange and the renegotiation_info extension`,
  },
  suites: {
    id: "tls.cipher-suites",
    safety: "passive",
    description: `per accepted version, offer every known suite, note the server's choice, take it out and offer the rest again until the server refuses (at most ${MAX_SUITE_HELLOS} hellos per service in all), one connection at a time`,
  },
  features: {
    id: "tls.features",
    safety: "passive",
    description:
      "two more raw hellos at the best version up to TLS 1.2: one offering DEFLATE compression (CRIME), one offering only elliptic curves below 224 bits with ECDHE suites (does the server accept a weak group)",
  },
  handshake: {
    id: "tls.handshake",
    safety: "passive",
    description:
      "only when the certificate was not seen in the clear (a TLS 1.3-only server): one TLS handshake with Node's TLS to read the certificate chain, then close_notify and FIN; no application data",
  },
} as const satisfies Record<string, CheckDecl>;
