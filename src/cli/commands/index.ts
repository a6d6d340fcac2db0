// The list of CLI commands. Each module registers its options and loads its work lazily.
import type { Command } from "commander";
import { registerDemo } from "./demo.js";
import { registerRules } from "./rules.js";
import { registerScan } from "./scan.js";
import { registerSchema } from "./schema.js";

export const COMMANDS: ((program: Command) => void)[] = [registerScan, registerRules, registerSchema, registerDemo];
