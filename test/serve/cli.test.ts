// `otaudit serve` through the built CLI: bad options exit 2 with one line naming the option (off
// loopback without a token or client certificates, an unsupported URL scheme, both inputs or none, a short
// token); a served store answers on the printed address, the token is required and never printed,
// SIGTERM stops it with exit 0.
import { spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BIN, runOtaudit } from "../helpers/cli.js";
import { makeStore, type TestStore } from "./helpers.js";

const TOKEN = "cli-token-9f8e7d6c5b4a3210";

describe("otaudit serve (CLI)", () => {
  let store: TestStore;
  beforeAll(() => {
    store = makeStore(8, 2);
  }, 60_000);
  afterAll(() => store?.cleanup());

  it("refuses what it cannot serve safely: exit 2, one line naming the option", async () => {
    const short = join(store.dir, "short.token");
    writeFileSync(short, "tooshort\n");
    const cases: [string[], RegExp, NodeJS.ProcessEnv?][] = [
      [["serve", "--db", store.file, "--host", "0.0.0.0"], /--host 0\.0\.0\.0: not a loopback address; the dashboard then needs a token/],
      [["serve", "--db", "mysql://auditor:pw@db.example/otaudit"], /--db: unsupported database URL scheme/],
      [["serve", "--db-env", "OTAUDIT_SERVE_TEST_UNSET"], /--db-env OTAUDIT_SERVE_TEST_UNSET: the environment variable is not set/],
      [["serve"], /RESULT: give result documents/],
      [["serve", "a.json", "--db", store.file], /--db: give either result documents or a sweep store, not both/],
      [["serve", "--db", store.file, "--token-file", short], /--token-file .*short\.token: the token must have at least 16 characters/],
      [["serve", "--db", store.file, "--tls-cert", "c.pem"], /--tls-key: needed with --tls-cert/],
      [["serve", "--db", join(store.dir, "missing.db")], /--db .*missing\.db: no such store/],
      [["serve", "--db", store.file, "--port", "70000"], /--port expects a whole number from 0 to 65535/],
    ];
    for (const [args, message, env] of cases) {
      const r = await runOtaudit(args, { env });
      expect(r.code, args.join(" ")).toBe(2);
      expect(r.stderr).toMatch(message);
      expect(r.stderr).not.toContain("tooshort");
      expect(r.stderr).not.toContain("auditor:pw");
    }
  }, 60_000);

  it("help fits 80 columns", async () => {
    const r = await runOtaudit(["serve", "--help"], { env: { COLUMNS: "80" } });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("--token-file");
    expect(r.stdout.split("\n").filter((l) => l.length > 80)).toEqual([]);
  });

  it("serves the store on the printed address, wants the token, never prints it, stops on SIGTERM", async () => {
    const child = spawn(process.execPath, [BIN, "serve", "--db", store.file, "--port", "0"], {
      env: { ...process.env, NO_COLOR: "1", OTAUDIT_SERVE_TOKEN: TOKEN },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    const exited = new Promise<number | null>((r) => child.on("close", (code) => r(code)));
    try {
      await expect.poll(() => /on (http:\/\/127\.0\.0\.1:\d+\/)/.exec(stdout)?.[1], { timeout: 30_000 }).toBeTruthy();
      const url = /on (http:\/\/127\.0\.0\.1:\d+\/)/.exec(stdout)![1]!;
      expect(stdout).toContain("fleet.db (2 sweeps)");
      expect((await fetch(`${url}api/meta`)).status).toBe(401);
      const meta = (await (await fetch(`${url}api/meta`, { headers: { Authorization: `Bearer ${TOKEN}` } })).json()) as {
        sweeps: unknown[];
        readOnly: boolean;
      };
      expect(meta.sweeps).toHaveLength(2);
      expect(meta.readOnly).toBe(true);
      expect((await fetch(url, { method: "POST" })).status).toBe(405);
    } finally {
      child.kill("SIGTERM");
    }
    expect(await exited).toBe(0);
    expect(stdout + stderr).not.toContain(TOKEN);
  }, 60_000);
});
