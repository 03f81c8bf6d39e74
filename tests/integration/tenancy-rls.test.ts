import { randomUUID } from "node:crypto";
import fc from "fast-check";
import type pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bootstrap } from "../../scripts/migrate/bootstrap.js";
import { startPostgres, withClient, type PostgresServer } from "../support/postgres.js";
import { migrate } from "./database-helpers.js";

let server: PostgresServer;
let url = "";
const AUTHENTICATOR_PASSWORD = "rls-test-authenticator";

beforeAll(async () => {
  server = await startPostgres();
  url = server.createDatabase("tenancy");
  await withClient(url, (c) => bootstrap(c, { passwords: new Map([["authenticator", AUTHENTICATOR_PASSWORD]]) }));
  const up = await migrate(url, ["up"]);
  if (up.code !== 0) throw new Error(up.err);
});
afterAll(async () => server?.stop());

type Role = "owner" | "admin" | "member";

/** Organizations with their members, projects and event streams. */
interface World {
  readonly orgs: readonly { id: string; members: { user: string; role: Role }[]; projects: string[]; aggregates: { id: string; events: number }[] }[];
}

const worldArbitrary: fc.Arbitrary<World> = fc
  .array(
    fc.record({
      members: fc.array(fc.constantFrom<Role>("owner", "admin", "member"), { minLength: 1, maxLength: 3 }),
      projects: fc.integer({ min: 0, max: 3 }),
      aggregates: fc.array(fc.integer({ min: 1, max: 3 }), { maxLength: 2 }),
    }),
    { minLength: 2, maxLength: 4 },
  )
  .map((orgs) => ({
    orgs: orgs.map((o) => ({
      id: randomUUID(),
      members: o.members.map((role) => ({ user: randomUUID(), role })),
      projects: Array.from({ length: o.projects }, () => randomUUID()),
      aggregates: o.aggregates.map((events) => ({ id: randomUUID(), events })),
    })),
  }));

/** Inserts a world as the table owner (inside the caller's transaction). */
async function seed(client: pg.Client, world: World): Promise<void> {
  for (const org of world.orgs) {
    await client.query("INSERT INTO public.organizations (id, name) VALUES ($1, $2)", [org.id, `org ${org.id.slice(0, 8)}`]);
    for (const m of org.members) await client.query("INSERT INTO public.memberships (organization_id, user_id, role) VALUES ($1, $2, $3)", [org.id, m.user, m.role]);
    for (const p of org.projects) await client.query("INSERT INTO public.projects (id, organization_id, name) VALUES ($1, $2, 'p')", [p, org.id]);
    for (const a of org.aggregates) {
      for (let version = 1; version <= a.events; version++) {
        await client.query(
          "INSERT INTO public.domain_events (organization_id, aggregate_type, aggregate_id, version, event_type, payload) VALUES ($1, 'project', $2, $3, 'project.changed', $4)",
          [org.id, a.id, version, JSON.stringify({ [`field${version}`]: version })],
        );
      }
    }
  }
}

/** Switches the transaction to an API role with the JWT claims PostgREST would set. */
async function actAs(client: pg.Client, role: "anon" | "authenticated" | "service_role", sub?: string): Promise<void> {
  await client.query(`SET LOCAL ROLE ${role}`);
  await client.query("SELECT set_config('request.jwt.claims', $1, true)", [JSON.stringify(sub ? { sub, role } : { role })]);
}

/** Runs a statement expected to fail, inside a savepoint; returns the SQLSTATE. */
async function failure(client: pg.Client, sql: string, params: unknown[] = []): Promise<string | undefined> {
  await client.query("SAVEPOINT attempt");
  try {
    await client.query(sql, params);
    return undefined;
  } catch (error) {
    return (error as { code?: string }).code;
  } finally {
    await client.query("ROLLBACK TO SAVEPOINT attempt");
  }
}

/** Runs `fn` in a transaction that is always rolled back. */
async function inRollback<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  return withClient(url, async (client) => {
    await client.query("BEGIN");
    try {
      return await fn(client);
    } finally {
      await client.query("ROLLBACK");
    }
  });
}

const TENANT_TABLES = ["organizations", "memberships", "projects", "domain_events", "aggregate_states"] as const;
const orgColumn = (table: string): string => (table === "organizations" ? "id" : "organization_id");

