// PLACEHOLDER plugin for SSH: replaced by the real probe (see its issue). Keeps the registry whole.
import { z } from "zod";
import { definePlugin } from "../../src/plugin.js";
import { ProbeFailure } from "../../src/errors.js";

export default definePlugin({
  id: "ssh",
  title: "SSH",
  schemes: ["ssh"],
  transport: "tcp",
  defaultPorts: [{ scheme: "ssh", port: 22 }],
  version: "0.0.0",
  factsSchema: z.object({}),
  checks: [],
  rules: [],
  async probe() {
    throw new ProbeFailure("internal", "SSH probe not implemented yet");
  },
});
