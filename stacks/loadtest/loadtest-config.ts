import { z } from "zod";
import { SCENARIOS } from "../../tests/load/lib/settings.js";

/** `loadtest.testRun`: a distributed k6 release run on the cluster, from an archive built by `k6 archive`. */
const testRunSchema = z.strictObject({
  name: z.string().regex(/^[a-z0-9]([-a-z0-9]{0,38}[a-z0-9])?$/, "a DNS label of at most 40 characters").default("release"),
  archive: z.string().min(1, "the path (absolute, or relative to the repository) of the archive `k6 archive` built"),
  scenario: z.enum(SCENARIOS).default("average"),
  target: z.number().int().min(1).max(1_000_000).default(10_000),
  parallelism: z.number().int().min(1).max(100).default(4),
});

/** `loadtest`: load-test resources the stack deploys; none unless `testRun` is set. */
export const loadtestSchema = z.strictObject({ testRun: testRunSchema.optional() }).default({});
