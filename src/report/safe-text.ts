// THE escaping boundary for human-readable output (issue 13 "Nothing injected"). Device strings
// (banners, vendor names, endpoint URLs, error reasons, sysDescr...) and operator files may carry
// terminal control sequences (ESC[2J clears the screen and can paint a fake scorecard), BEL, lone
// CR (overwrites a line), NUL, C1 controls (0x9B is a one-byte CSI), bidi overrides and isolates
// (U+202A-U+202E, U+2066-U+2069 reorder what a reader sees) and other invisible format characters.
// Every human output passes through here: the terminal scorecard and sweep summary, Markdown, CSV,
// HTML, JUnit, SARIF, compare, stderr messages and the CLI's error lines. Such characters become a
// visible escape (`\x1b`, `\r`, `\u202e`); nothing is dropped, so the reader sees that they were
// there. The JSON result document is NOT passed through here: it keeps the exact content (JSON
// escapes control characters itself), and evidence keeps exact bytes.
//
// Use `safeText(s)` for one string, `humanView(doc)` for a result document before rendering it.
import type { ResultDocument } from "../model/result.js";

/**
 * C0 controls, DEL, C1 controls (\p{Cc}); format characters (\p{Cf}: bidi embeddings, overrides and
 * isolates, zero-width characters, BOM, soft hyphen, language tags); line and paragraph separators
 * (U+2028, U+2029); lone surrogates (not text at all).
 */
const UNSAFE = /[\p{Cc}\p{Cf}\u2028\u2029]|[\uD800-\uDFFF]/gu;
const UNSAFE_TEST = /[\p{Cc}\p{Cf}\u2028\u2029]|[\uD800-\uDFFF]/u;
/** Multi-line text keeps LF (and CRLF, as LF); everything else unsafe, including a lone CR, is escaped. */
const UNSAFE_MULTILINE = /\r\n|[\p{Cc}\p{Cf}\u2028\u2029]|[\uD800-\uDFFF]/gu;

const NAMED: Record<string, string> = { "\n": "\\n", "\r": "\\r", "\t": "\\t" };

function escapeChar(c: string): string {
  const named = NAMED[c];
  if (named) return named;
  const cp = c.codePointAt(0)!;
  if (cp < 0x100) return `\\x${cp.toString(16).padStart(2, "0")}`;
  if (cp <= 0xffff) return `\\u${cp.toString(16).padStart(4, "0")}`;
  return `\\u{${cp.toString(16)}}`;
}

/** One line of human-readable text: every control or invisible format character is shown escaped. */
export function safeText(s: string): string {
  return UNSAFE_TEST.test(s) ? s.replace(UNSAFE, escapeChar) : s;
}

/** Like safeText, but line feeds (and CRLF) stay line breaks; a lone CR is still escaped. */
export function safeMultiline(s: string): string {
  return UNSAFE_TEST.test(s) ? s.replace(UNSAFE_MULTILINE, (c) => (c === "\r\n" || c === "\n" ? "\n" : escapeChar(c))) : s;
}

/** True when safeText would change `s`. */
export function hasUnsafeText(s: string): boolean {
  return UNSAFE_TEST.test(s);
}

/** safeText, capped to `max` characters (for error lines quoting operator input). */
export function safeExcerpt(s: string, max = 160): string {
  const cut = s.length > max ? s.slice(0, max) : s;
  const out = safeText(cut);
  return s.length > max ? `${out}... (${s.length - max} more characters)` : out;
}

/** Deep copy of a JSON-like value with every string (and object key) passed through safeText. */
export function safeDeep<T>(value: T): T {
  return walk(value) as T;
}

function walk(v: unknown): unknown {
  if (typeof v === "string") return safeText(v);
  if (v === null || typeof v !== "object") return v;
  if (Array.isArray(v)) {
    const out = new Array<unknown>(v.length);
    for (let i = 0; i < v.length; i++) out[i] = walk(v[i]);
    return out;
  }
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(v)) {
    const val = (v as Record<string, unknown>)[k];
    if (val !== undefined) out[safeText(k)] = walk(val);
  }
  return out;
}

const VIEWS = new WeakSet<object>();

/**
 * The result document as human renderers may show it: every string escaped (safeText), and the
 * protocols' raw facts (`facts.*.data`, which no human report prints) left out, so the copy stays
 * small next to the document. Idempotent and cheap on a view it made itself.
 */
export function humanView(doc: ResultDocument): ResultDocument {
  if (VIEWS.has(doc)) return doc;
  const { devices, ...rest } = doc;
  const view = {
    ...(safeDeep(rest) as Omit<ResultDocument, "devices">),
    devices: devices.map((d) => {
      const { facts, ...dev } = d;
      const lean: Record<string, unknown> = {};
      for (const [id, envelope] of Object.entries(facts)) {
        const { data: _data, ...env } = envelope;
        lean[safeText(id)] = safeDeep(env);
      }
      return { ...(safeDeep(dev) as Omit<typeof d, "facts">), facts: lean as typeof facts };
    }),
  } as ResultDocument;
  VIEWS.add(view);
  return view;
}
