// The stderr boundary scrubs registered secrets like logs and reports do: warnings, --verbose
// lines, the status line and the top-level error lines (src/cli/ui.ts, src/cli/main.ts).
import { afterEach, describe, expect, it, vi } from "vitest";
import { runCli } from "../../src/cli/main.js";
import { setUi, status, verbose, warn } from "../../src/cli/ui.js";
import { clearSecretsForTest, registerSecret } from "../../src/secrets.js";

const CANARY = "Canary-Pw-5c1e07";

describe("stderr scrubbing", () => {
  const saved = status.stream;
  afterEach(() => {
    status.stream = saved;
    setUi({});
    clearSecretsForTest();
    vi.restoreAllMocks();
  });

  it("warn, verbose and the status line never show a registered secret", () => {
    let written = "";
    status.stream = { isTTY: true, write: (s: string) => ((written += s), true) } as unknown as NodeJS.WriteStream;
    setUi({ verbose: true });
    registerSecret(CANARY);
    warn(`login failed with ${CANARY}`);
    verbose(`device said ${CANARY}`);
    status.set(`status ${CANARY}`, true);
    status.clear();
    expect(written).not.toContain(CANARY);
    expect(written).toContain("login failed with [redacted]");
    expect(written).toContain("device said [redacted]");
  });

  it("a usage error line quoting a secret is scrubbed (exit 2)", async () => {
    registerSecret(CANARY);
    let err = "";
    vi.spyOn(process.stderr, "write").mockImplementation((s: string | Uint8Array) => ((err += String(s)), true));
    const code = await runCli(["scan", "--from-facts", `/nonexistent/${CANARY}/recording.json`]);
    expect(code).toBe(2);
    expect(err).toContain("[redacted]");
    expect(err).not.toContain(CANARY);
  });
});
