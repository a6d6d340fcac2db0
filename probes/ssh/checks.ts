// The checks the SSH probe performs, each with its safety class (shown by `otaudit rules`; the probe
// calls ctx.assertAllowed before each), and the probe's bounds. Light module, shared by index.ts
// and the probe phases.
import { LOGIN_BUDGET_DEFAULT, type CheckDecl } from "../../src/plugin.js";

export const DEFAULT_CREDENTIAL_DELAY_MS = 1000;
/** the user name of the `none` request: an account name no device should have */
export const PROBE_USERNAME = "otaudit";
/** at most this many host-key key exchanges per service (the first reuses the hello connection) */
export const MAX_HOST_KEY_FETCHES = 6;
/** at most this many host-key groups (key types) stored per service; the rest are counted */
export const MAX_HOST_KEY_GROUPS = 32;
/**
 * DH group-exchange requests (RFC 4419 §3), one key exchange each. `small` asks for the smallest
 * group the server will hand out (the weak-modulus question; it is asked on the hello connection,
 * as the key exchange that reads the first host key); `large` for the largest. No `default`
 * (2048) request: a server answers it with "the smallest group it knows that is larger than the
 * size the client requested" (§3), never smaller than its answer to `small`, so it cannot show a
 * weakness `small` does not, and it cost every device one more connection. Recordings made before
 * keep their `default` answers (the label stays in the facts schema).
 */
export const GEX_REQUESTS = [
  { label: "small", min: 1024, n: 1024, max: 8192 },
  { label: "large", min: 2048, n: 8192, max: 8192 },
] as const;

/**
 * Time windows, in multiples of --timeout (T). Each phase ends by its window or by the probe's
 * overall budget, whichever comes first; the overall budget stays below the engine's per-probe cap
 * (12 x T), so the probe returns its own facts (with what was cut) instead of being cut off.
 */
export const WINDOWS = { hello: 2, hostKeys: 3, authMethods: 1, credentialed: 2, groupExchange: 2, overall: 11 } as const;

export const CHECKS = {
  serverHello: {
    id: "ssh.server-hello",
    safety: "passive",
    description: "read the identification string and the server's KEXINIT over one TCP connection (only our own identification string is sent)",
  },
  hostKeys: {
    id: "ssh.host-keys",
    safety: "passive",
    description: `one unauthenticated key exchange per offered host-key type (at most ${MAX_HOST_KEY_FETCHES}, the first on the hello connection), stopped after the server's reply to read the host key or certificate (one of them is completed to carry the 'none' request, see ssh.auth-methods)`,
  },
  groupExchange: {
    id: "ssh.dh-group-exchange",
    safety: "passive",
    description: `when diffie-hellman-group-exchange is offered: ${GEX_REQUESTS.length} group requests (small ${GEX_REQUESTS[0].n}, large ${GEX_REQUESTS[1].n} bits), one unauthenticated key exchange each, one connection at a time (the small one is the exchange that reads the first host key, on the hello connection), stopped after the server's group (like ssh-audit -g)`,
  },
  authMethods: {
    id: "ssh.auth-methods",
    safety: "read",
    description: `one 'none' authentication request as user '${PROBE_USERNAME}' to list the methods offered (no password is sent), on the first host-key exchange otaudit can complete (server signature verified, then NEWKEYS, its own encrypted transport, DISCONNECT); on a connection of its own (ssh2) only when no cipher, MAC or verifiable host key is in common or that exchange failed before an answer`,
  },
  credentialed: {
    id: "ssh.credentialed-login",
    safety: "read",
    description:
      "log in with the bench credentials from --credentials (password, possibly empty, and/or key) to observe whether a second factor is demanded; disconnects at once",
  },
  defaultCredentials: {
    id: "ssh.default-credentials",
    safety: "intrusive",
    description: `try up to ${LOGIN_BUDGET_DEFAULT} (--login-budget) entries of probes/ssh/data/default-credentials.yaml (empty passwords for well-known accounts first, then factory defaults), one connection per try, ${DEFAULT_CREDENTIAL_DELAY_MS} ms apart, stopping at the first success; each try first sends 'none' for the account, then the password (also when the server does not list a password method)`,
  },
} as const satisfies Record<string, CheckDecl>;
