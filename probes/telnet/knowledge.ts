// Typed access to the Telnet plugin's knowledge: prompt patterns (probes/telnet/data/prompts.yaml)
// and factory-default accounts (shared format, src/knowledge/default-credentials.ts).
import { z } from "zod";
import { loadDataFile } from "../../src/data.js";
import { loadDefaultCredentials, type DefaultCredentialsFile } from "../../src/knowledge/default-credentials.js";

export const PROMPTS_FILE = "probes/telnet/data/prompts.yaml";
export const DEFAULT_CREDENTIALS_FILE = "probes/telnet/data/default-credentials.yaml";
/** characters of device text a pattern ever looks at */
export const MAX_MATCH_TEXT = 256;

const Kind = z.object({ patterns: z.array(z.string().min(1)).min(1), examples: z.array(z.string()).min(1), counter: z.array(z.string()).default([]) }).strict();
export const PromptsFile = z.object({ password: Kind, login: Kind, command: Kind, failure: Kind, success: Kind }).strict();
export type PromptsFile = z.infer<typeof PromptsFile>;
export type PromptKind = "password" | "login" | "command" | "none";

export function prompts(): PromptsFile {
  return loadDataFile(PROMPTS_FILE, PromptsFile);
}

export function defaultCredentials(): DefaultCredentialsFile {
  return loadDefaultCredentials(DEFAULT_CREDENTIALS_FILE);
}

const compiled = new Map<string, RegExp>();
function re(p: string): RegExp {
  let r = compiled.get(p);
  if (!r) compiled.set(p, (r = new RegExp(p, "i")));
  return r;
}

export function matchesKind(kind: keyof PromptsFile, text: string, file = prompts()): boolean {
  const t = text.length > MAX_MATCH_TEXT ? text.slice(-MAX_MATCH_TEXT) : text;
  return file[kind].patterns.some((p) => re(p).test(t));
}

/** The last line of NVT text (after the last LF; CR and NUL removed), as a prompt would be. */
export function lastLine(text: string): string {
  const line = text.slice(text.lastIndexOf("\n") + 1);
  return line.replace(/[\r\0]/g, "").slice(-MAX_MATCH_TEXT);
}

/** What the last line asks for: password, login, a command prompt, or nothing recognised. */
export function classifyPrompt(text: string, file = prompts()): PromptKind {
  const line = lastLine(text);
  if (line.trim() === "") return "none";
  if (matchesKind("password", line, file)) return "password";
  if (matchesKind("login", line, file)) return "login";
  if (matchesKind("command", line, file)) return "command";
  return "none";
}

/** Device text for a human-readable field: control characters (C0, DEL, C1) shown as \xNN. */
export function printable(text: string): string {
  return text.replace(/[\x00-\x1f\x7f-\x9f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, "0")}`);
}
