/** The Docker engine's socket on the host, mounted read-only into a log collector at the same path. */
export const DOCKER_SOCKET = "/var/run/docker.sock";