describe("row-level security across organizations", () => {
  it("as authenticated with claims for org A, nothing of org B can be read, inserted, updated or deleted", async () => {
    await fc.assert(
      fc.asyncProperty(worldArbitrary, fc.nat(), fc.nat(), async (world, pickActor, pickTarget) => {
        await inRollback(async (client) => {
          await seed(client, world);
          const orgA = world.orgs[pickActor % world.orgs.length]!;
          const actor = orgA.members[pickActor % orgA.members.length]!;
          const others = world.orgs.filter((o) => o !== orgA);
          const orgB = others[pickTarget % others.length]!;
          await actAs(client, "authenticated", actor.user);

          for (const table of TENANT_TABLES) {
            const visible = await client.query(`SELECT count(*)::int AS n FROM public.${table} WHERE ${orgColumn(table)} = $1`, [orgB.id]);
            expect(visible.rows[0].n, `${table} rows of B visible`).toBe(0);
            const foreign = await client.query(`SELECT count(*)::int AS n FROM public.${table} WHERE ${orgColumn(table)} <> $1`, [orgA.id]);
            expect(foreign.rows[0].n, `${table} rows outside A visible`).toBe(0);
          }
          expect(await failure(client, "INSERT INTO public.projects (organization_id, name) VALUES ($1, 'x')", [orgB.id])).toBe("42501");
          expect(await failure(client, "INSERT INTO public.memberships (organization_id, user_id, role) VALUES ($1, $2, 'owner')", [orgB.id, actor.user])).toBe("42501");
          expect(
            await failure(client, "INSERT INTO public.domain_events (organization_id, aggregate_type, aggregate_id, version, event_type) VALUES ($1, 'project', $2, 1, 'x')", [orgB.id, randomUUID()]),
          ).toBe("42501");
          expect(await failure(client, "INSERT INTO public.organizations (name) VALUES ('mine now')")).toBe("42501");
          for (const [table, set] of [["projects", "name = 'taken'"], ["memberships", "role = 'member'"], ["organizations", "name = 'taken'"]] as const) {
            const updated = await client.query(`UPDATE public.${table} SET ${set} WHERE ${orgColumn(table)} = $1`, [orgB.id]);
            expect(updated.rowCount, `${table} rows of B updated`).toBe(0);
            const deleted = await client.query(`DELETE FROM public.${table} WHERE ${orgColumn(table)} = $1`, [orgB.id]);
            expect(deleted.rowCount, `${table} rows of B deleted`).toBe(0);
          }
          const moved = await failure(client, "UPDATE public.projects SET organization_id = $1 WHERE organization_id = $2", [orgB.id, orgA.id]);
          expect(moved, "moving A's projects into B").toBe(orgA.projects.length > 0 ? "42501" : undefined);

          await client.query("RESET ROLE");
          const intact = await client.query("SELECT count(*)::int AS n FROM public.projects WHERE organization_id = $1 AND name = 'p'", [orgB.id]);
          expect(intact.rows[0].n).toBe(orgB.projects.length);
        });
      }),
      { numRuns: 25 },
    );
  });

  it("a member works freely inside their own organization", async () => {
    await inRollback(async (client) => {
      const [org, user] = [randomUUID(), randomUUID()];
      await seed(client, { orgs: [{ id: org, members: [{ user, role: "member" }], projects: [], aggregates: [] }] });
      await actAs(client, "authenticated", user);
      const created = await client.query<{ id: string }>("INSERT INTO public.projects (organization_id, name) VALUES ($1, 'mine') RETURNING id", [org]);
      const id = created.rows[0]!.id;
      expect((await client.query("UPDATE public.projects SET name = 'renamed' WHERE id = $1", [id])).rowCount).toBe(1);
      expect((await client.query("SELECT name FROM public.projects")).rows).toEqual([{ name: "renamed" }]);
      expect((await client.query("UPDATE public.organizations SET name = 'mine' WHERE id = $1", [org])).rowCount, "a plain member renames the organization").toBe(0);
      expect((await client.query("DELETE FROM public.projects WHERE id = $1", [id])).rowCount).toBe(1);
      const own = await client.query<{ id: string }>("SELECT (public.create_organization('fresh')).id");
      expect((await client.query("SELECT role FROM public.memberships WHERE organization_id = $1", [own.rows[0]!.id])).rows).toEqual([{ role: "owner" }]);
    });
  });

  it("PostgREST's path works: authenticator logs in and switches to authenticated", async () => {
    await withClient({ host: "127.0.0.1", port: server.port, user: "authenticator", password: AUTHENTICATOR_PASSWORD, database: url.split("/").pop()! }, async (client) => {
      await client.query("BEGIN");
      expect(await failure(client, "SELECT 1 FROM public.projects")).toBe("42501");
      await actAs(client, "authenticated", randomUUID());
      expect((await client.query("SELECT count(*)::int AS n FROM public.organizations")).rows).toEqual([{ n: 0 }]);
      await client.query("ROLLBACK");
    });
  });

  it("anon reaches no tenant table; service_role sees every row", async () => {
    await inRollback(async (client) => {
      const world = fc.sample(worldArbitrary, { numRuns: 1, seed: 7 })[0]!;
      await seed(client, world);
      const totals: Record<string, number> = {};
      for (const table of TENANT_TABLES) totals[table] = (await client.query(`SELECT count(*)::int AS n FROM public.${table}`)).rows[0].n;

      await actAs(client, "anon");
      for (const table of TENANT_TABLES) expect(await failure(client, `SELECT * FROM public.${table}`), table).toBe("42501");
      expect(await failure(client, "SELECT public.create_organization('x')")).toBe("42501");

      await client.query("RESET ROLE");
      await actAs(client, "service_role");
      for (const table of TENANT_TABLES) expect((await client.query(`SELECT count(*)::int AS n FROM public.${table}`)).rows[0].n, table).toBe(totals[table]);
    });
  });
});

