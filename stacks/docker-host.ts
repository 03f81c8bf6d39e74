/** The host name of a Docker host URL (`supabase:dockerHost`); localhost for the local engine. */
export function dockerHostName(dockerHost: string | undefined): string {
  if (!dockerHost || dockerHost.startsWith("unix://")) return "localhost";
  return new URL(dockerHost).hostname;
}
