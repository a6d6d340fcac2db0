// PLACEHOLDER plugin for Modbus/TCP: replaced by the real probe (see its issue). Keeps the registry whole.
import { z } from "zod";
import { definePlugin } from "../../src/plugin.js";
import { ProbeFailure } from "../../src/errors.js";

export default definePlugin({
  id: "modbus",
  title: "Modbus/TCP",
  schemes: ["modbus", "modbus+tls"],
  transport: "tcp",
  defaultPorts: [{ scheme: "modbus", port: 502 }, { scheme: "modbus+tls", port: 802 }],
  version: "0.0.0",
  factsSchema: z.object({}),
  checks: [],
  rules: [],
  async probe() {
    throw new ProbeFailure("internal", "Modbus/TCP probe not implemented yet");
  },
});
