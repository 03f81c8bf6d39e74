import { describe, expect, it } from "vitest";
import {
  ERROR_REASONS,
  EVENTS,
  HEARTBEAT_INTERVAL_MS,
  PROTOCOL_VSN,
  broadcastFrame,
  channelTopic,
  classifyReason,
  decode,
  joinFrame,
  joinPayload,
  parseBroadcast,
  parseLoadPayload,
  parseReply,
  parseSystem,
  replyReason,
  socketUrl,
} from "../../tests/load/lib/protocol.js";

describe("socket URL and topics", () => {
  it("goes through Kong with the apikey and vsn 1.0.0, ws for http and wss for https", () => {
    expect(socketUrl("https://api.example.com/", "a+b/c=")).toBe("wss://api.example.com/realtime/v1/websocket?apikey=a%2Bb%2Fc%3D&vsn=1.0.0");
    expect(socketUrl("http://localhost:8000", "k")).toBe("ws://localhost:8000/realtime/v1/websocket?apikey=k&vsn=1.0.0");
    expect(PROTOCOL_VSN).toBe("1.0.0");
  });

  it("names channels realtime:<room> and beats every 25 s like realtime-js", () => {
    expect(channelTopic("load-1-3")).toBe("realtime:load-1-3");
    expect(HEARTBEAT_INTERVAL_MS).toBe(25_000);
  });
});

describe("join payload", () => {
  it("carries broadcast self/ack, presence, no postgres_changes and private", () => {
    expect(joinPayload({ self: true, ack: false, presence: true, presenceKey: "u1", private: true, accessToken: "jwt" })).toEqual({
      config: { broadcast: { ack: false, self: true }, presence: { key: "u1", enabled: true }, postgres_changes: [], private: true },
      access_token: "jwt",
    });
  });

  it("leaves access_token out when the apikey is the identity", () => {
    expect(joinPayload({ self: false, ack: false, presence: false, private: false })).not.toHaveProperty("access_token");
  });

  it("uses the join ref as join_ref", () => {
    const frame = JSON.parse(joinFrame("realtime:r", "5", { self: false, ack: false, presence: false, private: false }));
    expect(frame).toMatchObject({ topic: "realtime:r", event: "phx_join", ref: "5", join_ref: "5" });
  });
});

describe("decoding server frames", () => {
  it("rejects what is not a vsn 1.0.0 message", () => {
    expect(decode("not json")).toBeUndefined();
    expect(decode('["1","2","realtime:r","phx_reply",{}]')).toBeUndefined();
    expect(decode('{"event":"x"}')).toBeUndefined();
  });

  it("normalises numeric refs to strings and missing ones to null", () => {
    expect(decode('{"topic":"phoenix","event":"phx_reply","payload":{"status":"ok","response":{}},"ref":3}')).toMatchObject({ ref: "3", join_ref: null });
  });

  it("reads join replies, ok and error, and the reason of a failure", () => {
    const ok = parseReply(decode('{"topic":"realtime:r","event":"phx_reply","payload":{"status":"ok","response":{"postgres_changes":[]}},"ref":"1","join_ref":"1"}')!);
    expect(ok).toEqual({ ref: "1", topic: "realtime:r", status: "ok", response: { postgres_changes: [] } });
    const error = parseReply(decode('{"topic":"realtime:r","event":"phx_reply","payload":{"status":"error","response":{"reason":"ClientJoinRateLimitReached: Too many joins per second"}},"ref":"1"}')!);
    expect(error && replyReason(error)).toBe("ClientJoinRateLimitReached: Too many joins per second");
    const ack = parseReply(decode('{"topic":"realtime:r","event":"phx_reply","payload":{"status":"error","response":{"error":"payload_size_exceeded"}},"ref":"9"}')!);
    expect(ack && replyReason(ack)).toBe("payload_size_exceeded");
  });

  it("reads broadcasts and only accepts well-formed load payloads", () => {
    const message = decode(broadcastFrame("realtime:r", "2", "1", "load", { id: "3:4", sent_at: 99 }))!;
    const broadcast = parseBroadcast(message)!;
    expect(parseLoadPayload(broadcast)).toEqual({ id: "3:4", sent_at: 99 });
    expect(parseLoadPayload({ ...broadcast, event: "other" })).toBeUndefined();
    expect(parseLoadPayload({ ...broadcast, payload: { id: "3:4", sent_at: "99" } })).toBeUndefined();
    expect(parseBroadcast({ ...message, event: EVENTS.reply })).toBeUndefined();
  });

  it("reads system notices", () => {
    const notice = parseSystem(decode('{"topic":"realtime:r","event":"system","payload":{"status":"error","extension":"system","message":"Too many messages per second"},"ref":null}')!);
    expect(notice).toEqual({ topic: "realtime:r", status: "error", message: "Too many messages per second" });
  });
});

describe("classifyReason", () => {
  it.each([
    ["Too many connected users", "too_many_users"],
    ["ClientJoinRateLimitReached: Too many joins per second", "join_rate_limit"],
    ["ChannelRateLimitReached: Too many channels", "channel_rate_limit"],
    ["Too many messages per second", "too_many_messages"],
    ["Too many presence messages per second", "presence_rate_limit"],
    ["Client presence rate limit exceeded", "presence_rate_limit"],
    ["Token has expired 12 seconds ago", "token_expired"],
    ["InvalidJWTExpiration: Token expiration time is invalid", "token_expired"],
    ["Unauthorized: You do not have permissions to read from this Channel topic: r", "unauthorized"],
    ["payload_size_exceeded", "payload_too_large"],
    ["websocket: bad handshake", "handshake_rejected"],
    ["Server requested disconnect", "server_disconnect"],
    ["something new", "other"],
  ] as const)("%s → %s", (text, reason) => {
    expect(classifyReason(text)).toBe(reason);
    expect(ERROR_REASONS).toContain(reason);
  });
});
