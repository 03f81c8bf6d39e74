/** The load shapes the suite knows, chosen with SCENARIO. */
export const SCENARIOS = ["smoke", "average", "stress", "soak", "spike"] as const;
export type ScenarioName = (typeof SCENARIOS)[number];

/** The k6 entry scripts under tests/load: every API at once, or one of them. */
export const SUITES = ["all", "realtime", "rest", "auth"] as const;
export type SuiteName = (typeof SUITES)[number];

/** Secrets a script cannot run without; checked in setup(), so `k6 archive` never needs them. */
export type Requirement = "anonKey" | "serviceRoleKey" | "jwtSecret";

/** What each suite requires. */
export const SUITE_REQUIREMENTS: Record<SuiteName, readonly Requirement[]> = {
  all: ["anonKey", "serviceRoleKey", "jwtSecret"],
  realtime: ["anonKey"],
  rest: ["anonKey", "jwtSecret"],
  auth: ["anonKey", "serviceRoleKey"],
};

/** Everything the k6 scripts read from the environment. */
export interface LoadSettings {
  readonly scenario: ScenarioName;
  /** TARGET_CONNECTIONS: peak WebSocket connections. */
  readonly target: number;
  /** JOIN_RATE: joins per second, all generators together. */
  readonly joinRate: number;
  /** ROOM_SIZE: sockets per room, publisher included. */
  readonly roomSize: number;
  /** HOLD_SECONDS: replaces the hold at peak. */
  readonly holdSeconds?: number;
  /** PRESENCE: enable presence on every join. */
  readonly presence: boolean;
  /** PRIVATE_CHANNELS: join private channels (needs RLS on realtime.messages and JWT_SECRET). */
  readonly privateChannels: boolean;
  /** LOSS_WINDOW_MS: a delivery later than this counts as lost. */
  readonly lossWindowMs: number;
  /** SUPABASE_URL: the Kong gateway, e.g. https://api.example.com. */
  readonly supabaseUrl: string;
  readonly anonKey: string;
  readonly serviceRoleKey?: string;
  readonly jwtSecret?: string;
  /** JWT_ISSUER: `iss` of minted tokens; GoTrue's is `<SUPABASE_URL>/auth/v1`. */
  readonly jwtIssuer: string;
  /** JWT_TTL_SECONDS: lifetime of minted tokens; sockets refresh theirs at half of it. */
  readonly tokenTtlSeconds: number;
  /** REST_RATE: PostgREST requests per second at the base level. */
  readonly restRate: number;
  /** REST_USERS: distinct users the REST traffic signs as. */
  readonly restUsers: number;
  /** AUTH_USERS: users created through the admin API for sign-in traffic. */
  readonly authUsers: number;
  /** AUTH_TOKEN_LIMIT: GoTrue /token budget per 5 minutes (GOTRUE_RATE_LIMIT_TOKEN_REFRESH). */
  readonly authTokenLimit: number;
  /** SUMMARY_DIR: where handleSummary writes its JSON and text report. */
  readonly summaryDir: string;
  /** RUN_ID: distinguishes this run's rooms, users and rows (letters, digits, '-'). */
  readonly runId: string;
  /** STACK: the stack under test, for the report title. */
  readonly stack?: string;
  /** RUNNER_NAME: the `runner` tag that keeps distributed runners' remote-written series apart. */
  readonly runner: string;
}

/** Raised when the environment is incomplete or malformed; lists every problem. */
export class SettingsError extends Error {
  readonly problems: readonly string[];

