// What the http probe reads from a page, without a DOM and in linear time over at most 256 KiB: the
// <title>, forms (action, method, their inputs' names and types; hidden values kept only in memory
// for the intrusive form login), password inputs outside any form (script-driven logins), a meta
// refresh target (HTML §4.2.5.3 "refresh" pragma), and firmware/product hints from the knowledge file.
// Tags are found with indexOf on a lower-cased copy; attribute text is read from bounded slices.

export interface FormInput {
  name: string;
  type: string;
  /** hidden inputs only (a CSRF token, a language field), kept for the intrusive form login; never in facts */
  value?: string;
}

export interface PageForm {
  action: string;
  method: string;
  inputs: FormInput[];
}

export interface PageScan {
  title?: string;
  forms: PageForm[];
  /** password inputs outside any form */
  loosePasswordInputs: number;
  metaRefresh?: string;
}

const MAX_FORMS = 16;
const MAX_INPUTS = 64;
const TAG_MAX = 2048;

/** One attribute of a tag's text (quoted or not); HTML character references &amp; &quot; &#39; &lt; &gt; decoded. */
export function attr(tag: string, name: string): string | undefined {
  const re = new RegExp(`[\\s"'/]${name}\\s*=\\s*(?:"([^"]{0,2048})"|'([^']{0,2048})'|([^\\s"'>]{0,2048}))`, "i");
  const m = re.exec(tag);
  if (!m) return undefined;
  return decodeEntities(m[1] ?? m[2] ?? m[3] ?? "");
}

export function decodeEntities(s: string): string {
  return s.replace(
    /&(amp|quot|#39|apos|lt|gt|#x2f|#47);/gi,
    (_, e: string) => ({ amp: "&", quot: '"', "#39": "'", apos: "'", lt: "<", gt: ">", "#x2f": "/", "#47": "/" })[e.toLowerCase()] ?? _,
  );
}

/** The tag text from `<` at `at` to its `>` (bounded). */
function tagAt(html: string, at: number): string {
  const s = html.slice(at, at + TAG_MAX);
  const end = s.indexOf(">");
  return end < 0 ? s : s.slice(0, end + 1);
}

export function scanPage(html: string): PageScan {
  const lower = html.toLowerCase();
  const out: PageScan = { forms: [], loosePasswordInputs: 0 };
  const t = lower.indexOf("<title");
  if (t >= 0) {
    const open = lower.indexOf(">", t);
    const close = open >= 0 ? lower.indexOf("</title", open) : -1;
    if (open >= 0)
      out.title = decodeEntities(html.slice(open + 1, close >= 0 ? Math.min(close, open + 1 + 512) : Math.min(html.length, open + 1 + 512)))
        .replace(/\s+/g, " ")
        .trim();
  }
  // forms and their inputs: an input belongs to the last form opened before it and not yet closed
  const formStarts: { at: number; end: number; form: PageForm }[] = [];
  for (let i = lower.indexOf("<form"); i >= 0 && formStarts.length < MAX_FORMS; i = lower.indexOf("<form", i + 5)) {
    const tag = tagAt(html, i);
    const close = lower.indexOf("</form", i);
    formStarts.push({
      at: i,
      end: close < 0 ? html.length : close,
      form: { action: attr(tag, "action") ?? "", method: (attr(tag, "method") ?? "get").toLowerCase().slice(0, 16), inputs: [] },
    });
  }
  let inputs = 0;
  for (let i = lower.indexOf("<input"); i >= 0 && inputs < MAX_INPUTS * MAX_FORMS; i = lower.indexOf("<input", i + 6)) {
    inputs++;
    const tag = tagAt(html, i);
    const type = (attr(tag, "type") ?? "text").toLowerCase().slice(0, 32);
    const name = (attr(tag, "name") ?? attr(tag, "id") ?? "").slice(0, 128);
    const owner = [...formStarts].reverse().find((f) => f.at < i && i < f.end);
    if (!owner) {
      if (type === "password") out.loosePasswordInputs++;
      continue;
    }
    if (owner.form.inputs.length >= MAX_INPUTS) continue;
    const input: FormInput = { name, type };
    if (type === "hidden") input.value = (attr(tag, "value") ?? "").slice(0, 512);
    owner.form.inputs.push(input);
  }
  out.forms = formStarts.map((f) => f.form);
  let metas = 0;
  for (let i = lower.indexOf("<meta"); i >= 0 && metas++ < 64; i = lower.indexOf("<meta", i + 5)) {
    const tag = tagAt(html, i);
    if ((attr(tag, "http-equiv") ?? "").toLowerCase() !== "refresh") continue;
    const m = /^\s*\d*(?:\.\d*)?\s*[;,]?\s*(?:url\s*=\s*)?['"]?([^'"]*)/i.exec(attr(tag, "content") ?? "");
    if (m?.[1]) out.metaRefresh = m[1].trim().slice(0, 2048);
    break;
  }
  return out;
}

/** Firmware / product hints: the first match of each pattern (patterns from probes/http/data/web.yaml). */
export function findHints(text: string, patterns: readonly { id: string; regex: RegExp }[], max = 8): { id: string; value: string }[] {
  const out: { id: string; value: string }[] = [];
  for (const p of patterns) {
    if (out.length >= max) break;
    const m = p.regex.exec(text);
    if (m) out.push({ id: p.id, value: (m[1] ?? m[0]).slice(0, 120) });
  }
  return out;
}
