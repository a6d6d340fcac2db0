// PLACEHOLDER: `otaudit record` is registered by the issue that builds it. Replace this file whole.
import type { Command } from "commander";

export function registerRecord(_program: Command): void {}
