import { connect, createServer, type Socket } from "node:net";
import type { AddressInfo } from "node:net";

/** A TCP proxy on 127.0.0.1 in front of a local port that resets connections carrying too much towards it. */
export interface FaultProxy {
  readonly port: number;
  /** How many connections it has reset so far. */
  readonly resets: number;
  stop(): Promise<void>;
}

/**
 * Forwards every connection to 127.0.0.1:`targetPort` byte for byte (TLS stays end to end), and resets a connection
 * (TCP RST to the client) as soon as it has sent more than `resetAfterBytes` towards the target: a network that fails
 * mid-request, for large requests only.
 */
export async function startFaultProxy(targetPort: number, resetAfterBytes: number): Promise<FaultProxy> {
  const sockets = new Set<Socket>();
  let resets = 0;
  const track = (socket: Socket): void => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  };
  const server = createServer((client) => {
    const upstream = connect(targetPort, "127.0.0.1");
    track(client);
    track(upstream);
    let sent = 0;
    client.on("data", (chunk: Buffer) => {
      sent += chunk.length;
      if (sent > resetAfterBytes) {
        resets++;
        client.resetAndDestroy();
        upstream.destroy();
      } else if (!upstream.write(chunk)) {
        client.pause();
        upstream.once("drain", () => client.resume());
      }
    });
    upstream.pipe(client);
    client.on("error", () => upstream.destroy());
    upstream.on("error", () => client.destroy());
    client.on("close", () => upstream.end());
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    port: (server.address() as AddressInfo).port,
    get resets() {
      return resets;
    },
    stop: () =>
      new Promise((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