describe("domain_events", () => {
  const seedOne = async (client: pg.Client): Promise<{ org: string; user: string; aggregate: string }> => {
    const ids = { org: randomUUID(), user: randomUUID(), aggregate: randomUUID() };
    await seed(client, { orgs: [{ id: ids.org, members: [{ user: ids.user, role: "owner" }], projects: [], aggregates: [{ id: ids.aggregate, events: 2 }] }] });
    return ids;
  };

  it("rejects UPDATE, DELETE and TRUNCATE for every API role and for the table owner", async () => {
    await inRollback(async (client) => {
      const { user } = await seedOne(client);
      const statements = ["UPDATE public.domain_events SET payload = '{}'", "DELETE FROM public.domain_events", "TRUNCATE public.domain_events"];
      for (const [role, sub] of [["authenticated", user], ["service_role", undefined], ["anon", undefined]] as const) {
        await actAs(client, role, sub);
        for (const sql of statements) expect(await failure(client, sql), `${role}: ${sql}`).toBe("42501");
        await client.query("RESET ROLE");
      }
      for (const sql of statements) {
        await client.query("SAVEPOINT owner");
        await expect(client.query(sql)).rejects.toThrow(/domain_events is append-only: (UPDATE|DELETE|TRUNCATE) is not allowed/);
        await client.query("ROLLBACK TO SAVEPOINT owner");
      }
    });
  });

  it("a member appends the next version of an aggregate; any other version is a conflict", async () => {
    await inRollback(async (client) => {
      const { org, user, aggregate } = await seedOne(client);
      await actAs(client, "authenticated", user);
      const insert = "INSERT INTO public.domain_events (organization_id, aggregate_type, aggregate_id, version, event_type, payload) VALUES ($1, 'project', $2, $3, 'project.renamed', $4)";
      expect(await failure(client, insert, [org, aggregate, 4, '{"name":"skip"}'])).toBe("40001");
      expect(await failure(client, insert, [org, aggregate, 2, '{"name":"again"}'])).toBe("23505");
      await client.query(insert, [org, aggregate, 3, '{"name":"third"}']);
      const state = await client.query("SELECT version, state FROM public.aggregate_states WHERE aggregate_id = $1", [aggregate]);
      expect(state.rows).toEqual([{ version: "3", state: { field1: 1, field2: 2, name: "third" } }]);
      const actor = await client.query("SELECT actor_id FROM public.domain_events WHERE version = 3 AND aggregate_id = $1", [aggregate]);
      expect(actor.rows).toEqual([{ actor_id: user }]);
    });
  });

  it("replaying the log leaves the projections unchanged, and rebuilds them from scratch", async () => {
    await inRollback(async (client) => {
      await seed(client, fc.sample(worldArbitrary, { numRuns: 1, seed: 42 })[0]!);
      const projection = async (): Promise<unknown[]> => (await client.query("SELECT * FROM public.aggregate_states ORDER BY organization_id, aggregate_id")).rows;
      const before = await projection();
      await actAs(client, "service_role");
      const replayed = await client.query<{ n: string }>("SELECT app.replay_domain_events() AS n");
      expect(Number(replayed.rows[0]!.n)).toBe((await client.query("SELECT count(*)::int AS n FROM public.domain_events")).rows[0].n);
      expect(await projection()).toEqual(before);
      await client.query("RESET ROLE");
      await client.query("DELETE FROM public.aggregate_states");
      await client.query("SELECT app.replay_domain_events()");
      expect(await projection()).toEqual(before);
    });
  });
});

describe("updated_at", () => {
  it("is stamped on every update", async () => {
    const org = randomUUID();
    await withClient(url, (c) => c.query("INSERT INTO public.organizations (id, name) VALUES ($1, 'stamp')", [org]));
    await withClient(url, (c) => c.query("UPDATE public.organizations SET name = 'stamped' WHERE id = $1", [org]));
    const row = await withClient(url, async (c) => (await c.query("SELECT updated_at > created_at AS later FROM public.organizations WHERE id = $1", [org])).rows[0]);
    expect(row).toEqual({ later: true });
  });
});
