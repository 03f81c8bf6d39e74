/** Phoenix protocol version 1.0.0: one JSON object per text frame, the server's default and the simplest for k6. */
export const PROTOCOL_VSN = "1.0.0";
/** realtime-js sends a heartbeat every 25 s; Phoenix closes a socket 60 s after the last frame it received. */
export const HEARTBEAT_INTERVAL_MS = 25_000;
/** realtime-js gives a push (join, ack) 10 s before it calls it timed out. */
export const PUSH_TIMEOUT_MS = 10_000;
/** The topic of socket-level messages such as heartbeats. */
export const PHOENIX_TOPIC = "phoenix";
/** The broadcast event name the load test publishes. */
export const LOAD_EVENT = "load";

/** Channel event names of the Phoenix and Realtime protocol. */
export const EVENTS = {
  join: "phx_join",
  reply: "phx_reply",
  close: "phx_close",
  error: "phx_error",
  heartbeat: "heartbeat",
  broadcast: "broadcast",
  accessToken: "access_token",
  system: "system",
} as const;

/** One Phoenix message; heartbeats carry no join_ref, server pushes carry null refs. */
export interface PhoenixMessage<P = unknown> {
  /** `realtime:<channel>` or `phoenix`. */
  readonly topic: string;
  /** Event name, e.g. phx_join, broadcast, phx_reply. */
  readonly event: string;
  /** Event body. */
  readonly payload: P;
  /** Reference the server echoes in its reply; null on server pushes. */
  readonly ref: string | null;
  /** Ref of the join this message belongs to; absent on heartbeats. */
  readonly join_ref?: string | null;
}

/** Channel options a client asks for when it joins. */
export interface JoinOptions {
  /** Receive one's own broadcasts. */
  readonly self: boolean;
  /** Ask the server to acknowledge every broadcast with a phx_reply. */
  readonly ack: boolean;
  /** Track presence on the channel. */
  readonly presence: boolean;
  /** Presence key; empty lets the server pick a UUID. */
  readonly presenceKey?: string;
  /** Private channel: authorised by RLS on realtime.messages. */
  readonly private: boolean;
  /** User JWT; omitted when the socket's apikey is the identity. */
  readonly accessToken?: string;
}

/** The phx_join payload, laid out as realtime-js 2.119 sends it. */
export interface JoinPayload {
  readonly config: {
    readonly broadcast: { readonly ack: boolean; readonly self: boolean };
    readonly presence: { readonly key: string; readonly enabled: boolean };
    readonly postgres_changes: readonly unknown[];
    readonly private: boolean;
  };
  readonly access_token?: string;
}

/** What the publisher puts in every broadcast: a unique id and its send time on the publisher's clock. */
export interface LoadPayload {
  /** `<room>:<sequence>`. */
  readonly id: string;
  /** Date.now() at send, in ms. */
  readonly sent_at: number;
}

/** The body of a broadcast message, sent and received alike. */
export interface BroadcastPayload<P = unknown> {
  readonly type: "broadcast";
  readonly event: string;
  readonly payload: P;
}

/** A parsed phx_reply. */
export interface Reply {
  /** The ref of the push it answers. */
  readonly ref: string | null;
  readonly topic: string;
  readonly status: "ok" | "error" | string;
  readonly response: Record<string, unknown>;
}

/** A parsed `system` push: server notices such as rate limits. */
export interface SystemNotice {
  readonly topic: string;
  readonly status: string;
  readonly message: string;
}

/** Topic of a Realtime channel. */
export function channelTopic(room: string): string {
  return `realtime:${room}`;
}

/** The WebSocket URL through Kong: `ws(s)://host/realtime/v1/websocket?apikey=…&vsn=1.0.0`, query in realtime-js's order. */
export function socketUrl(supabaseUrl: string, apikey: string): string {
  const base = supabaseUrl.replace(/\/+$/, "").replace(/^http/i, "ws");
  return `${base}/realtime/v1/websocket?apikey=${encodeURIComponent(apikey)}&vsn=${PROTOCOL_VSN}`;
}

/** The phx_join payload for the given options. */
export function joinPayload(options: JoinOptions): JoinPayload {
  const config = {
    broadcast: { ack: options.ack, self: options.self },
    presence: { key: options.presenceKey ?? "", enabled: options.presence },
    postgres_changes: [],
    private: options.private,
  };
  return options.accessToken === undefined ? { config } : { config, access_token: options.accessToken };
}

/** Serialises one message as a vsn 1.0.0 text frame. */
export function encode(message: PhoenixMessage): string {
  return JSON.stringify(message);
}

/** A join frame; its ref becomes the channel's join_ref. */
export function joinFrame(topic: string, ref: string, options: JoinOptions): string {
  return encode({ topic, event: EVENTS.join, payload: joinPayload(options), ref, join_ref: ref });
}

/** A heartbeat frame (socket level, no join_ref). */
export function heartbeatFrame(ref: string): string {
  return encode({ topic: PHOENIX_TOPIC, event: EVENTS.heartbeat, payload: {}, ref });
}

