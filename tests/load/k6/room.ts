import exec from "k6/execution";
import { clearInterval, clearTimeout, setInterval, setTimeout } from "k6/timers";
import { WebSocket } from "k6/websockets";
import {
  EVENTS,
  type ErrorReason,
  HEARTBEAT_INTERVAL_MS,
  LOAD_EVENT,
  PUSH_TIMEOUT_MS,
  type Reply,
  accessTokenFrame,
  broadcastFrame,
  channelTopic,
  classifyReason,
  decode,
  heartbeatFrame,
  joinFrame,
  parseBroadcast,
  parseLoadPayload,
  parseReply,
  parseSystem,
  replyReason,
  socketUrl,
} from "../lib/protocol.ts";
import type { LoadSettings } from "../lib/settings.ts";
import { type ConnectionPlan, closeAtMs, connectionIndex, openAtMs, roomMembers } from "../lib/stages.ts";
import { errors, joinOk, joins, latency, loss, lost, received, sent } from "./metrics.ts";
import { userToken } from "./tokens.ts";

/** A broadcast still inside its loss window. */
interface InFlight {
  /** Members expected to receive it that have not yet. */
  readonly waiting: Set<number>;
  /** Members that received it in time. */
  delivered: number;
}

/** State shared by the sockets of one room, all on this VU's event loop and clock. */
interface Room {
  readonly settings: LoadSettings;
  readonly plan: ConnectionPlan;
  readonly index: number;
  readonly topic: string;
  /** Scenario start, ms since the epoch: the plan's time zero. */
  readonly zero: number;
  /** Members whose join was answered ok and whose socket is open. */
  readonly joined: Set<number>;
  readonly inFlight: Map<string, InFlight>;
}

/** Runs room number exec.scenario.iterationInTest of the plan: opens its members on schedule, publishes from member 0, closes on schedule. */
export function runRoom(settings: LoadSettings, plan: ConnectionPlan): void {
  const index = exec.scenario.iterationInTest;
  if (index >= plan.rooms) return;
  const room: Room = {
    settings,
    plan,
    index,
    topic: channelTopic(`load-${settings.runId}-${index}`),
    zero: exec.scenario.startTime,
    joined: new Set(),
    inFlight: new Map(),
  };
  for (let member = 0; member < roomMembers(plan, index); member++) {
    const n = connectionIndex(plan, index, member);
    setTimeout(() => openMember(room, member, n), Math.max(0, room.zero + openAtMs(plan, n) - Date.now()));
  }
}

