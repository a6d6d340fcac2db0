// PLACEHOLDER: `otaudit report` is registered by the issue that builds it. Replace this file whole.
import type { Command } from "commander";

export function registerReport(_program: Command): void {}
