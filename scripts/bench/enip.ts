// Benchmark: the whole otaudit CLI process (`otaudit scan enip://HOST`, default mode: TCP
// ListIdentity/ListServices, CIP Security reads, UDP ListIdentity, TLS 2221 and DTLS 2222 hellos)
// against the whole `nmap --script enip-info` process (TCP 44818), paired runs, medians and ratio, on
// our simulator at 44818 of a loopback address of its own. Needs the compiled CLI. Prints figures;
// not a test. `npm run bench -- enip`
import { existsSync } from "node:fs";
import enip from "../../probes/enip/index.js";
import { EnipSimProfile } from "../../probes/enip/profile.js";
import { BIN, pairedRuns, timed } from "./otnative.js";

export default async function main(): Promise<void> {
  const nmapOk = existsSync("/usr/bin/nmap");
  const otaudit = (host: string) =>
    timed(BIN, ["scan", `enip://${host}:44818`, "--protocols", "enip", "--json", "/dev/null", "--no-color", "--fail-on", "critical"]);
  const nmap = (host: string) => timed("/usr/bin/nmap", ["-Pn", "-n", "-sT", "--script", "enip-info", "-p", "44818", host]);
  for (const [label, profile, host] of [
    ["simulator, no CIP Security", {}, "127.92.0.1"],
    ["simulator, CIP Security + TLS/DTLS", { cipSecurity: { present: true }, tls: true, dtls: true }, "127.92.0.2"],
  ] as const) {
    const sim = await enip.simulator!.start(EnipSimProfile.parse(profile), { host, port: 44818, stateDir: "/nonexistent" });
    await pairedRuns(label, () => otaudit(host), nmapOk ? () => nmap(host) : undefined, "nmap", "not installed");
    await sim.stop();
  }
}
