import { processOutput } from "./lib/report.js";
import { runMigrateCli } from "./migrate/cli.js";

process.exitCode = await runMigrateCli(process.argv.slice(2), { env: process.env, output: processOutput(), cwd: process.cwd() });
