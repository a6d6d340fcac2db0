// PLACEHOLDER: `otaudit evidence` is registered by the issue that builds it. Replace this file whole.
import type { Command } from "commander";

export function registerEvidence(_program: Command): void {}
