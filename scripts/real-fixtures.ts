// Fixtures recorded from REAL implementations (fixtures/real/<name>/), not from our simulators: the
// daemons the interop tests start (OpenSSH sshd, Dropbear, Net-SNMP snmpd, pymodbus, a node-opcua
// server configured unlike our simulator). Their expected findings are reviewed by hand: every
// finding in expected.json carries a `why` written by a person (test/fixtures/real.test.ts fails
// on a missing or UNREVIEWED one), so a change of any finding is a diff someone must accept.
//
//   npx tsx scripts/real-fixtures.ts                 rebuild every expected.json from its recording
//   npx tsx scripts/real-fixtures.ts --record [NAME] start the daemon(s), record, then rebuild
//
// Rebuilding keeps the `why` of each finding whose rule, port, status and message are unchanged;
// any other finding gets "UNREVIEWED: ..." (with the old reason, if the rule and port are the same)
// until a person writes its reason. Host keys, certificates and passwords are throwaway ones made
// for the recording (temp folders, removed); the recordings hold facts only, never a secret.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PLUGINS } from "../probes/registry.js";
import type { CredentialEntry } from "../src/config/credentials.js";
import { resolveTargets } from "../src/engine/targets.js";
import { parseRecording } from "../src/fixtures/format.js";
import { goldenOf, type Golden } from "../src/fixtures/golden.js";
import { recordDevices, serializeRecording } from "../src/fixtures/record.js";
import { replayRecording } from "../src/fixtures/replay.js";
import { silentLogger } from "../src/log.js";
import { PACKAGE_ROOT } from "../src/version.js";
import { REAL_DAEMONS } from "./real-daemons.js";

export const REAL = join(PACKAGE_ROOT, "fixtures", "real");

/** expected.json of a real fixture: the golden findings, each with the reviewer's reason. */
export interface ReviewedGolden {
  /** what was recorded: daemon, version, configuration */
  daemon: string;
  devices: (Omit<Golden["devices"][number], "findings"> & { findings: (Golden["devices"][number]["findings"][number] & { why: string })[] })[];
}

const UNREVIEWED = "UNREVIEWED";

function replayGolden(name: string): Golden {
  const rec = parseRecording(readFileSync(join(REAL, name, "recording.json"), "utf8"), `${name}/recording.json`, PLUGINS);
  return goldenOf(replayRecording(rec, { plugins: PLUGINS, failOn: "high", file: name }));
}

/** The daemon's port in a set of findings (a recording is made on a free port, so it changes with every recording). */
const portOf = (fs: { port: number | null }[]) => fs.find((f) => f.port !== null)?.port ?? undefined;
/** A message with the recording's port replaced, so findings of two recordings compare. */
const portless = (message: string, port: number | undefined) =>
  port === undefined ? message : message.replace(new RegExp(`(?<!\\d)${port}(?!\\d)`, "g"), "<port>");

function rebuildExpected(name: string, daemon: string): { reviewed: number; unreviewed: number } {
  const path = join(REAL, name, "expected.json");
  const old: ReviewedGolden | undefined = existsSync(path) ? JSON.parse(readFileSync(path, "utf8")) : undefined;
  const oldFindings = old?.devices.flatMap((d) => d.findings) ?? [];
  const oldPort = portOf(oldFindings);
  let unreviewed = 0;
  const golden = replayGolden(name);
  const newPort = portOf(golden.devices.flatMap((d) => d.findings));
  // the same finding of an earlier recording: same rule, status and message, on the daemon's port (whatever it was then)
  const samePort = (o: { port: number | null }, f: { port: number | null }) => o.port === f.port || (o.port === oldPort && f.port === newPort);
  const out: ReviewedGolden = {
    daemon,
    devices: golden.devices.map((d) => ({
      ...d,
      findings: d.findings.map((f) => {
        const same = oldFindings.find(
          (o) =>
            o.ruleId === f.ruleId &&
            samePort(o, f) &&
            o.status === f.status &&
            portless(o.message, oldPort) === portless(f.message, newPort) &&
            !o.why.startsWith(UNREVIEWED),
        );
        if (same) return { ...f, why: same.why };
        unreviewed++;
        const before = oldFindings.find((o) => o.ruleId === f.ruleId && samePort(o, f));
        return {
          ...f,
          why: `${UNREVIEWED}: ${before ? `was ${before.status} "${before.message}" because: ${before.why.replace(/^UNREVIEWED: /, "")}` : "new finding"}`,
        };
      }),
    })),
  };
  writeFileSync(path, JSON.stringify(out, null, 2) + "\n");
  return { reviewed: out.devices.flatMap((d) => d.findings).length - unreviewed, unreviewed };
}

async function record(name: string): Promise<void> {
  const def = REAL_DAEMONS[name]!;
  const work = mkdtempSync(join(tmpdir(), `otaudit-real-${name}-`));
  const daemon = await def.start(work);
  try {
    const [spec] = await resolveTargets(daemon.urls, PLUGINS);
    const credentials: CredentialEntry[] = daemon.credentials ?? [];
    const live = await recordDevices([{ ...spec!, name }], {
      plugins: [...PLUGINS],
      timeoutMs: 5000,
      concurrency: 1,
      intrusive: def.intrusive ?? false,
      credentials,
      failOn: "high",
      log: silentLogger(),
    });
    mkdirSync(join(REAL, name), { recursive: true });
    const text = serializeRecording(live.recording);
    for (const secret of daemon.secrets ?? []) if (text.includes(secret)) throw new Error(`${name}: a throwaway secret reached the recording`);
    writeFileSync(join(REAL, name, "recording.json"), text);
  } finally {
    await daemon.stop();
    rmSync(work, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const recordToo = args.includes("--record");
  const known = Object.keys(REAL_DAEMONS);
  const only = args.filter((a) => !a.startsWith("--"));
  for (const n of only) if (!known.includes(n)) throw new Error(`no real fixture '${n}' (have: ${known.join(", ")})`);
  const names = only.length
    ? only
    : recordToo
      ? known
      : readdirSync(REAL, { withFileTypes: true })
          .filter((d) => d.isDirectory())
          .map((d) => d.name);
  for (const name of names) {
    if (recordToo) await record(name);
    const { reviewed, unreviewed } = rebuildExpected(name, REAL_DAEMONS[name]!.description);
    process.stdout.write(`${name}: ${reviewed} findings keep their reviewed reason, ${unreviewed} need review (UNREVIEWED in expected.json)\n`);
  }
}

await main();
