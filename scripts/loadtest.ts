import { fileURLToPath } from "node:url";
import { systemHost } from "./lib/host.js";
import { processOutput } from "./lib/report.js";
import { streamCommand } from "./lib/stream-command.js";
import { runLoadtest } from "./loadtest/cli.js";

const host = systemHost(fileURLToPath(new URL("..", import.meta.url)));
process.exitCode = await runLoadtest(process.argv.slice(2), { host, io: processOutput(), stream: streamCommand, now: () => new Date() });
