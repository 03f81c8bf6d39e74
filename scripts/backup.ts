import { runBackupCli } from "./backup/backup-cli.js";
import { processCliOutput } from "./backup/output.js";

process.exitCode = await runBackupCli(process.argv.slice(2), process.env, processCliOutput());
