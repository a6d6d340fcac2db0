// The list of CLI commands. Each module registers its options and loads its work lazily; the
// audit commands also get the plugins' declared flags (main.ts loads the registry for them).
import type { Command } from "commander";
import type { ProtocolPlugin } from "../../plugin.js";
import { registerBaseline } from "./baseline.js";
import { registerCompare } from "./compare.js";
import { registerDemo } from "./demo.js";
import { registerEvidence } from "./evidence.js";
import { registerRecord } from "./record.js";
import { registerReport } from "./report.js";
import { registerPolicy } from "./policy.js";
import { registerRfp } from "./rfp.js";
import { registerRules } from "./rules.js";
import { registerScan } from "./scan.js";
import { registerSchema } from "./schema.js";
import { registerServe } from "./serve.js";
import { registerSimulate } from "./simulate.js";
import { registerSweep } from "./sweep.js";

export const COMMANDS: ((program: Command, plugins: readonly ProtocolPlugin[]) => void)[] = [
  registerScan,
  registerSweep,
  registerDemo,
  registerReport,
  registerCompare,
  registerRfp,
  registerEvidence,
  registerRecord,
  registerSimulate,
  registerBaseline,
  registerRules,
  registerPolicy,
  registerSchema,
  registerServe,
];
