// The checks the Telnet probe performs, each with its safety class (shown by `otaudit rules`).
import { LOGIN_BUDGET_DEFAULT, type CheckDecl } from "../../src/plugin.js";

export const DEFAULT_CREDENTIAL_DELAY_MS = 1000;
/** after the last byte, how long the server must stay quiet before its prompt counts as complete */
export const QUIET_MS = 300;
/** extra wait for the answer to a password: login(1) delays a failure on purpose (FAIL_DELAY, 3 s) */
export const LOGIN_FAIL_DELAY_MS = 5000;

export const CHECKS = {
  banner: {
    id: "telnet.banner",
    safety: "passive",
    description:
      "connect, refuse every option the server proposes (WONT to DO, DONT to WILL, RFC 854/1143), read the banner and the prompt until the server goes quiet; one empty line (CR LF) only if it sent nothing at all; no user name or password is ever typed; close with FIN",
  },
  defaultCredentials: {
    id: "telnet.default-credentials",
    safety: "intrusive",
    description: `try up to ${LOGIN_BUDGET_DEFAULT} (--login-budget) factory-default accounts from probes/telnet/data/default-credentials.yaml at the login prompt, one connection per try, ${DEFAULT_CREDENTIAL_DELAY_MS} ms apart (--login-delay), stopping at the first accepted; a session that opens is closed at once (no command is typed); an unclear answer stops the run as undetermined`,
  },
} as const satisfies Record<string, CheckDecl>;
