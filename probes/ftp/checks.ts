// The checks the FTP probe performs, each with its safety class (shown by `otaudit rules`).
// Safety of the anonymous login (class `read`): "anonymous" is a documented public access mode,
// not an account guess (RFC 1635 "How to Use Anonymous FTP"; RFC 959 leaves it to the site); its
// password is, by that convention, the user's e-mail address, not a secret, so no credential of the
// device is guessed; nmap runs the same check (ftp-anon) in its "default" and "safe" categories. It
// is one login per device and run (two when refused in clear and tried again inside TLS), and the
// session only QUITs (no LIST, RETR or STOR). A site that counts it as a failed login sees one or
// two attempts. Every other password is intrusive.
import { LOGIN_BUDGET_DEFAULT, type CheckDecl } from "../../src/plugin.js";

export const DEFAULT_CREDENTIAL_DELAY_MS = 1000;
/** the user name of the cleartext USER probe: an account name no device should have */
export const PROBE_USERNAME = "otaudit";
/** the RFC 1635 anonymous password: an e-mail-style token naming the tool, not a secret */
export const ANONYMOUS_PASSWORD = "otaudit@";

export const CHECKS = {
  greeting: {
    id: "ftp.greeting-features",
    safety: "passive",
    description: "read the greeting (banner) and send FEAT (RFC 2389) to list the server's extensions",
  },
  cleartextUser: {
    id: "ftp.cleartext-user",
    safety: "read",
    description: `send USER ${PROBE_USERNAME} before any AUTH TLS and read whether the server asks for a password over the cleartext connection (331); no password is ever sent; then QUIT`,
  },
  authTls: {
    id: "ftp.auth-tls",
    safety: "passive",
    description:
      "send AUTH TLS (RFC 4217 §4) on a fresh connection and, on 234, complete one TLS handshake to record its version, suite and certificate; then QUIT",
  },
  anonymous: {
    id: "ftp.anonymous-login",
    safety: "read",
    description: `log in as 'anonymous' with the RFC 1635 e-mail-style password '${ANONYMOUS_PASSWORD}' (a documented public access mode, not a credential guess), read 230 or 530, then QUIT; no listing, download or upload; refused in clear on a server that completed AUTH TLS, the same login once more inside TLS (a server may take anonymous logins only over TLS)`,
  },
  defaultCredentials: {
    id: "ftp.default-credentials",
    safety: "intrusive",
    description: `try up to ${LOGIN_BUDGET_DEFAULT} (--login-budget) factory-default accounts from probes/ftp/data/default-credentials.yaml, after AUTH TLS when the server offers it (else in clear), one connection per try, ${DEFAULT_CREDENTIAL_DELAY_MS} ms apart (--login-delay), stopping at the first accepted`,
  },
} as const satisfies Record<string, CheckDecl>;
