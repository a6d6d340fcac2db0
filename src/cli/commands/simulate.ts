// PLACEHOLDER: `otaudit simulate` is registered by the issue that builds it. Replace this file whole.
import type { Command } from "commander";

export function registerSimulate(_program: Command): void {}
