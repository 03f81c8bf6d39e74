import { processCliOutput } from "./backup/output.js";
import { runVerifyCli } from "./backup/verify-cli.js";

process.exitCode = await runVerifyCli(process.argv.slice(2), process.env, processCliOutput());
