import * as pulumi from "@pulumi/pulumi";
import type * as docker from "@pulumi/docker";
import { describe, expect, it } from "vitest";
import { parseConfig } from "../../stacks/config.js";
import { dockerAddressing } from "../../stacks/platforms/docker/addressing.js";
import { checkExit, taskGate } from "../../stacks/platforms/docker/task.js";
import { planTasks } from "../../stacks/services/index.js";

const [task] = planTasks(parseConfig({ platform: "docker" }, "dev"), dockerAddressing());

describe("the gate after a one-shot task", () => {
  it("opens once the task exited 0", async () => {
    const container = { exitCode: pulumi.output(0) } as unknown as docker.Container;
    await expect((taskGate(task!, "supabase-dev-db-bootstrap", container) as any).promise()).resolves.toBe("succeeded");
  });

  it.each([1, 3, undefined])("fails the deployment for exit code %s, naming the container to read", (code) => {
    expect(() => checkExit(task!, "supabase-dev-db-bootstrap", code)).toThrow(
      new RegExp(`db-bootstrap exited with code ${code}: see \`docker logs supabase-dev-db-bootstrap\``),
    );
  });
});