  constructor(problems: readonly string[]) {
    super(`load test settings (${problems.length} problem${problems.length === 1 ? "" : "s"}):\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "SettingsError";
    this.problems = problems;
  }
}

type Env = Readonly<Record<string, string | undefined>>;

/** The part of the settings that decides the load shape (no secrets needed). */
export type ShapeSettings = Pick<LoadSettings, "scenario" | "target" | "joinRate" | "roomSize" | "holdSeconds">;

/** Typed access to the environment that collects every problem instead of stopping at the first. */
class EnvReader {
  readonly problems: string[] = [];
  private readonly env: Env;

  constructor(env: Env) {
    this.env = env;
  }

  text(name: string): string | undefined {
    const value = this.env[name];
    return value === undefined || value.trim() === "" ? undefined : value.trim();
  }

  secret(name: string, required: boolean): string | undefined {
    const value = this.text(name);
    if (required && value === undefined) this.problems.push(`${name}: not set; expected the value in the environment (never on the command line)`);
    return value;
  }

  whole(name: string, fallback: number, min = 1): number {
    const value = this.text(name);
    if (value === undefined) return fallback;
    if (!/^\d+$/.test(value) || Number(value) < min) {
      this.problems.push(`${name}: got '${value}'; expected a whole number >= ${min}`);
      return fallback;
    }
    return Number(value);
  }

  flag(name: string): boolean {
    const value = this.text(name);
    if (value !== undefined && value !== "true" && value !== "false") this.problems.push(`${name}: got '${value}'; expected true or false`);
    return value === "true";
  }

  shape(): ShapeSettings {
    const scenarioText = this.text("SCENARIO") ?? "smoke";
    const scenario = SCENARIOS.find((s) => s === scenarioText);
    if (!scenario) this.problems.push(`SCENARIO: got '${scenarioText}'; expected one of ${SCENARIOS.join(", ")}`);
    return {
      scenario: scenario ?? "smoke",
      target: this.whole("TARGET_CONNECTIONS", 10_000),
      joinRate: this.whole("JOIN_RATE", 80),
      roomSize: this.whole("ROOM_SIZE", 100),
      ...(this.text("HOLD_SECONDS") !== undefined && { holdSeconds: this.whole("HOLD_SECONDS", 0, 0) }),
    };
  }

  check(): void {
    if (this.problems.length) throw new SettingsError(this.problems);
  }
}

/** Reads SCENARIO, TARGET_CONNECTIONS, JOIN_RATE, ROOM_SIZE and HOLD_SECONDS; throws SettingsError on bad values. */
export function readShapeSettings(env: Env): ShapeSettings {
  const reader = new EnvReader(env);
  const shape = reader.shape();
  reader.check();
  return shape;
}

/** Reads and validates the whole environment, requiring the listed secrets; throws SettingsError naming each bad variable, its value and what is allowed. */
export function readSettings(env: Env, requirements: readonly Requirement[] = []): LoadSettings {
  const read = new EnvReader(env);
  const shape = read.shape();
  const supabaseUrl = read.text("SUPABASE_URL")?.replace(/\/+$/, "");
  if (supabaseUrl === undefined) read.problems.push("SUPABASE_URL: not set; expected the gateway URL, e.g. https://api.example.com");
  else if (!/^https?:\/\/[^/\s]+/.test(supabaseUrl)) read.problems.push(`SUPABASE_URL: got '${supabaseUrl}'; expected an http:// or https:// URL`);
  const runId = read.text("RUN_ID") ?? "local";
  if (!/^[A-Za-z0-9-]{1,40}$/.test(runId)) read.problems.push(`RUN_ID: got '${runId}'; expected 1-40 letters, digits or '-'`);
  const privateChannels = read.flag("PRIVATE_CHANNELS");
  const stack = read.text("STACK");
  const serviceRoleKey = read.secret("SUPABASE_SERVICE_ROLE_KEY", requirements.includes("serviceRoleKey"));
  const jwtSecret = read.secret("JWT_SECRET", requirements.includes("jwtSecret") || privateChannels);
  const settings: LoadSettings = {
    ...shape,
    presence: read.flag("PRESENCE"),
    privateChannels,
    lossWindowMs: read.whole("LOSS_WINDOW_MS", 5_000, 100),
    supabaseUrl: supabaseUrl ?? "",
    anonKey: read.secret("SUPABASE_ANON_KEY", requirements.includes("anonKey")) ?? "",
    jwtIssuer: read.text("JWT_ISSUER") ?? `${supabaseUrl ?? ""}/auth/v1`,
    tokenTtlSeconds: read.whole("JWT_TTL_SECONDS", 3600, 60),
    restRate: read.whole("REST_RATE", 50),
    restUsers: read.whole("REST_USERS", 100),
    authUsers: read.whole("AUTH_USERS", 10),
    authTokenLimit: read.whole("AUTH_TOKEN_LIMIT", 150, 3),
    summaryDir: read.text("SUMMARY_DIR") ?? ".",
    runId,
    runner: read.text("RUNNER_NAME") ?? "local",
    ...(stack !== undefined && { stack }),
    ...(serviceRoleKey !== undefined && { serviceRoleKey }),
    ...(jwtSecret !== undefined && { jwtSecret }),
  };
  read.check();
  return settings;
}
