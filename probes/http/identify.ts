// Products and versions a web service shows (facts only, for version-based advisories): the Server
// and X-Powered-By product tokens (RFC 9110 §10.2.4), the page title, and firmware hints matched by
// probes/http/data/web.yaml patterns. Device text is kept as received; the report escapes it.
import type { ObservedProduct } from "../../src/plugin.js";
import type { HttpFacts } from "./facts.js";
import { productToken } from "./headers.js";

export function identifyHttp(facts: HttpFacts): ObservedProduct[] {
  const out: ObservedProduct[] = [];
  const seen = new Set<string>();
  const add = (p: ObservedProduct) => {
    const key = `${p.source}|${p.raw}`;
    if (!seen.has(key) && out.length < 16) out.push(p), seen.add(key);
  };
  for (const s of facts.services) {
    for (const e of s.exchanges) {
      for (const h of e.headers) {
        const name = h.name.toLowerCase();
        if (name !== "server" && name !== "x-powered-by") continue;
        const t = productToken(h.value);
        if (t)
          add({ product: t.product, ...(t.version ? { version: t.version } : {}), source: `http ${name} header`, raw: h.value.slice(0, 256), port: s.port });
      }
      const hint = e.hints.find((x) => x.id === "firmware-version" || x.id === "software-version");
      if (e.title || hint)
        add({
          ...(e.title ? { text: e.title.slice(0, 200) } : {}),
          ...(hint ? { version: hint.value } : {}),
          source: hint ? "http page firmware hint" : "http page title",
          raw: [e.title, ...e.hints.map((x) => `${x.id}=${x.value}`)].filter(Boolean).join("; ").slice(0, 256),
          port: s.port,
        });
    }
  }
  return out;
}
