import { describe, expect, it } from "vitest";
import { ConfigError } from "../../stacks/config.js";
import { runMocked } from "../support/harness.js";

async function failingRun(config: Record<string, unknown>) {
  return runMocked(
    async () => {
      const { createStack } = await import("../../stacks/program.js");
      try {
        createStack();
      } catch (e) {
        return e;
      }
      return undefined;
    },
    { stack: "prod", config },
  );
}

describe("a stack with bad config", () => {
  it("fails before any resource is registered, listing every problem", async () => {
    const run = await failingRun({ gatewayPort: 0, replicas: { kong: 0 }, images: { rest: "postgrest/postgrest:latest" }, typo: true });
    expect(run.result).toBeInstanceOf(ConfigError);
    const problems = (run.result as ConfigError).problems;
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^supabase:gatewayPort: got 0/),
        expect.stringMatching(/^supabase:replicas\.kong: got 0/),
        expect.stringMatching(/^supabase:images\.rest: got "postgrest\/postgrest:latest"; expected an exact version, never latest/),
        expect.stringMatching(/^supabase: unknown key 'typo'/),
      ]),
    );
    expect(run.resources).toEqual([]);
  });

  it("requires the SMTP password as a secret when SMTP is set", async () => {
    const run = await failingRun({ smtp: { host: "smtp.example.com", user: "mailer", adminEmail: "ops@example.com" } });
    expect((run.result as ConfigError).problems).toEqual([expect.stringMatching(/^supabase:smtpPassword: got nothing/)]);
    expect(run.resources).toEqual([]);
  });
});
