import { Counter, Rate, Trend } from "k6/metrics";

/** One sample per socket: true when its phx_join was answered ok (the join gate). */
export const joinOk = new Rate("rt_join_ok");
/** Join outcomes tagged outcome=ok|error: a counter, so PromQL can sum it across distributed runners. */
export const joins = new Counter("rt_joins");
/** Latency in ms tagged kind: broadcast (publisher to subscriber, one clock), ack (server receipt), heartbeat (round trip). */
export const latency = new Trend("rt_latency", true);
/** Broadcasts published. */
export const sent = new Counter("rt_sent");
/** Broadcast deliveries that arrived within the loss window. */
export const received = new Counter("rt_received");
/** Broadcast deliveries that did not arrive within the loss window. */
export const lost = new Counter("rt_lost");
/** One sample per expected delivery: true when it was lost (the loss gate). */
export const loss = new Rate("rt_loss");
/** Failures tagged reason (one of ERROR_REASONS). */
export const errors = new Counter("rt_errors");

