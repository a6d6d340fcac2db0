// The core knows no protocol (plugin contract v2): no file in src/ names a plugin id or one of its
// URL schemes in code. What is checked, precisely: every identifier (split at camelCase, `_` and
// `$` into words) and the text of every string, template and regular-expression literal (with
// http(s) URLs and URL-scheme checks removed: documentation links are not protocol names), compared word by word,
// case-insensitively, with the registry's plugin ids and schemes and the surface service names.
// Comments are not checked (they may explain with an example). Two files hold the Secure by Demand
// guide's own wording, which names protocols as examples of open standards; they are listed below.
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { PLUGINS, SURFACE_PORTS } from "../../probes/registry.js";
import { PACKAGE_ROOT } from "../../src/version.js";

/** Files whose strings are the guide's prose (element text and vendor questions), not code. */
const GUIDE_WORDING = new Set(["src/catalog/elements.ts", "src/evidence/questions.ts"]);

/**
 * A plugin id that is also a transport layer the core offers to every plugin: the transport kit
 * (src/net) connects over TLS for any protocol (ConnectOptions.tls), and transcripts say that TLS
 * payloads appear decrypted; the dashboard (`otaudit serve`) is itself served over TLS (its
 * --tls-cert/--tls-key/--tls-client-ca options); the PostgreSQL store's TLS trusts the operator's
 * extra CAs (src/net/extra-ca.ts). Naming the layer there is not naming the tls plugin. word -> files.
 */
const TRANSPORT_LAYER: Record<string, ReadonlySet<string>> = {
  tls: new Set([
    "src/net/tcp.ts",
    "src/net/tls-session.ts",
    "src/net/tls-observe.ts",
    "src/net/extra-ca.ts",
    "src/fixtures/transcript.ts",
    "src/cli/commands/serve.ts",
    "src/cli/serve-run.ts",
    "src/cli/option-types.ts",
    "src/serve/server.ts",
  ]),
};

export interface Token {
  kind: "identifier" | "string";
  text: string;
  line: number;
}

/**
 * A small TypeScript tokenizer: enough to tell comments, strings (with nested template
 * expressions), regular-expression literals and identifiers apart.
 */