function openMember(room: Room, member: number, n: number): void {
  const { settings, topic } = room;
  const publisher = member === 0;
  const ws = new WebSocket(socketUrl(settings.supabaseUrl, settings.anonKey), null, { tags: { role: publisher ? "publisher" : "subscriber" } });
  const timeouts: number[] = [];
  const intervals: number[] = [];
  const acks = new Map<string, number>();
  let ref = 0;
  let joinRef = "";
  let settled = false;
  let ended = false;
  let heartbeat: { ref: string; at: number } | undefined;
  const nextRef = (): string => String(++ref);

  const settleJoin = (ok: boolean, reason?: ErrorReason): void => {
    if (settled) return;
    settled = true;
    joinOk.add(ok);
    joins.add(1, { outcome: ok ? "ok" : "error" });
    if (reason) errors.add(1, { reason });
  };
  const end = (reason?: ErrorReason): void => {
    if (ended) return;
    ended = true;
    if (reason) {
      if (settled) errors.add(1, { reason });
      else settleJoin(false, reason);
    }
    room.joined.delete(member);
    for (const id of timeouts) clearTimeout(id);
    for (const id of intervals) clearInterval(id);
    if (ws.readyState === WebSocket.OPEN || ws.readyState === WebSocket.CONNECTING) ws.close();
  };
  const closeAsPlanned = (): void => {
    for (const flight of room.inFlight.values()) flight.waiting.delete(member);
    end();
  };

  const sendHeartbeat = (): void => {
    if (heartbeat) errors.add(1, { reason: "heartbeat_timeout" });
    heartbeat = { ref: nextRef(), at: Date.now() };
    ws.send(heartbeatFrame(heartbeat.ref));
  };
  const refreshToken = (): void => {
    const token = userToken(settings, n);
    if (token) ws.send(accessTokenFrame(topic, nextRef(), joinRef, token));
  };
  let sequence = 0;
  const publish = (): void => {
    const now = Date.now();
    if (now >= room.zero + room.plan.durationMs - settings.lossWindowMs) return;
    for (const [ackRef, at] of acks) {
      if (now - at < PUSH_TIMEOUT_MS) break;
      acks.delete(ackRef);
      errors.add(1, { reason: "ack_timeout" });
    }
    const id = `${room.index}:${++sequence}`;
    const flight: InFlight = { waiting: new Set([...room.joined].filter((m) => m !== member)), delivered: 0 };
    room.inFlight.set(id, flight);
    const pushRef = nextRef();
    acks.set(pushRef, now);
    ws.send(broadcastFrame(topic, pushRef, joinRef, LOAD_EVENT, { id, sent_at: now }));
    sent.add(1);
    setTimeout(() => settleFlight(room, id), settings.lossWindowMs);
  };

  const onJoined = (): void => {
    room.joined.add(member);
    if (settings.jwtSecret !== undefined) intervals.push(setInterval(refreshToken, (settings.tokenTtlSeconds * 1000) / 2));
    if (publisher) intervals.push(setInterval(publish, room.plan.publishIntervalMs));
  };
  const onReply = (reply: Reply): void => {
    const now = Date.now();
    if (reply.ref === joinRef && reply.topic === topic) {
      if (reply.status === "ok") {
        settleJoin(true);
        onJoined();
      } else end(classifyReason(replyReason(reply)));
      return;
    }
    if (heartbeat && reply.ref === heartbeat.ref) {
      latency.add(now - heartbeat.at, { kind: "heartbeat" });
      heartbeat = undefined;
      return;
    }
    const sentAt = reply.ref === null ? undefined : acks.get(reply.ref);
    if (sentAt === undefined || reply.ref === null) return;
    acks.delete(reply.ref);
    if (reply.status === "ok") latency.add(now - sentAt, { kind: "ack" });
    else errors.add(1, { reason: classifyReason(replyReason(reply)) });
  };

  ws.onopen = () => {
    joinRef = nextRef();
    const accessToken = userToken(settings, n);
    const options = { self: false, ack: publisher, presence: settings.presence, private: settings.privateChannels };
    ws.send(joinFrame(topic, joinRef, accessToken === undefined ? options : { ...options, accessToken }));
    timeouts.push(
      setTimeout(() => {
        if (!settled) end("join_timeout");
      }, PUSH_TIMEOUT_MS),
    );
    timeouts.push(setTimeout(closeAsPlanned, Math.max(0, room.zero + closeAtMs(room.plan, n) - Date.now())));
    intervals.push(setInterval(sendHeartbeat, HEARTBEAT_INTERVAL_MS));
  };
  ws.onmessage = (event) => {
    const message = typeof event?.data === "string" ? decode(event.data) : undefined;
    if (!message) return;
    const reply = parseReply(message);
    if (reply) return onReply(reply);
    const broadcast = parseBroadcast(message);
    const payload = broadcast && parseLoadPayload(broadcast);
    if (payload) {
      latency.add(Date.now() - payload.sent_at, { kind: "broadcast" });
      const flight = room.inFlight.get(payload.id);
      if (flight?.waiting.delete(member)) flight.delivered++;
      return;
    }
    const notice = parseSystem(message);
    if (notice?.status === "error") errors.add(1, { reason: classifyReason(notice.message) });
    if (message.topic !== topic) return;
    if (message.event === EVENTS.close) end("channel_closed");
    if (message.event === EVENTS.error) end("channel_error");
  };
  ws.onerror = (event) => end(classifyReason(event?.error ?? ""));
  ws.onclose = () => end("socket_closed");
}

function settleFlight(room: Room, id: string): void {
  const flight = room.inFlight.get(id);
  if (!flight) return;
  room.inFlight.delete(id);
  const missing = flight.waiting.size;
  if (flight.delivered) received.add(flight.delivered);
  if (missing) lost.add(missing);
  for (let i = 0; i < flight.delivered; i++) loss.add(false);
  for (let i = 0; i < missing; i++) loss.add(true);
}
