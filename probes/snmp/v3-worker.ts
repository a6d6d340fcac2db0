// Child-process entry for SNMPv3 checks that need Node's legacy OpenSSL provider (MD5, DES):
// started by probe.ts as `node --openssl-legacy-provider v3-worker.js`, reads one V3CheckRequest
// as JSON on stdin (secrets never go on the command line), writes one V3CheckResult on stdout.
import { checkV3User, type V3CheckRequest } from "./v3.js";

let input = "";
process.stdin.setEncoding("utf8");
process.stdin.on("data", (d) => (input += d));
process.stdin.on("end", () => {
  void (async () => {
    try {
      const req = JSON.parse(input) as V3CheckRequest;
      const result = await checkV3User(req);
      process.stdout.write(JSON.stringify(result));
      process.exit(0);
    } catch (e) {
      process.stdout.write(JSON.stringify({ attempts: [], error: `v3 worker failed: ${(e as Error).message}` }));
      process.exit(1);
    }
  })();
});
