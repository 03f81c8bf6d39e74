import { processCliOutput } from "./backup/output.js";
import { runRestoreCli } from "./backup/restore-cli.js";

process.exitCode = await runRestoreCli(process.argv.slice(2), process.env, processCliOutput());
