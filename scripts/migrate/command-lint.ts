import { UsageError } from "../lib/cli-args.js";
import { parseArgs, type ValueOption } from "../lib/args.js";
import { targetFromEnv } from "./connection.js";
import { DIR_OPTION, migrationsDir, type Command } from "./context.js";
import { EXIT } from "../lib/exit-codes.js";
import { CATALOG_RULES, DEFAULT_EXPOSED_SCHEMAS, type CatalogFinding } from "./lint-catalog.js";
import { FILE_RULES, lintMigration, type FileFinding } from "./lint-files.js";
import { lintInScratch } from "./lint-scratch.js";
import { loadMigrations } from "./migration-file.js";

const SCHEMA_LIST: ValueOption = {
  allowed: "a comma-separated list of schema names, such as public,storage,graphql_public",
  valid: (raw) => raw.split(",").every((s) => /^[a-z_][a-z0-9_$]*$/.test(s)),
};

const rules = (map: Readonly<Record<string, string>>): string =>
  Object.entries(map)
    .map(([rule, text]) => `  ${rule.padEnd(22)} ${text}`)
    .join("\n");

/** `lint`: file rules on every migration, then catalog rules on a scratch database they were applied to. */
export const lintCommand: Command = {
  summary: "check migration files, then the catalog they produce on a scratch database",
  help: `Usage: npm run db:migrate -- lint [--files-only] [--exposed-schemas <list>] [--json] [--dir <path>]

Checks every migration file, then (unless --files-only) creates a scratch database on the server named by
DATABASE_URL or PG* (a superuser on a development or CI server), bootstraps it, applies every migration (each
twice in a row), checks the catalog and drops the scratch database. Exit 1 on any finding.

File rules:
${rules(FILE_RULES)}
Catalog rules:
${rules(CATALOG_RULES)}

  --files-only               skip the scratch database
  --exposed-schemas <list>   schemas the API serves (default: PGRST_DB_SCHEMAS, else ${DEFAULT_EXPOSED_SCHEMAS.join(",")})
  --json                     print JSON: { files: [...], catalog: [...] }
  --dir <path>               migrations directory (default: the repository's sql/migrations)`,
  async run(argv, context) {
    const args = parseArgs(argv, { switches: ["files-only", "json", "help"], options: { ...DIR_OPTION, "exposed-schemas": SCHEMA_LIST } }, "lint");
    if (args.switches.has("help")) {
      context.output.out(lintCommand.help);
      return EXIT.ok;
    }
    if (args.positional.length > 0) throw new UsageError(`lint: unexpected argument '${args.positional[0]}'`);
    const exposed = (args.options["exposed-schemas"] ?? context.env["PGRST_DB_SCHEMAS"] ?? DEFAULT_EXPOSED_SCHEMAS.join(",")).split(",").map((s) => s.trim());
    const files = loadMigrations(migrationsDir(args.options, context), context.cwd);
    const fileFindings: FileFinding[] = files.flatMap(lintMigration);
    const catalogFindings: CatalogFinding[] = args.switches.has("files-only")
      ? []
      : await lintInScratch(targetFromEnv(context.env, "db-migrate lint"), files, exposed);
    const total = fileFindings.length + catalogFindings.length;
    if (args.switches.has("json")) {
      context.output.out(JSON.stringify({ files: fileFindings, catalog: catalogFindings }, null, 2));
    } else {
      const lines = [
        ...fileFindings.map((f) => `${f.file}:${f.line}: [${f.rule}] ${f.message}`),
        ...catalogFindings.map((f) => `${f.object}: [${f.rule}] ${f.message}`),
        `lint: ${files.length} file(s), ${total === 0 ? "no findings" : `${total} finding(s)`}${args.switches.has("files-only") ? " (files only)" : ""}`,
      ];
      (total === 0 ? context.output.out : context.output.err)(lines.join("\n"));
    }
    return total === 0 ? EXIT.ok : EXIT.failed;
  },
};
