// PLACEHOLDER: `otaudit rfp` is registered by the issue that builds it. Replace this file whole.
import type { Command } from "commander";

export function registerRfp(_program: Command): void {}
