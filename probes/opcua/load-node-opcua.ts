// Loading node-opcua quickly and quietly. On Node 20, node-opcua-secure-channel runs a diagnostic
// at import (verify_pcks1.js): it generates a 4096-bit RSA key to test whether RSA PKCS#1 v1.5
// decryption works (CVE-2023-46809) and only logs warning W27. That key generation costs about a
// second of CPU and delays process exit. We never open Basic128Rsa15 (the policy that needs it;
// it is detected from the endpoint list), so the diagnostic is skipped: it returns early for
// Node >= 22, and process.version reads as such *only while the import runs*. It is the only
// place in node-opcua that reads process.version (checked for 2.182.2). node-opcua's own loggers
// go to our logger / nowhere instead of stdout (which may carry `--json -`).
//
// The node-opcua packages are CommonJS and are required, not imported: an `import()` of CommonJS
// from ES modules runs Node's cjs-module-lexer over the package and every module it re-exports,
// to name the exports; for node-opcua-client that was ~0.5 s of a ~1.4 s load here (require: ~0.9 s).
import { createRequire } from "node:module";

const requireHere = createRequire(import.meta.url);

/** A node-opcua package (CommonJS), required synchronously: `requireNodeOpcua<typeof import("x")>("x")`. */
export function requireNodeOpcua<T>(name: string): T {
  return requireHere(name) as T;
}

type Sink = (...args: unknown[]) => void;

export function routeNodeOpcuaLogs(sink: Sink): void {
  const debug = requireNodeOpcua<typeof import("node-opcua-debug")>("node-opcua-debug");
  debug.setDebugLogger(sink);
  debug.setWarningLogger(sink);
  debug.setErrorLogger(sink);
}

export async function importSkippingPkcs1Diagnostic<T>(load: () => Promise<T>): Promise<T> {
  const original = Object.getOwnPropertyDescriptor(process, "version");
  const major = Number(/^v(\d+)/.exec(process.version)?.[1] ?? 0);
  if (!original || major >= 22) return load();
  Object.defineProperty(process, "version", { ...original, value: "v22.0.0-otaudit-import" });
  try {
    return await load();
  } finally {
    Object.defineProperty(process, "version", original);
  }
}
