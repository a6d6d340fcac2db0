// Child-process entry for SNMPv3 checks that need Node's legacy OpenSSL provider (MD5, DES):
// started by v3-child.ts as `node --openssl-legacy-provider v3-worker.js`. Reads JSON lines on
// stdin: first the V3CheckRequest (secrets never go on the command line), then commands
// ({op:"levels"} | {op:"get"|"getNext", level, oids}); answers one JSON line per command, in
// order; exits when stdin ends.
import { createInterface } from "node:readline";
import { NetSnmpV3Service, type V3CheckRequest } from "./v3.js";

const lines = createInterface({ input: process.stdin, crlfDelay: Infinity });
let service: NetSnmpV3Service | undefined;
let chain = Promise.resolve();

const answer = (v: unknown) => process.stdout.write(`${JSON.stringify(v)}\n`);

lines.on("line", (line) => {
  chain = chain.then(async () => {
    try {
      const msg = JSON.parse(line) as Record<string, unknown>;
      if (!service) {
        service = new NetSnmpV3Service(msg as unknown as V3CheckRequest);
        return;
      }
      if (msg.op === "levels") answer(await service.checkLevels());
      else if (msg.op === "get" || msg.op === "getNext") answer(await service.read(msg.op, msg.level as "authPriv", msg.oids as string[]));
      else answer({ ok: false, why: "error", detail: `unknown command ${String(msg.op)}` });
    } catch (e) {
      answer({ ok: false, why: "error", detail: `v3 worker: ${(e as Error).message}`, attempts: [], error: `v3 worker: ${(e as Error).message}` });
    }
  });
});
lines.on("close", () => {
  void chain.then(async () => {
    await service?.close();
    process.exit(0);
  });
});
