// Every command in the READMEs' shell code blocks (README.md, fixtures/library/README.md), and what
// the test suite does with it: run it (in which test file), or exclude it with a reason. A README
// command that is neither fails test/readme/coverage.test.ts, so a new example must be run or its
// exclusion explained. Hosts in the examples stand for devices: the tests substitute simulated
// devices served on the default ports of a loopback address (test/readme/devices.ts).
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { PACKAGE_ROOT } from "../../src/version.js";

export const READMES = ["README.md", "fixtures/library/README.md"];

export interface ReadmeCommand {
  file: string;
  line: number;
  /** the command as written, continuation lines joined, trailing comment and `&` removed */
  text: string;
}

/** Commands of shell code blocks (```sh, ```bash or unlabeled) that start with otaudit, npx or npm. */
export function readmeCommands(): ReadmeCommand[] {
  const out: ReadmeCommand[] = [];
  for (const file of READMES) {
    const lines = readFileSync(join(PACKAGE_ROOT, file), "utf8").split("\n");
    let inShell = false;
    let inBlock = false;
    for (let i = 0; i < lines.length; i++) {
      const fence = /^```(\w*)\s*$/.exec(lines[i]!);
      if (fence) {
        inShell = !inBlock && ["", "sh", "bash", "shell"].includes(fence[1]!);
        inBlock = !inBlock;
        continue;
      }
      if (!inShell) continue;
      let text = lines[i]!;
      const start = i;
      while (/\\\s*$/.test(text) && i + 1 < lines.length) text = text.replace(/\\\s*$/, " ") + lines[++i]!.trim();
      text = text
        .replace(/\s+#.*$/, "")
        .replace(/\s*&\s*$/, "")
        .replace(/\s+/g, " ")
        .trim();
      if (/^(otaudit|npx|npm)\b/.test(text)) out.push({ file, line: start + 1, text });
    }
  }
  return out;
}

/** Which test file runs a command. */
export type Suite = "workflows" | "scan" | "sweep" | "offline";

export type Disposition = { suite: Suite } | { excluded: string };

/**
 * The disposition of every README command (keyed by its text). Commands that can run offline are
 * run; substitutions: hosts 192.0.2.10, 10.0.5.20 and plc-7 -> a simulated legacy PLC, 10.20.0.0/24
 * -> a loopback range with simulated devices; file names -> the repository's example files copied
 * to the command's working folder under the README's names.
 */
export const DISPOSITIONS: Record<string, Disposition> = {
  // README.md: Quick start
  "npm install && npx otaudit demo": {
    excluded:
      "installs from the npm registry (network); `otaudit demo` itself is run by test/integration/demo.test.ts, whose use of it coverage.test.ts checks",
  },
  "npm test": { excluded: "the suite this test is part of (it would run itself)" },
  // Three ways to use it
  "otaudit scan 192.0.2.10 --credentials bench.yaml --intrusive --modbus-write 1:holding:40 --evidence vendor-evidence.yaml --advisories vendor-csaf.json --format html,junit --out acceptance/ --json acceptance/result.json --fail-on high":
    { suite: "workflows" },
  "otaudit compare vendor-a/result.json vendor-b/result.json --out compare/ --weights policy.yaml": { suite: "workflows" },
  "otaudit sweep plant-inventory.csv --db plant.db --json fleet.json --format html,csv --out fleet/": { suite: "sweep" },
  "otaudit record ssh://plc-7 snmp://plc-7 modbus://plc-7 --out plc-7.json": { suite: "workflows" },
  "otaudit scan --from-facts plc-7.json --format junit --out reports/ --fail-on high": { suite: "workflows" },
  "otaudit simulate plc-7.json --host 127.0.0.5": { suite: "workflows" },
  // Scanning
  "otaudit scan 10.0.5.20": { suite: "scan" },
  "otaudit scan 10.0.5.20:502 [fd00::7]:4840": { suite: "scan" },
  "otaudit scan ssh://10.0.5.20:22 opc.tcp://10.0.5.20:4840/UA/Server --json result.json": { suite: "scan" },
  "otaudit scan modbus://plc-7 modbus+tls://plc-7:802 snmp://plc-7 --fail-on medium": { suite: "scan" },
  "otaudit scan 10.0.5.20 --advisories vendor-csaf.json,fixtures/advisories/openssh.advisories.yaml": { suite: "scan" },
  // Reports and procurement
  "otaudit scan 10.0.5.20 --format html,sarif,junit,csv,md --out reports/ --evidence vendor.yaml --waivers waivers.yaml": { suite: "scan" },
  "otaudit report result.json --format html,sarif --out reports/": { suite: "offline" },
  "otaudit compare vendor-a.json vendor-b.json --out compare/ --weights policy.yaml": { suite: "offline" },
  "otaudit rfp --out rfp/": { suite: "offline" },
  "otaudit evidence init --out vendor.yaml": { suite: "offline" },
  // Policies, IEC 62443-4-2 capability and exports
  "otaudit scan --from-facts fixtures/library/hardened-controller/recording.json --json hardened.json": { suite: "offline" },
  "otaudit policy make hardened.json --out golden.yaml": { suite: "offline" },
  "otaudit scan --from-facts fixtures/library/legacy-plc/recording.json --policy golden.yaml --format sarif,junit --out policy-reports/": { suite: "offline" },
  "otaudit report hardened.json --policy iec62443-4-2-sl2 --format capability,defectdojo,ocsf,cyclonedx --out exports/": { suite: "offline" },
  "otaudit policy list": { suite: "offline" },
  "otaudit evidence check --evidence vendor.yaml": { suite: "offline" },
  "otaudit report --db plant.db --format html --out reports/": { suite: "sweep" },
  "otaudit serve --db plant.db": {
    excluded: "a long-running server; test/serve/cli.test.ts runs `otaudit serve --db` on a sweep store and stops it with SIGTERM",
  },
  "otaudit serve before.json after.json": {
    excluded: "a long-running server (see otaudit serve --db plant.db); test/serve/server.test.ts serves result documents as sweeps",
  },
  // Fleet sweeps
  "otaudit sweep 10.20.0.0/24 plant.csv --db plant.db --json fleet.json": { suite: "sweep" },
  "otaudit sweep --resume --db plant.db": { suite: "sweep" },
  "otaudit baseline save --db plant.db --name 2026-q4": { suite: "sweep" },
  // Central store and zone workers (db.example.internal stands for the team's server)
  "otaudit sweep plant.csv --db postgres://otaudit@db.example.internal/otaudit --json fleet.json": {
    excluded: "needs a PostgreSQL server at db.example.internal; the same command runs against a private cluster in test/store/postgres-sweep.test.ts",
  },
  "otaudit sweep plant.csv --db postgres://otaudit@db.example.internal/otaudit --distribute --zone-limit cell-a=2,*=4": {
    excluded:
      "needs a PostgreSQL server at db.example.internal; the same command runs against a private cluster in test/worker/distributed.test.ts and test/worker/politeness.test.ts",
  },
  "otaudit worker --db postgres://otaudit@db.example.internal/otaudit --zone cell-a --credentials cell-a.yaml": {
    excluded: "needs a PostgreSQL server at db.example.internal; the same command runs against a private cluster in test/worker/distributed.test.ts",
  },
  "otaudit sweep status --db postgres://otaudit@db.example.internal/otaudit": {
    excluded: "needs a PostgreSQL server at db.example.internal; the same command runs against a private cluster in test/worker/distributed.test.ts",
  },
  "otaudit report --db postgres://otaudit@db.example.internal/otaudit --format html --out reports/": {
    excluded: "needs a PostgreSQL server at db.example.internal; the same command runs against a private cluster in test/store/postgres-sweep.test.ts",
  },
  "otaudit serve --db postgres://otaudit@db.example.internal/otaudit": {
    excluded: "needs a PostgreSQL server at db.example.internal; the same command runs against a private cluster in test/serve/postgres.test.ts",
  },
  // Recorded fixtures and simulators
  "otaudit record ssh://plc-7 modbus://plc-7 --out plc-7.recording.json --transcripts plc-7-hex/": { suite: "workflows" },
  "otaudit scan --from-facts plc-7.recording.json --json result.json": { suite: "workflows" },
  "otaudit simulate plc-7.recording.json": { suite: "workflows" },
  "otaudit simulate fixtures/profiles/legacy-plc.yaml --host 127.0.0.5": { suite: "offline" },
  "otaudit simulate fixtures/profiles/legacy-plc.yaml --host 127.0.0.5 --default-ports --port opcua=4841": { suite: "offline" },
  // fixtures/library/README.md
  "npm run fixtures:regen": {
    excluded: "rewrites the committed fixture library on purpose (a person reviews the diff); test/fixtures/library.test.ts checks its output",
  },
  "npm run fixtures:regen -- legacy-plc": { excluded: "rewrites a committed fixture on purpose (see npm run fixtures:regen)" },
  "npm run fixtures:regen -- --expected-only": { excluded: "rewrites the committed golden findings on purpose (see npm run fixtures:regen)" },
  "otaudit scan --from-facts fixtures/library/legacy-plc/recording.json": { suite: "offline" },
  "otaudit simulate fixtures/library/legacy-plc/profile.yaml": { suite: "offline" },
};

export function commandsOf(suite: Suite): string[] {
  return Object.entries(DISPOSITIONS)
    .filter(([, d]) => "suite" in d && d.suite === suite)
    .map(([text]) => text);
}

/** README host names -> the simulated device's address; everything else unchanged. */
export function substituteHosts(args: string[], host: string, range?: string): string[] {
  return args.map((a) => (a === "10.20.0.0/24" && range ? range : a.replace(/(?<=^|\/\/)(192\.0\.2\.10|10\.0\.5\.20|plc-7)(?=$|[:/])/g, host)));
}

/** A README command line as argv for the otaudit binary (without the leading `otaudit`). */
export function argvOf(text: string): string[] {
  const parts = text.split(" ");
  if (parts[0] !== "otaudit") throw new Error(`not an otaudit command: ${text}`);
  return parts.slice(1);
}

/** A long-running README command (`otaudit simulate`): started, its URLs read, stopped with SIGTERM. */
export interface Background {
  urls: string[];
  stderr(): string;
  /** SIGTERM; resolves with the exit code */
  stop(): Promise<number | null>;
}

export async function startBackground(bin: string, args: string[], cwd: string): Promise<Background> {
  const { spawn } = await import("node:child_process");
  const child = spawn(process.execPath, [bin, ...args], { cwd, stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, NO_COLOR: "1" } });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (d) => (stdout += d));
  const exited = new Promise<number | null>((r) => child.on("exit", (code) => r(code)));
  // `otaudit simulate` prints every URL on stdout, then "simulating ..." on stderr once all listen
  await new Promise<void>((resolve, reject) => {
    child.stderr.on("data", (d) => {
      stderr += d;
      if (/otaudit: simulating /.test(stderr)) resolve();
    });
    void exited.then((code) => reject(new Error(`otaudit ${args.join(" ")} exited (${code}) before serving: ${stderr}`)));
  });
  return {
    urls: stdout.split("\n").filter(Boolean),
    stderr: () => stderr,
    async stop() {
      child.kill("SIGTERM");
      return exited;
    },
  };
}
