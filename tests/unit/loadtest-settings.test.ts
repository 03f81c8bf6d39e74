import { describe, expect, it } from "vitest";
import { SUITE_REQUIREMENTS, SettingsError, readSettings, readShapeSettings } from "../../tests/load/lib/settings.js";

const BASE = { SUPABASE_URL: "https://api.example.com/", SUPABASE_ANON_KEY: "anon", SUPABASE_SERVICE_ROLE_KEY: "service", JWT_SECRET: "secret" };

function problemsOf(run: () => unknown): readonly string[] {
  try {
    run();
  } catch (error) {
    if (error instanceof SettingsError) return error.problems;
    throw error;
  }
  return [];
}

describe("readSettings", () => {
  it("applies the defaults: smoke, 10000 connections, 80 joins/s, rooms of 100, GoTrue's issuer", () => {
    expect(readSettings(BASE, SUITE_REQUIREMENTS.all)).toMatchObject({
      scenario: "smoke",
      target: 10_000,
      joinRate: 80,
      roomSize: 100,
      presence: false,
      privateChannels: false,
      supabaseUrl: "https://api.example.com",
      jwtIssuer: "https://api.example.com/auth/v1",
      tokenTtlSeconds: 3600,
      authTokenLimit: 150,
      runner: "local",
    });
  });

  it("reads the shape from the environment", () => {
    expect(readShapeSettings({ SCENARIO: "soak", TARGET_CONNECTIONS: "12000", JOIN_RATE: "400", ROOM_SIZE: "10", HOLD_SECONDS: "14400" })).toEqual({
      scenario: "soak",
      target: 12_000,
      joinRate: 400,
      roomSize: 10,
      holdSeconds: 14_400,
    });
  });

  it("names every bad variable with its value and what is allowed", () => {
    expect(problemsOf(() => readSettings({ ...BASE, SCENARIO: "load", TARGET_CONNECTIONS: "10k", PRESENCE: "yes", RUN_ID: "a b", SUPABASE_URL: "api" }))).toEqual([
      "SCENARIO: got 'load'; expected one of smoke, average, stress, soak, spike",
      "TARGET_CONNECTIONS: got '10k'; expected a whole number >= 1",
      "SUPABASE_URL: got 'api'; expected an http:// or https:// URL",
      "RUN_ID: got 'a b'; expected 1-40 letters, digits or '-'",
      "PRESENCE: got 'yes'; expected true or false",
    ]);
  });

  it("requires only the secrets the suite uses, and JWT_SECRET for private channels", () => {
    const none = { SUPABASE_URL: BASE.SUPABASE_URL };
    expect(problemsOf(() => readSettings(none))).toEqual([]);
    expect(problemsOf(() => readSettings(none, SUITE_REQUIREMENTS.realtime))).toEqual(["SUPABASE_ANON_KEY: not set; expected the value in the environment (never on the command line)"]);
    expect(problemsOf(() => readSettings({ ...none, SUPABASE_ANON_KEY: "a" }, SUITE_REQUIREMENTS.auth)).join()).toContain("SUPABASE_SERVICE_ROLE_KEY: not set");
    expect(problemsOf(() => readSettings({ ...none, SUPABASE_ANON_KEY: "a", PRIVATE_CHANNELS: "true" }, SUITE_REQUIREMENTS.realtime)).join()).toContain("JWT_SECRET: not set");
  });

  it("never puts a secret value in a message", () => {
    const error = problemsOf(() => readSettings({ ...BASE, JWT_TTL_SECONDS: "5" }, SUITE_REQUIREMENTS.all)).join("\n");
    expect(error).toContain("JWT_TTL_SECONDS: got '5'; expected a whole number >= 60");
    for (const secret of ["anon", "service", "secret"]) expect(error).not.toContain(`'${secret}'`);
  });
});
