// Transport kit (issue: plugin contract v2): connect with timeout and abort, bounded reads with
// absolute deadlines, polite close, sleep, and the one login pacing loop. Probes keep protocol logic
// only; they import from here instead of writing the socket sequence again.
export { Connection, Deadline, NetError, sleep, type ConnectOptions, type NetErrorCode } from "./tcp.js";
export { attemptLogins, type LoginAttempt, type LoginResult, type LoginRun, type Pacing } from "./logins.js";