export function tokens(src: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  let line = 1;
  let prev = ""; // last significant character, to tell a regex literal from a division
  const templateDepth: number[] = []; // brace depth at which each open template expression resumes
  let braces = 0;
  const readString = (quote: string) => {
    let text = "";
    i++;
    while (i < src.length && src[i] !== quote) {
      if (src[i] === "\\") {
        text += src[i + 1] ?? "";
        i += 2;
        continue;
      }
      if (src[i] === "\n") line++;
      text += src[i++];
    }
    i++;
    return text;
  };
  const readTemplate = () => {
    // from just after ` or } up to the closing ` or the next ${
    let text = "";
    while (i < src.length) {
      const c = src[i]!;
      if (c === "\\") {
        text += src[i + 1] ?? "";
        i += 2;
        continue;
      }
      if (c === "`") {
        i++;
        out.push({ kind: "string", text, line });
        return;
      }
      if (c === "$" && src[i + 1] === "{") {
        i += 2;
        out.push({ kind: "string", text, line });
        templateDepth.push(braces);
        braces++;
        return;
      }
      if (c === "\n") line++;
      text += c;
      i++;
    }
  };
  while (i < src.length) {
    const c = src[i]!;
    if (c === "\n") {
      line++;
      i++;
      continue;
    }
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (c === "/" && src[i + 1] === "/") {
      while (i < src.length && src[i] !== "\n") i++;
      continue;
    }
    if (c === "/" && src[i + 1] === "*") {
      const end = src.indexOf("*/", i + 2);
      const stop = end < 0 ? src.length : end + 2;
      line += src.slice(i, stop).split("\n").length - 1;
      i = stop;
      continue;
    }
    if (c === '"' || c === "'") {
      out.push({ kind: "string", text: readString(c), line });
      prev = "a";
      continue;
    }
    if (c === "`") {
      i++;
      readTemplate();
      prev = "a";
      continue;
    }
    if (c === "/" && (prev === "" || /[(,=:[!&|?{};+\-*%<>~^]/.test(prev))) {
      // a regular-expression literal
      let text = "";
      let inClass = false;
      i++;
      while (i < src.length && (src[i] !== "/" || inClass) && src[i] !== "\n") {
        if (src[i] === "\\") {
          text += src.slice(i, i + 2);
          i += 2;
          continue;
        }
        if (src[i] === "[") inClass = true;
        if (src[i] === "]") inClass = false;
        text += src[i++];
      }
      i++;
      while (/[a-z]/.test(src[i] ?? "")) i++;
      out.push({ kind: "string", text, line });
      prev = "a";
      continue;
    }
    if (/[A-Za-z_$]/.test(c)) {
      let j = i;
      while (j < src.length && /[A-Za-z0-9_$]/.test(src[j]!)) j++;
      const word = src.slice(i, j);
      out.push({ kind: "identifier", text: word, line });
      i = j;
      prev = ["return", "typeof", "case", "of", "in"].includes(word) ? "=" : "a";
      continue;
    }
    if (c === "{") braces++;
    if (c === "}") {
      braces--;
      if (templateDepth.length && templateDepth[templateDepth.length - 1] === braces) {
        templateDepth.pop();
        i++;
        readTemplate();
        prev = "a";
        continue;
      }
    }
    prev = c;
    i++;
  }
  return out;
}

/** Words of a token: identifiers split at camelCase and `_`; strings at anything not a letter or digit. */
export function words(t: Token): string[] {
  if (t.kind === "identifier")
    return t.text
      .replace(/([a-z0-9])([A-Z])/g, "$1 $2")
      .split(/[\s_$]+/)
      .filter(Boolean)
      .map((w) => w.toLowerCase());
  // documentation links, URL scheme checks (/^https?$/, "an http(s) URL"), HTML's http-equiv and
  // Node's own web server modules (the dashboard, src/serve/, is served over them: no device protocol)
  const text = t.text.replace(/https?:\/\/\S+/g, " ").replace(/\bhttps?(?=[:?$(])|\bhttp-equiv\b|^node:https?$/gi, " ");
  return text
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sourceFiles(join(dir, e.name)) : e.name.endsWith(".ts") ? [join(dir, e.name)] : [],
  );
}

/** Plugin ids, the words of their schemes (opc.tcp -> "opc tcp"), and the surface service names. */
function forbidden(): { single: Set<string>; phrases: string[][] } {
  const single = new Set<string>();
  const phrases: string[][] = [];
  for (const name of [...PLUGINS.flatMap((p) => [p.id, ...p.schemes]), ...SURFACE_PORTS.map((s) => s.service)]) {
    const w = name
      .toLowerCase()
      .split(/[^a-z0-9]+/)
      .filter(Boolean);
    if (w.length === 1) single.add(w[0]!);
    else phrases.push(w);
  }
  return { single, phrases };
}

export function protocolNames(src: string): { line: number; word: string }[] {
  const { single, phrases } = forbidden();
  const hits: { line: number; word: string }[] = [];
  for (const t of tokens(src)) {
    const w = words(t);
    for (const x of w) if (single.has(x)) hits.push({ line: t.line, word: x });
    for (const p of phrases)
      for (let k = 0; k + p.length <= w.length; k++) if (p.every((x, j) => w[k + j] === x)) hits.push({ line: t.line, word: p.join(".") });
  }
  return hits;
}

describe("no protocol ids in src/", () => {
  it("the tokenizer sees identifiers and strings, not comments", () => {
    const hits = protocolNames(
      `// ssh in a comment\n/* modbus */ const sshKey = "x"; const y = \`a \${z} snmp\`; const r = /opc\\.tcp/; const ok = "https://ssh.com/x";`,
    );
    expect(hits).toEqual([
      { line: 2, word: "ssh" },
      { line: 2, word: "snmp" },
      { line: 2, word: "opc.tcp" },
    ]);
  });

  it("no file in src/ names a plugin id, scheme or surface service in code", () => {
    const offenders: string[] = [];
    for (const file of sourceFiles(join(PACKAGE_ROOT, "src"))) {
      const rel = relative(PACKAGE_ROOT, file).split("\\").join("/");
      if (GUIDE_WORDING.has(rel)) continue;
      for (const h of protocolNames(readFileSync(file, "utf8"))) if (!TRANSPORT_LAYER[h.word]?.has(rel)) offenders.push(`${rel}:${h.line}: ${h.word}`);
    }
    expect(offenders).toEqual([]);
  });
});