/** A broadcast push on a joined channel. */
export function broadcastFrame<P>(topic: string, ref: string, joinRef: string, event: string, payload: P): string {
  const body: BroadcastPayload<P> = { type: "broadcast", event, payload };
  return encode({ topic, event: EVENTS.broadcast, payload: body, ref, join_ref: joinRef });
}

/** Refreshes the JWT of a joined channel in-band, before the old one expires. */
export function accessTokenFrame(topic: string, ref: string, joinRef: string, accessToken: string): string {
  return encode({ topic, event: EVENTS.accessToken, payload: { access_token: accessToken }, ref, join_ref: joinRef });
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
const refOf = (v: unknown): string | null => (typeof v === "string" ? v : typeof v === "number" ? String(v) : null);

/** Parses a text frame; undefined when it is not a vsn 1.0.0 message. */
export function decode(text: string): PhoenixMessage | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!isRecord(value) || typeof value["topic"] !== "string" || typeof value["event"] !== "string") return undefined;
  return { topic: value["topic"], event: value["event"], payload: value["payload"], ref: refOf(value["ref"]), join_ref: refOf(value["join_ref"]) };
}

/** The reply carried by a phx_reply message, if it is one. */
export function parseReply(message: PhoenixMessage): Reply | undefined {
  if (message.event !== EVENTS.reply || !isRecord(message.payload)) return undefined;
  const { status, response } = message.payload;
  if (typeof status !== "string") return undefined;
  return { ref: message.ref, topic: message.topic, status, response: isRecord(response) ? response : {} };
}

/** The broadcast carried by a message, if it is one. */
export function parseBroadcast(message: PhoenixMessage): BroadcastPayload | undefined {
  const p = message.payload;
  if (message.event !== EVENTS.broadcast || !isRecord(p) || typeof p["event"] !== "string") return undefined;
  return { type: "broadcast", event: p["event"], payload: p["payload"] };
}

/** The load-test payload inside a broadcast, if it carries one. */
export function parseLoadPayload(broadcast: BroadcastPayload): LoadPayload | undefined {
  const p = broadcast.payload;
  if (broadcast.event !== LOAD_EVENT || !isRecord(p) || typeof p["id"] !== "string" || typeof p["sent_at"] !== "number") return undefined;
  return { id: p["id"], sent_at: p["sent_at"] };
}

/** The notice carried by a `system` message, if it is one. */
export function parseSystem(message: PhoenixMessage): SystemNotice | undefined {
  const p = message.payload;
  if (message.event !== EVENTS.system || !isRecord(p)) return undefined;
  return { topic: message.topic, status: typeof p["status"] === "string" ? p["status"] : "", message: typeof p["message"] === "string" ? p["message"] : "" };
}

/** The error text of a failed reply: `response.reason` (joins) or `response.error` (acks). */
export function replyReason(reply: Reply): string {
  const { reason, error } = reply.response;
  if (typeof reason === "string") return reason;
  if (typeof error === "string") return error;
  return JSON.stringify(reply.response);
}

/** Bounded set of error reasons: the values of the `reason` tag on rt_errors. */
export const ERROR_REASONS = [
  "too_many_users",
  "join_rate_limit",
  "channel_rate_limit",
  "too_many_messages",
  "presence_rate_limit",
  "unauthorized",
  "token_expired",
  "payload_too_large",
  "handshake_rejected",
  "join_timeout",
  "ack_timeout",
  "heartbeat_timeout",
  "channel_error",
  "channel_closed",
  "socket_closed",
  "server_disconnect",
  "other",
] as const;
export type ErrorReason = (typeof ERROR_REASONS)[number];

const REASON_PATTERNS: readonly (readonly [RegExp, ErrorReason])[] = [
  [/too many connected users|toomanyconnect|connectionratelimitreached|max_concurrent_users/i, "too_many_users"],
  [/joinratelimit|too many joins/i, "join_rate_limit"],
  [/channelratelimit|too many channels/i, "channel_rate_limit"],
  [/too many messages/i, "too_many_messages"],
  [/presence.*(rate limit|per second)|presence rate/i, "presence_rate_limit"],
  [/token has expired|invalidjwtexpiration|jwt.*expired|expired.*token/i, "token_expired"],
  [/unauthori[sz]ed|invalid.*(jwt|token)|signature|forbidden/i, "unauthorized"],
  [/payload_size_exceeded|payload.*too large/i, "payload_too_large"],
  [/bad handshake|unexpected (http )?status|\b(401|403|404|429|500|502|503)\b/i, "handshake_rejected"],
  [/server requested disconnect/i, "server_disconnect"],
];

/** Maps a server or client error text to one of ERROR_REASONS, keeping metric tags low-cardinality. */
export function classifyReason(text: string): ErrorReason {
  for (const [pattern, reason] of REASON_PATTERNS) if (pattern.test(text)) return reason;
  return "other";
}
