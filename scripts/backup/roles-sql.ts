const CREATE_ROLE = /^CREATE ROLE ((?:"(?:[^"]|"")+")|[a-z_][a-z0-9_$]*);$/;

/**
 * Makes `pg_dumpall --roles-only` output safe to replay on a cluster that already has some of the roles (every supabase
 * image creates anon, authenticated, service_role, supabase_admin, …): each `CREATE ROLE x;` becomes a block that skips
 * an existing role, and the `ALTER ROLE x WITH … PASSWORD …` that follows sets its attributes and password either way.
 */
export function idempotentRoles(sql: string): string {
  return sql
    .split("\n")
    .map((line) => {
      const match = CREATE_ROLE.exec(line);
      if (!match) return line;
      const role = match[1]!;
      if (role.includes("$restore_role$")) throw new Error(`role name ${role} cannot be restored safely`);
      const literal = `'${role.replaceAll("'", "''")}'`;
      return `DO $restore_role$ BEGIN CREATE ROLE ${role}; EXCEPTION WHEN duplicate_object THEN RAISE NOTICE 'role % exists; updating it', ${literal}; END $restore_role$;`;
    })
    .join("\n");
}
