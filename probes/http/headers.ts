// Header field values the http probe reads, parsed with bounds: WWW-Authenticate challenges (RFC 9110
// §11.6.1, auth-params §11.2; Basic RFC 7617, Digest RFC 7616), Strict-Transport-Security (RFC 6797
// §6.1: max-age, includeSubDomains, preload; the first such field counts, §8.1), and product tokens
// of Server / X-Powered-By (RFC 9110 §10.2.4, "nginx/1.22.1"). Malformed input yields what could be
// read, never an exception; lists are capped.

export interface Challenge {
  scheme: string;
  realm?: string;
  /** Digest: algorithm (MD5 when absent, RFC 7616 §3.3), qop options, nonce and opaque (for the intrusive check only) */
  algorithm?: string;
  qop?: string;
  nonce?: string;
  opaque?: string;
}

const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+/;

/** Split one WWW-Authenticate value into challenges (at most 8; parameters at most 16 each). */
export function parseChallenges(value: string): Challenge[] {
  const out: (Challenge & { params: number })[] = [];
  let s = value.slice(0, 8192);
  let current: (Challenge & { params: number }) | undefined;
  while (s.length && out.length <= 8) {
    s = s.replace(/^[\s,]+/, "");
    if (!s) break;
    // auth-param: token "=" ( token / quoted-string )
    const param = /^([!#$%&'*+.^_`|~0-9A-Za-z-]+)\s*=\s*("(?:[^"\\]|\\.){0,2048}"|[^\s,]*)/.exec(s);
    if (param && current) {
      const key = param[1]!.toLowerCase();
      const raw = param[2]!;
      const val = raw.startsWith('"') ? raw.slice(1, -1).replace(/\\(.)/g, "$1") : raw;
      if (current.params++ < 16) {
        if (key === "realm") current.realm = val;
        else if (key === "algorithm") current.algorithm = val;
        else if (key === "qop") current.qop = val;
        else if (key === "nonce") current.nonce = val;
        else if (key === "opaque") current.opaque = val;
      }
      s = s.slice(param[0].length);
      continue;
    }
    const tok = TOKEN.exec(s);
    if (!tok) break;
    current = { scheme: tok[0], params: 0 };
    out.push(current);
    s = s.slice(tok[0].length);
    // token68 (e.g. Negotiate data) right after the scheme
    const t68 = /^ +[A-Za-z0-9._~+/-]+=*(?=\s*(,|$))/.exec(s);
    if (t68 && !/=\s*[^=\s,]/.test(t68[0])) s = s.slice(t68[0].length);
  }
  return out.slice(0, 8).map(({ params: _p, ...c }) => c);
}

export interface Hsts {
  maxAge?: number;
  includeSubDomains: boolean;
  preload: boolean;
  /** directives that did not parse (RFC 6797 §6.1: such a header is to be ignored when max-age is bad) */
  problems: string[];
}

export function parseHsts(value: string): Hsts {
  const out: Hsts = { includeSubDomains: false, preload: false, problems: [] };
  const seen = new Set<string>();
  for (const part of value.slice(0, 4096).split(";").slice(0, 16)) {
    const m = /^\s*([!#$%&'*+.^_`|~0-9A-Za-z-]+)\s*(?:=\s*("?)(\d{1,12})\2)?\s*$/.exec(part);
    if (!m) {
      if (part.trim()) out.problems.push(`unparsed directive ${JSON.stringify(part.trim().slice(0, 40))}`);
      continue;
    }
    const name = m[1]!.toLowerCase();
    if (seen.has(name)) out.problems.push(`${name} repeated`); // RFC 6797 §6.1: each directive at most once
    seen.add(name);
    if (name === "max-age") {
      if (m[3] === undefined) out.problems.push("max-age without a value");
      else out.maxAge = Number(m[3]);
    } else if (name === "includesubdomains") out.includeSubDomains = true;
    else if (name === "preload") out.preload = true;
  }
  return out;
}

/** The first product token of a Server / X-Powered-By value: "nginx/1.22.1 (Debian)" -> nginx, 1.22.1. */
export function productToken(value: string): { product: string; version?: string } | undefined {
  const m = /^\s*([A-Za-z0-9][A-Za-z0-9._+-]{0,63})(?:\/([A-Za-z0-9._+-]{1,40}))?/.exec(value.slice(0, 256));
  if (!m) return undefined;
  return { product: m[1]!, ...(m[2] ? { version: m[2] } : {}) };
}
