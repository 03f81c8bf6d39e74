import { performance } from "node:perf_hooks";
import { runMocked } from "../tests/support/harness.js";

const TARGET_MS = 3000;
const WARM_RUNS = 5;

async function evaluateProd(): Promise<{ ms: number; resources: number }> {
  const started = performance.now();
  const run = await runMocked(
    async () => {
      const { createStack } = await import("../stacks/program.js");
      return createStack();
    },
    { stack: "prod" },
  );
  return { ms: performance.now() - started, resources: run.resources.length };
}

const cold = await evaluateProd();
const warm: number[] = [];
for (let i = 0; i < WARM_RUNS; i++) warm.push((await evaluateProd()).ms);
warm.sort((a, b) => a - b);
const median = warm[Math.floor(warm.length / 2)]!;

console.log(`prod stack under Pulumi mocks: ${cold.resources} resources`);
console.log(`  cold (imports + evaluation): ${cold.ms.toFixed(0)} ms  = ${(cold.ms / TARGET_MS).toFixed(2)}x of the ${TARGET_MS} ms target`);
console.log(`  warm median of ${WARM_RUNS}:        ${median.toFixed(0)} ms  = ${(median / TARGET_MS).toFixed(2)}x of the ${TARGET_MS} ms target`);
process.exitCode = cold.ms < TARGET_MS ? 0 : 1;
