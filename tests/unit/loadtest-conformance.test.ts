import { RealtimeClient, type RealtimeClientOptions } from "@supabase/realtime-js";
import { afterEach, describe, expect, it } from "vitest";
import WebSocket, { WebSocketServer } from "ws";
import {
  LOAD_EVENT,
  accessTokenFrame,
  broadcastFrame,
  channelTopic,
  decode,
  heartbeatFrame,
  joinFrame,
  parseBroadcast,
  parseLoadPayload,
  socketUrl,
} from "../../tests/load/lib/protocol.js";

/** A Realtime stand-in on 127.0.0.1: records every frame and answers joins, heartbeats and acked broadcasts. */
interface FakeRealtime {
  readonly url: string;
  /** Request paths (with query) of the upgrades it accepted. */
  readonly upgrades: string[];
  /** Every client frame, parsed. */
  readonly frames: Record<string, unknown>[];
  push(frame: string): void;
  close(): Promise<void>;
}

async function startFakeRealtime(): Promise<FakeRealtime> {
  const wss = new WebSocketServer({ host: "127.0.0.1", port: 0 });
  await new Promise<void>((resolve) => wss.once("listening", () => resolve()));
  const upgrades: string[] = [];
  const frames: Record<string, unknown>[] = [];
  const sockets = new Set<WebSocket>();
  wss.on("connection", (socket, request) => {
    sockets.add(socket);
    upgrades.push(request.url ?? "");
    socket.on("message", (data) => {
      const frame = JSON.parse(String(data)) as Record<string, unknown>;
      frames.push(frame);
      const reply = (response: Record<string, unknown>): void =>
        socket.send(JSON.stringify({ topic: frame["topic"], event: "phx_reply", payload: { status: "ok", response }, ref: frame["ref"], join_ref: frame["join_ref"] ?? null }));
      if (frame["event"] === "phx_join") reply({ postgres_changes: [] });
      if (frame["event"] === "heartbeat" || frame["event"] === "broadcast") reply({});
    });
  });
  const { port } = wss.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    upgrades,
    frames,
    push: (frame) => {
      for (const socket of sockets) socket.send(frame);
    },
    close: () =>
      new Promise((resolve) => {
        for (const socket of sockets) socket.terminate();
        wss.close(() => resolve());
      }),
  };
}

async function until<T>(find: () => T | undefined, what: string): Promise<T> {
  for (let i = 0; i < 200; i++) {
    const found = find();
    if (found !== undefined) return found;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** The structure of a JSON value: object keys (sorted) and value types, arrays element-wise. */
function shape(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(shape);
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => [k, shape(v)]));
  }
  return value === null ? "null" : typeof value;
}

/** The frame with its ref values blanked (refs are counters; only their presence and type must match). */
function withoutRefValues(frame: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(frame).map(([k, v]) => [k, k === "ref" || k === "join_ref" ? typeof v : v]));
}

function expectSameFrame(ours: string, theirs: Record<string, unknown>): void {
  const parsed = JSON.parse(ours) as Record<string, unknown>;
  expect(shape(parsed)).toEqual(shape(theirs));
  expect(withoutRefValues(parsed)).toEqual(withoutRefValues(theirs));
}

const ANON_KEY = "anon.key.value";
const USER_TOKEN = "user.jwt.one";
const NEXT_TOKEN = "user.jwt.two";
const ROOM = "load-run-7";

let cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const step of cleanup.reverse()) await step();
  cleanup = [];
});

describe("our vsn 1.0.0 frames against @supabase/realtime-js 2.119", () => {
  it("match the official client's join, broadcast, heartbeat and access_token frames, URL included", async () => {
    const server = await startFakeRealtime();
    cleanup.push(server.close);
    const options: RealtimeClientOptions = {
      params: { apikey: ANON_KEY },
      transport: WebSocket as unknown as RealtimeClientOptions["transport"],
      vsn: "1.0.0",
      heartbeatIntervalMs: 40,
      timeout: 2000,
    };
    const client = new RealtimeClient(`${server.url.replace(/^http/, "ws")}/realtime/v1`, options);
    cleanup.push(async () => {
      await client.disconnect();
    });
    expect(client.vsn).toBe("1.0.0");
    await client.setAuth(USER_TOKEN);
    const channel = client.channel(ROOM, { config: { broadcast: { ack: true, self: false }, presence: { key: "", enabled: false }, private: false } });
    await new Promise<void>((resolve, reject) =>
      channel.subscribe((status, error) => (status === "SUBSCRIBED" ? resolve() : status !== "CLOSED" && reject(error ?? new Error(status)))),
    );
    expect(await channel.send({ type: "broadcast", event: LOAD_EVENT, payload: { id: "7:1", sent_at: 1755800000123 } })).toBe("ok");
    const heartbeat = await until(() => server.frames.find((f) => f["event"] === "heartbeat"), "a heartbeat");
    await client.setAuth(NEXT_TOKEN);
    const refresh = await until(() => server.frames.find((f) => f["event"] === "access_token"), "an access_token push");
    const join = server.frames.find((f) => f["event"] === "phx_join")!;
    const broadcast = server.frames.find((f) => f["event"] === "broadcast")!;
    const topic = channelTopic(ROOM);

    expect(join["topic"]).toBe(topic);
    expectSameFrame(joinFrame(topic, "1", { self: false, ack: true, presence: false, private: false, accessToken: USER_TOKEN }), join);
    expectSameFrame(broadcastFrame(topic, "2", "1", LOAD_EVENT, { id: "7:1", sent_at: 1755800000123 }), broadcast);
    expectSameFrame(heartbeatFrame("3"), heartbeat);
    expectSameFrame(accessTokenFrame(topic, "4", "1", NEXT_TOKEN), refresh);
    expect(Object.keys(heartbeat)).not.toContain("join_ref");

    const ours = new URL(socketUrl(server.url, ANON_KEY));
    expect(ours.protocol).toBe("ws:");
    expect(`${ours.pathname}${ours.search}`).toBe(server.upgrades[0]);
  });

  it("parse the broadcasts the client itself accepts", async () => {
    const server = await startFakeRealtime();
    cleanup.push(server.close);
    const client = new RealtimeClient(`${server.url.replace(/^http/, "ws")}/realtime/v1`, {
      params: { apikey: ANON_KEY },
      transport: WebSocket as unknown as RealtimeClientOptions["transport"],
      vsn: "1.0.0",
    });
    cleanup.push(async () => {
      await client.disconnect();
    });
    const received: unknown[] = [];
    const channel = client.channel(ROOM).on("broadcast", { event: LOAD_EVENT }, (message) => received.push(message["payload"]));
    await new Promise<void>((resolve) => channel.subscribe((status) => status === "SUBSCRIBED" && resolve()));
    const frame = JSON.stringify({ topic: channelTopic(ROOM), event: "broadcast", payload: { type: "broadcast", event: LOAD_EVENT, payload: { id: "7:2", sent_at: 42 } }, ref: null });
    server.push(frame);
    await until(() => received[0], "the client to receive the broadcast");

    const message = decode(frame);
    const parsed = message && parseBroadcast(message);
    expect(parsed && parseLoadPayload(parsed)).toEqual(received[0]);
  });
});
