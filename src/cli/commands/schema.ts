// `otaudit schema`: the JSON Schema of the result document, generated from the zod schema.
import type { Command } from "commander";

export async function resultJsonSchema(): Promise<unknown> {
  const { z } = await import("zod");
  const { PLUGINS, loadRegistry } = await import("../../../probes/registry.js");
  await loadRegistry();
  const { buildPublishedResultSchema } = await import("../../model/result.js");
  const schema = buildPublishedResultSchema(Object.fromEntries(PLUGINS.map((p) => [p.id, p.factsSchema])));
  return {
    $id: "https://otaudit.dev/schema/result.json",
    title: "otaudit result document",
    ...z.toJSONSchema(schema, { unrepresentable: "any", io: "output" }),
  };
}

export function registerSchema(program: Command): void {
  program
    .command("schema")
    .description("print the JSON Schema of the result document (generated from the zod schema)")
    .action(async () => {
      process.stdout.write(JSON.stringify(await resultJsonSchema(), null, 2) + "\n");
    });
}
