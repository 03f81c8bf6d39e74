import { redactUrl } from "./backend.js";
import { type Check, fail, firstLine, ok } from "./check.js";
import type { Host } from "./host.js";

/** The docker client is on PATH and reaches the engine the stack deploys to (supabase:dockerHost, else DOCKER_HOST). */
export async function checkDocker(host: Host, dockerHost: string | undefined): Promise<Check[]> {
  const client = await host.run("docker", ["--version"]);
  if (client.code !== 0) {
    return [fail("docker-client", "docker client not found on PATH", "install Docker Engine (https://docs.docker.com/engine/install/) or Docker Desktop")];
  }
  const clientCheck = ok("docker-client", firstLine(client.stdout));
  const target = dockerHost
    ? `${redactUrl(dockerHost)} (supabase:dockerHost)`
    : host.env["DOCKER_HOST"]
      ? `${redactUrl(host.env["DOCKER_HOST"])} (DOCKER_HOST)`
      : "the client's default address";
  const hostArgs = dockerHost ? ["--host", dockerHost] : [];
  const engine = await host.run("docker", [...hostArgs, "version", "--format", "{{.Server.Version}}"]);
  const version = engine.stdout.trim();
  if (engine.code === 0 && version) return [clientCheck, ok("docker-engine", `engine ${version} at ${target}`)];
  const remote = Boolean(dockerHost || host.env["DOCKER_HOST"]);
  const fix = remote
    ? `make ${target} reachable from here (ssh:// needs key-based login and docker on the remote; tcp:// needs TLS certs in DOCKER_CERT_PATH), or change supabase:dockerHost`
    : "start the engine (sudo systemctl start docker, or open Docker Desktop); if it says permission denied: sudo usermod -aG docker $USER, then log in again";
  return [clientCheck, fail("docker-engine", `cannot reach the Docker engine at ${target}: ${firstLine(engine.stderr) || `exit ${engine.code}`}`, fix)];
}
