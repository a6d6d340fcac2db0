// PLACEHOLDER: `otaudit sweep` is registered by the issue that builds it. Replace this file whole.
import type { Command } from "commander";

export function registerSweep(_program: Command): void {}
