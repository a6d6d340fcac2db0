// Facts the http probe records (zod), per web service: each request it sent (GET / and same-host
// redirects) with the response's status, header fields as received, body size, title, login forms
// (field names and types, never values), authentication challenges, HSTS as parsed, where a redirect
// pointed; and the intrusive default-credential attempts (entry ids and user names, never
// passwords). Device strings keep their exact content; escaping happens at the output boundary.
import { z } from "zod";

export const ErrorFact = z.object({ code: z.string(), message: z.string() });

export const FormFacts = z.object({
  /** the action attribute as written (empty: the page itself) */
  action: z.string(),
  method: z.string(),
  passwordFields: z.number().int(),
  /** input names and types (bounded), never values */
  fields: z.array(z.object({ name: z.string(), type: z.string() })),
});
export type FormFacts = z.infer<typeof FormFacts>;

export const ChallengeFacts = z.object({ scheme: z.string(), realm: z.string().optional(), algorithm: z.string().optional(), qop: z.string().optional() });

export const Exchange = z.object({
  /** the URL requested (absolute) */
  url: z.string(),
  method: z.enum(["GET", "HEAD", "POST"]),
  /** the request travelled over TLS */
  tls: z.boolean(),
  status: z.number().int().optional(),
  reason: z.string().optional(),
  httpVersion: z.string().optional(),
  /** header fields as received (names and values exact, at most 64) */
  headers: z.array(z.object({ name: z.string(), value: z.string() })),
  headerCount: z.number().int().optional(),
  body: z.object({ bytes: z.number().int(), truncated: z.boolean(), framing: z.string() }).optional(),
  contentType: z.string().optional(),
  title: z.string().optional(),
  forms: z.array(FormFacts),
  /** password inputs outside any form (script-driven logins) */
  loosePasswordInputs: z.number().int().optional(),
  challenges: z.array(ChallengeFacts),
  /** Strict-Transport-Security as parsed (HTTPS responses) */
  hsts: z
    .object({ present: z.boolean(), maxAge: z.number().int().optional(), includeSubDomains: z.boolean(), preload: z.boolean(), problems: z.array(z.string()) })
    .optional(),
  /** where the response sent the client next: Location of a 3xx, or a meta refresh */
  redirect: z
    .object({
      via: z.enum(["location", "meta-refresh"]),
      location: z.string(),
      target: z.string().optional(),
      sameHost: z.boolean(),
      followed: z.boolean(),
      why: z.string().optional(),
    })
    .optional(),
  /** firmware / product hints found in the page (web.yaml patterns) */
  hints: z.array(z.object({ id: z.string(), value: z.string() })),
  error: ErrorFact.optional(),
});
export type Exchange = z.infer<typeof Exchange>;

export const LoginAttempt = z.object({
  id: z.string(),
  username: z.string(),
  result: z.enum(["accepted", "rejected", "error"]),
  status: z.number().int().optional(),
  detail: z.string().optional(),
});

export const DefaultCredentialFacts = z.object({
  /** what was attacked: Basic/Digest on a URL, or a form */
  mechanism: z.enum(["basic", "digest", "form", "none"]),
  url: z.string().optional(),
  attempts: z.array(LoginAttempt),
  accepted: z.object({ id: z.string(), username: z.string(), vendor: z.string().optional(), source: z.string() }).optional(),
  /** every planned entry got a definite answer */
  complete: z.boolean(),
  notTried: z.string().optional(),
});
export type DefaultCredentialFacts = z.infer<typeof DefaultCredentialFacts>;

export const HttpService = z.object({
  port: z.number().int(),
  url: z.string(),
  scheme: z.enum(["http", "https"]),
  /** the host the operator named (same-host redirects are judged against it) */
  serverName: z.string(),
  /** the requests in order: GET /, then each redirect followed */
  exchanges: z.array(Exchange),
  defaultCredentials: DefaultCredentialFacts.optional(),
  error: ErrorFact.optional(),
});
export type HttpService = z.infer<typeof HttpService>;

export const HttpFacts = z.object({ services: z.array(HttpService) });
export type HttpFacts = z.infer<typeof HttpFacts>;
