// PLACEHOLDER plugin for SNMP: replaced by the real probe (see its issue). Keeps the registry whole.
import { z } from "zod";
import { definePlugin } from "../../src/plugin.js";
import { ProbeFailure } from "../../src/errors.js";

export default definePlugin({
  id: "snmp",
  title: "SNMP",
  schemes: ["snmp"],
  transport: "udp",
  defaultPorts: [{ scheme: "snmp", port: 161 }],
  version: "0.0.0",
  factsSchema: z.object({}),
  checks: [],
  rules: [],
  async probe() {
    throw new ProbeFailure("internal", "SNMP probe not implemented yet");
  },
});
