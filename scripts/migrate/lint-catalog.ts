import type pg from "pg";

/** The rules checked on a database after the migrations ran, with what each asks for. */
export const CATALOG_RULES = {
  "rls-enabled": "every table in an exposed schema has row-level security enabled",
  "rls-policy": "every table in an exposed schema has at least one policy",
  "view-security-invoker": "every view in an exposed schema runs with the caller's rights (security_invoker), so RLS applies",
  "definer-search-path": "every SECURITY DEFINER function pins search_path",
  "idempotent-rerun": "each up section runs a second time, right after itself, without error and without changing the catalog",
} as const;

/** A rule of CATALOG_RULES. */
export type CatalogRule = keyof typeof CATALOG_RULES;

/** One problem found in the catalog. */
export interface CatalogFinding {
  readonly rule: CatalogRule;
  /** The offending object, for example `table public.notes`. */
  readonly object: string;
  readonly message: string;
}

/** The schemas PostgREST serves, as the stack configures it (PGRST_DB_SCHEMAS). */
export const DEFAULT_EXPOSED_SCHEMAS = ["public", "storage", "graphql_public"];

const NOT_EXTENSION_MEMBER = (catalog: string, oid: string): string =>
  `NOT EXISTS (SELECT FROM pg_catalog.pg_depend d WHERE d.classid = '${catalog}'::regclass AND d.objid = ${oid} AND d.deptype = 'e')`;

/** Checks the current database against every catalog rule. */
export async function lintCatalog(client: pg.Client, exposedSchemas: readonly string[]): Promise<CatalogFinding[]> {
  const findings: CatalogFinding[] = [];
  const tables = await client.query<{ name: string; rls: boolean; policies: number }>(
    `SELECT format('%I.%I', n.nspname, c.relname) AS name, c.relrowsecurity AS rls,
            (SELECT count(*)::int FROM pg_catalog.pg_policy p WHERE p.polrelid = c.oid) AS policies
       FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
      WHERE c.relkind IN ('r', 'p') AND n.nspname = ANY ($1) AND ${NOT_EXTENSION_MEMBER("pg_class", "c.oid")}
      ORDER BY 1`,
    [exposedSchemas],
  );
  for (const table of tables.rows) {
    if (!table.rls) findings.push({ rule: "rls-enabled", object: `table ${table.name}`, message: "row-level security is off: ALTER TABLE … ENABLE ROW LEVEL SECURITY" });
    else if (table.policies === 0) findings.push({ rule: "rls-policy", object: `table ${table.name}`, message: "no policy: every API role is denied every row; add the policies that say who may do what" });
  }
  const views = await client.query<{ name: string }>(
    `SELECT format('%I.%I', n.nspname, c.relname) AS name
       FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
      WHERE c.relkind IN ('v', 'm') AND n.nspname = ANY ($1) AND ${NOT_EXTENSION_MEMBER("pg_class", "c.oid")}
        AND NOT coalesce('security_invoker=true' = ANY (c.reloptions) OR 'security_invoker=on' = ANY (c.reloptions), false)
      ORDER BY 1`,
    [exposedSchemas],
  );
  for (const view of views.rows) {
    findings.push({ rule: "view-security-invoker", object: `view ${view.name}`, message: "runs with its owner's rights and bypasses RLS: WITH (security_invoker = true)" });
  }
  const functions = await client.query<{ name: string }>(
    `SELECT format('%I.%I(%s)', n.nspname, p.proname, pg_catalog.pg_get_function_identity_arguments(p.oid)) AS name
       FROM pg_catalog.pg_proc p JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace
      WHERE p.prosecdef AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname !~ '^pg_(toast|temp_)'
        AND ${NOT_EXTENSION_MEMBER("pg_proc", "p.oid")}
        AND NOT EXISTS (SELECT FROM unnest(p.proconfig) AS setting WHERE setting LIKE 'search\\_path=%')
      ORDER BY 1`,
  );
  for (const fn of functions.rows) {
    findings.push({ rule: "definer-search-path", object: `function ${fn.name}`, message: "SECURITY DEFINER without SET search_path: a caller's objects can shadow what it calls; add SET search_path = ''" });
  }
  return findings;
}
