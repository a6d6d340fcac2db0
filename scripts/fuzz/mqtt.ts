// Fuzz targets for the MQTT packet code (probes/mqtt/packets.ts): CONNACK (what a broker sends the
// probe) and CONNECT (what the simulator parses).
import { pathToFileURL } from "node:url";
import { runSeedTargets, type SeedTarget } from "./lib.js";
import { encodeConnack, encodeConnect, MAX_CONNACK, MqttWireError, packetFrame, parseConnack, parseConnect } from "../../probes/mqtt/packets.js";

const expected = (e: unknown) => {
  if (!(e instanceof MqttWireError)) throw e;
};

export const targets: SeedTarget[] = [
  {
    name: "connack",
    seeds: [
      encodeConnack(4, 5),
      encodeConnack(5, 0, { maximumQoS: 1, reasonString: "ok", serverKeepAlive: 30 }),
      Buffer.from([0x20, 0x09, 0x00, 0x00, 0x06, 0x21, 0x00, 0x14, 0x22, 0x00, 0x0a]),
    ],
    run(b) {
      try {
        const n = packetFrame(b);
        if (n === undefined || n > b.length) return;
        if (n > MAX_CONNACK) throw new Error("frame beyond MAX_CONNACK");
        for (const level of [3, 4, 5] as const) parseConnack(b.subarray(0, n), level);
      } catch (e) {
        expected(e);
      }
    },
  },
  {
    name: "connect",
    seeds: [encodeConnect({ level: 5, clientId: "otaudit-1" }), encodeConnect({ level: 4, clientId: "x", username: "u", password: "p" })],
    run(b) {
      try {
        parseConnect(b);
      } catch (e) {
        expected(e);
      }
    },
  },
];

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) runSeedTargets("mqtt", targets);
