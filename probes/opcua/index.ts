// PLACEHOLDER plugin for OPC UA: replaced by the real probe (see its issue). Keeps the registry whole.
import { z } from "zod";
import { definePlugin } from "../../src/plugin.js";
import { ProbeFailure } from "../../src/errors.js";

export default definePlugin({
  id: "opcua",
  title: "OPC UA",
  schemes: ["opc.tcp"],
  transport: "tcp",
  defaultPorts: [{ scheme: "opc.tcp", port: 4840 }],
  version: "0.0.0",
  factsSchema: z.object({}),
  checks: [],
  rules: [],
  async probe() {
    throw new ProbeFailure("internal", "OPC UA probe not implemented yet");
  },
});
