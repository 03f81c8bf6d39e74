import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { REPO_ROOT } from "../../stacks/stack-files.js";

const LOKI_DIR = join(REPO_ROOT, "monitoring", "loki");
const load = (file: string): any => parse(readFileSync(join(LOKI_DIR, file), "utf8"));
const FILES = { filesystem: load("loki.yml"), s3: load("loki.object-store.yml") } as const;

describe.each(Object.entries(FILES))("loki config on %s storage", (store, config) => {
  it("stores the index with tsdb and schema v13 in the configured object store", () => {
    const schemas = config.schema_config.configs;
    expect(schemas).toHaveLength(1);
    expect(schemas[0]).toMatchObject({ store: "tsdb", schema: "v13", object_store: store, index: { prefix: "index_", period: "24h" } });
    expect(schemas[0].from).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(config.storage_config.tsdb_shipper.active_index_directory).toMatch(/^\/loki\//);
  });

  it("deletes logs past the retention period through the compactor", () => {
    expect(config.compactor).toMatchObject({ retention_enabled: true, delete_request_store: store });
    expect(config.compactor.working_directory).toMatch(/^\/loki\//);
    expect(config.limits_config.retention_period).toMatch(/^\d+h$/);
    expect(parseInt(config.limits_config.retention_period, 10)).toBeGreaterThanOrEqual(24 * 7);
  });

  it("evaluates the mounted rule files and sends alerts to Alertmanager's v2 API", () => {
    expect(config.ruler.storage).toEqual({ type: "local", local: { directory: "/etc/loki/rules" } });
    expect(config.ruler).toMatchObject({ alertmanager_url: "http://alertmanager:9093", enable_alertmanager_v2: true, enable_api: true });
    expect(config.auth_enabled).toBe(false);
  });

  it("keeps stream labels few", () => {
    expect(config.limits_config.max_label_names_per_series).toBeLessThanOrEqual(10);
  });
});

describe("the object-store variant", () => {
  it("differs from loki.yml only in where chunks, index and delete requests live", () => {
    const strip = (config: any) => {
      const copy = structuredClone(config);
      delete copy.common.storage;
      delete copy.schema_config.configs[0].object_store;
      delete copy.compactor.delete_request_store;
      return copy;
    };
    expect(strip(FILES.s3)).toEqual(strip(FILES.filesystem));
  });

  it("takes the bucket and its credentials from the environment (-config.expand-env=true)", () => {
    const s3 = FILES.s3.common.storage.s3;
    for (const key of ["endpoint", "region", "bucketnames", "access_key_id", "secret_access_key"]) expect(s3[key], key).toMatch(/^\$\{LOKI_S3_[A-Z_]+\}$/);
    expect(readFileSync(join(LOKI_DIR, "loki.object-store.yml"), "utf8")).toContain("-config.expand-env=true");
  });
});
