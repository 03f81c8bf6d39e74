import { processOutput } from "./lib/report.js";
import { runBootstrapCli } from "./migrate/bootstrap-cli.js";

process.exitCode = await runBootstrapCli(process.argv.slice(2), process.env, processOutput());
