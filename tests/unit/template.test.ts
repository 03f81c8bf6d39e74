import { describe, expect, it } from "vitest";
import { holdsSecret, parsePlaceholders, ref, render, secretsOf, tpl } from "../../stacks/template.js";

describe("templates", () => {
  it("builds templates whose secret parts are references", () => {
    const t = tpl`postgres://authenticator:${ref("authenticatorPassword")}@db:${5432}/postgres`;
    expect(t).toEqual(["postgres://authenticator:", { secret: "authenticatorPassword" }, "@db:5432/postgres"]);
    expect(holdsSecret(t)).toBe(true);
    expect(holdsSecret(tpl`plain ${"text"}`)).toBe(false);
    expect(render(t, (n) => `<${n}>`)).toBe("postgres://authenticator:<authenticatorPassword>@db:5432/postgres");
  });

  it("parses placeholders and lists the secrets in order of first use", () => {
    const t = parsePlaceholders("a {{secret:anonKey}} b {{ secret:serviceRoleKey }} c {{secret:anonKey}}", "kong.yml");
    expect(secretsOf(t)).toEqual(["anonKey", "serviceRoleKey"]);
    expect(render(t, (n) => n.toUpperCase())).toBe("a ANONKEY b SERVICEROLEKEY c ANONKEY");
  });

  it("rejects an unknown placeholder, naming the file and the known secrets", () => {
    expect(() => parsePlaceholders("{{secret:nope}}", "kong/kong.yml")).toThrow(/kong\/kong.yml: unknown secret placeholder '\{\{secret:nope\}\}'; known secrets: jwtSecret/);
  });
});
