// Secret hygiene: every secret the tool loads is registered here, and everything written out
// (logs, result documents, reports) passes through scrub(), which replaces any registered value.
const secrets = new Set<string>();
const REDACTED = "[redacted]";

/** Register a secret value (password, community, key passphrase). Short values are still scrubbed. */
export function registerSecret(value: string | undefined): void {
  if (value && value.length > 0) secrets.add(value);
}

export function registeredSecretCount(): number {
  return secrets.size;
}

/** Replace every registered secret in a string. Longest first so overlapping secrets scrub fully. */
export function scrub(text: string): string {
  if (secrets.size === 0) return text;
  let out = text;
  for (const s of [...secrets].sort((a, b) => b.length - a.length)) {
    if (out.includes(s)) out = out.split(s).join(REDACTED);
  }
  return out;
}

/** Deep-scrub a JSON-serialisable value. */
export function scrubDeep<T>(value: T): T {
  if (secrets.size === 0) return value;
  return JSON.parse(scrub(JSON.stringify(value))) as T;
}

/** For tests only. */
export function clearSecretsForTest(): void {
  secrets.clear();
}
