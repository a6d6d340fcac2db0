// Records @bacnet-js/client acting as a BACnet device (an implementation independent of our
// simulator) into fixtures/library/bacnet-js-device/recording.json, so the fixture library and the
// no-false-pass invariant have real BACnet facts that our simulator did not make.
//   npx tsx test/bacnet/record-bacnet-js.ts      (then: npm run fixtures:regen -- --expected-only bacnet-js-device)
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { PLUGINS } from "../../probes/registry.js";
import { resolveTargets } from "../../src/engine/targets.js";
import { recordDevices, serializeRecording } from "../../src/fixtures/record.js";
import { silentLogger } from "../../src/log.js";
import { PACKAGE_ROOT } from "../../src/version.js";
import { freeUdpPort } from "../helpers/daemons.js";
import { loadBacnetJs, startBacnetJsDevice } from "./bacnet-js-device.js";

const Client = await loadBacnetJs();
if (!Client) throw new Error("@bacnet-js/client is not installed");
const dev = await startBacnetJsDevice(Client, await freeUdpPort());
try {
  const [spec] = await resolveTargets([`bacnet://127.0.0.1:${dev.port}`], PLUGINS);
  const live = await recordDevices([{ ...spec!, name: "bacnet-js-device" }], {
    plugins: [...PLUGINS],
    timeoutMs: 2000,
    concurrency: 1,
    intrusive: false,
    credentials: [],
    failOn: "high",
    log: silentLogger(),
  });
  const dir = join(PACKAGE_ROOT, "fixtures", "library", "bacnet-js-device");
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "recording.json"), serializeRecording(live.recording));
  process.stdout.write(`recorded; the device saw: ${JSON.stringify(dev.events)}\n`);
} finally {
  dev.close();
}
