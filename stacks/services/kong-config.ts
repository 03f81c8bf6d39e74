import type { Addressing, Template } from "../model.js";
import { parsePlaceholders } from "../template.js";
import { ENDPOINTS } from "./endpoints.js";
import { readRepoFile } from "./repo-file.js";

/** The template of the gateway's declarative config, relative to the repository root. */
export const KONG_CONFIG_PATH = "kong/kong.yml";

/** The services the gateway routes to, by the name used in `{{upstream:NAME}}` placeholders. */
const KONG_UPSTREAMS = { auth: ENDPOINTS.auth, rest: ENDPOINTS.rest, realtime: ENDPOINTS.realtime } as const;

const PLACEHOLDER = /\{\{(.*?)\}\}/g;
const UPSTREAM = /^\s*upstream:([A-Za-z]+)\s*$/;
const SECRET = /^\s*secret:[A-Za-z]+\s*$/;

/**
 * Renders kong.yml for a platform: upstream placeholders become `host:port` as peers resolve them, secret
 * placeholders stay references. Throws on any other placeholder.
 */
export function renderKongConfig(addressing: Addressing, source: string = readRepoFile(KONG_CONFIG_PATH)): Template {
  const withUpstreams = source.replace(PLACEHOLDER, (placeholder: string, body: string) => {
    const upstream = UPSTREAM.exec(body)?.[1];
    if (upstream !== undefined && upstream in KONG_UPSTREAMS) {
      const { host, port } = KONG_UPSTREAMS[upstream as keyof typeof KONG_UPSTREAMS];
      return `${addressing.address(host)}:${port}`;
    }
    if (upstream === undefined && SECRET.test(body)) return placeholder;
    throw new Error(
      `${KONG_CONFIG_PATH}: unknown placeholder '${placeholder}'; use {{upstream:NAME}} (${Object.keys(KONG_UPSTREAMS).join(", ")}) or {{secret:NAME}}`,
    );
  });
  return parsePlaceholders(withUpstreams, KONG_CONFIG_PATH);
}
