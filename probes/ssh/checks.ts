// The checks the SSH probe performs, each with its safety class (shown by `otaudit rules`; the probe
// calls ctx.assertAllowed before the intrusive one). Light module, shared by index.ts and probe.ts.
import { LOGIN_BUDGET_DEFAULT, type CheckDecl } from "../../src/plugin.js";

export const DEFAULT_CREDENTIAL_DELAY_MS = 1000;
/** the user name of the `none` request: an account name no device should have */
export const PROBE_USERNAME = "otaudit";
/** at most this many host-key handshakes per service */
export const MAX_HOST_KEY_FETCHES = 6;

export const CHECKS = {
  serverHello: {
    id: "ssh.server-hello",
    safety: "passive",
    description: "read the identification string and the server's KEXINIT over one TCP connection (only our own identification string is sent)",
  },
  hostKeys: {
    id: "ssh.host-keys",
    safety: "passive",
    description: `one key exchange per offered host-key type (at most ${MAX_HOST_KEY_FETCHES}) to read each host key; no authentication`,
  },
  authMethods: {
    id: "ssh.auth-methods",
    safety: "read",
    description: `one 'none' authentication request as user '${PROBE_USERNAME}' to list the methods offered (no password is sent)`,
  },
  credentialed: {
    id: "ssh.credentialed-login",
    safety: "read",
    description: "log in with the bench credentials from --credentials (password and/or key) to observe whether a second factor is demanded; disconnects at once",
  },
  defaultCredentials: {
    id: "ssh.default-credentials",
    safety: "intrusive",
    description: `try up to ${LOGIN_BUDGET_DEFAULT} (--login-budget) factory-default username/password pairs from probes/ssh/data/default-credentials.yaml, one connection per try, ${DEFAULT_CREDENTIAL_DELAY_MS} ms apart, stopping at the first success`,
  },
} as const satisfies Record<string, CheckDecl>;
