/**
 * What a health check can run inside an image:
 * - curl / wget: an HTTP client is installed;
 * - bash: no HTTP client, but bash opens TCP connections through /dev/tcp (plus head and grep);
 * - postgrest: a shell-less image whose binary checks its own admin server (`postgrest --ready`, PostgREST ≥ 14).
 */
export type HealthTool = "curl" | "wget" | "bash" | "postgrest";

/** Facts about an image that renderers need and the image does not declare in a way we can read offline. */
export interface ImageFacts {
  /** The tool health checks use for http and tcp probes. */
  readonly healthTool: HealthTool;
  /** The image's ENTRYPOINT, needed to wrap it (compose secret-file rendering). */
  readonly entrypoint?: readonly string[];
  /** The image's CMD, needed with the entrypoint. */
  readonly cmd?: readonly string[];
}

/**
 * Keyed by repository (tag and digest dropped). Sources: Kong/docker-kong ubuntu/Dockerfile (Ubuntu, curl purged after
 * install), supabase/gotrue (Alpine, busybox wget, used by upstream's compose check), PostgREST docs (distroless
 * image, `--ready` flag), upstream Supabase compose (Realtime checked with curl), supabase/postgres (Ubuntu),
 * redis (Debian slim). Monitoring: the prom/* and prometheus-community images are built on quay.io/prometheus/busybox
 * (busybox wget, sh, awk); grafana/grafana is Alpine and runs /run.sh; grafana/loki ships busybox; grafana/alloy is
 * Ubuntu without an HTTP client; oliver006/redis_exporter only in its `-alpine` tags (the others are FROM scratch).
 */
const IMAGES: Readonly<Record<string, ImageFacts>> = {
  "kong/kong": { healthTool: "bash", entrypoint: ["/docker-entrypoint.sh"], cmd: ["kong", "docker-start"] },
  kong: { healthTool: "bash", entrypoint: ["/docker-entrypoint.sh"], cmd: ["kong", "docker-start"] },
  "supabase/gotrue": { healthTool: "wget" },
  "postgrest/postgrest": { healthTool: "postgrest" },
  "supabase/realtime": { healthTool: "curl" },
  "supabase/postgres": { healthTool: "bash" },
  redis: { healthTool: "bash", entrypoint: ["docker-entrypoint.sh"], cmd: ["redis-server"] },
  "prom/prometheus": { healthTool: "wget", entrypoint: ["/bin/prometheus"] },
  "prom/alertmanager": { healthTool: "wget", entrypoint: ["/bin/alertmanager"] },
  "prom/pushgateway": { healthTool: "wget" },
  "prom/blackbox-exporter": { healthTool: "wget" },
  "prom/node-exporter": { healthTool: "wget" },
  "prometheuscommunity/postgres-exporter": { healthTool: "wget" },
  "oliver006/redis_exporter": { healthTool: "wget" },
  "grafana/grafana": { healthTool: "wget", entrypoint: ["/run.sh"] },
  "grafana/loki": { healthTool: "wget" },
  "grafana/alloy": { healthTool: "bash" },
};

/** The repository part of an image reference: registry docker.io, `library/`, tag and digest removed. */
export function imageRepository(image: string): string {
  const withoutDigest = image.split("@")[0]!;
  const slash = withoutDigest.lastIndexOf("/");
  const colon = withoutDigest.lastIndexOf(":");
  const repo = colon > slash ? withoutDigest.slice(0, colon) : withoutDigest;
  return repo.replace(/^docker\.io\//, "").replace(/^library\//, "");
}

/** Facts about `image`, or undefined for an image this repository does not know. */
export function imageFacts(image: string): ImageFacts | undefined {
  return IMAGES[imageRepository(image)];
}
