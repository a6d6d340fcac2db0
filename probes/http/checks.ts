// The checks the http probe performs, each with its safety class (shown by `otaudit rules` and
// `--sends`), and the probe's bounds. A default run sends GET requests for `/` and for same-host
// redirect targets only: no form is submitted, no Authorization header, no cookie.
import { LOGIN_BUDGET_DEFAULT, type CheckDecl } from "../../src/plugin.js";
import { httpDefaultCredentials } from "./knowledge.js";

/** redirects (Location or meta refresh) followed per service, only to the same host */
export const MAX_REDIRECTS = 3;
/** response body kept per request (the rest is not read: the connection is closed) */
export const MAX_BODY = 256 * 1024;
/** header fields kept per response (values are kept whole, up to the 64 KiB header section) */
export const MAX_HEADERS = 64;
export const DEFAULT_CREDENTIAL_DELAY_MS = 1000;
export const USER_AGENT = "otaudit (OT security audit; https://www.cisa.gov/securebydemand)";

/** Time windows in multiples of --timeout (T), for all services of a device; the engine caps a probe at 12 x T. */
export const WINDOWS = { fetch: 4, defaultCredentials: 5, overall: 11 } as const;

export const CHECKS = {
  landingPage: {
    id: "http.landing-page",
    safety: "read",
    description: `GET / (and at most ${MAX_REDIRECTS} same-host redirects or meta refreshes, never to another host), one connection per request with Connection: close, at most ${MAX_BODY / 1024} KiB of body read; reads the status, headers (Server, WWW-Authenticate, Strict-Transport-Security, X-Frame-Options, CSP), title, login forms and firmware hints. No form is submitted and no credential is sent`,
    sends: () => ["GET /", `User-Agent: ${USER_AGENT}`],
  },
  defaultCredentials: {
    id: "http.default-credentials",
    safety: "intrusive",
    description: `only with --intrusive: try up to ${LOGIN_BUDGET_DEFAULT} (--login-budget) entries of probes/http/data/default-credentials.yaml, ${DEFAULT_CREDENTIAL_DELAY_MS} ms apart (--login-delay), stopping at the first accepted: as HTTP Basic or Digest credentials on the page that asked for them, or as one POST of the landing page's login form (its own field names and hidden values), on the scheme the login was found on (a login served on plain HTTP is tried there: defaults are public, and the finding is that the device takes them)`,
    sends: () => httpDefaultCredentials().entries.map((e) => `${e.username ?? ""} (entry ${e.id})`),
  },
} as const satisfies Record<string, CheckDecl>;
