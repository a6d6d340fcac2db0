// PLACEHOLDER: `otaudit baseline` is registered by the issue that builds it. Replace this file whole.
import type { Command } from "commander";

export function registerBaseline(_program: Command): void {}
