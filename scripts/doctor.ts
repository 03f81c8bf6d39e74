import { fileURLToPath } from "node:url";
import { runDoctor } from "./lib/doctor-cli.js";
import { systemHost } from "./lib/host.js";
import { processOutput } from "./lib/report.js";

process.exitCode = await runDoctor(process.argv.slice(2), systemHost(fileURLToPath(new URL("..", import.meta.url))), processOutput());
