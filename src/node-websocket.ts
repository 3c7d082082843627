/**
 * undici's WebSocket for `leap0/node`: it sends the handshake headers the SDK gives it (the API
 * key), can send the keepalive pings the SDK uses to outlast the service's 5-minute idle limit
 * (undici 7), bounds one message (undici 7), and can destroy its socket when a server ignores
 * the close frame.
 */
import type { Socket } from "node:net";
import * as undici from "undici";
import type { WebSocketConstructor } from "./core/websocket";

type Ping = (socket: unknown, body?: Uint8Array) => void;

/** What the SDK passes besides the URL. */
interface NodeWebSocketInit {
  headers?: Record<string, string>;
  /** The most bytes one message may have; undici 7 closes the connection (1009) past it. */
  maxPayload?: number;
}

/**
 * undici's WebSocket over a dispatcher of its own, so that its socket can be destroyed and its
 * messages bounded. When the application installed its own global dispatcher (a proxy agent,
 * say), the WebSocket goes through that instead, as undici's does, without those two.
 */
class NodeWebSocket extends undici.WebSocket {
  readonly #socket: { current?: Socket };

  constructor(url: string, init: NodeWebSocketInit = {}) {
    const { maxPayload, ...rest } = init;
    const held: { current?: Socket } = {};
    const global = undici.getGlobalDispatcher();
    let dispatcher: undici.Dispatcher | undefined;
    if (global.constructor === undici.Agent) {
      const connector = undici.buildConnector({});
      dispatcher = new undici.Agent({
        // undici 6 ignores this option: there, one message is bounded only by undici itself.
        ...(maxPayload ? { webSocket: { maxPayloadSize: maxPayload } } : {}),
        connect: (options, callback) =>
          connector(options, (...args) => {
            if (args[1]) held.current = args[1] as Socket;
            callback(...args);
          }),
      } as undici.Agent.Options);
    }
    super(url, { ...rest, ...(dispatcher ? { dispatcher } : {}) });
    this.#socket = held;
    if (dispatcher) {
      const own = dispatcher;
      this.addEventListener("close", () => {
        own.close().catch(() => {});
      });
    }
  }

  /** Sends a ping frame; the server's pong keeps proxies from seeing the connection as idle. */
  ping(): void {
    (undici as unknown as { ping?: Ping }).ping?.(this);
  }

  /** Destroys the socket at once: for a server that ignores the close frame. */
  terminate(): void {
    this.#socket.current?.destroy();
  }
}

/**
 * The WebSocket class for the client's `webSocket` option in Node (Node 20 has no global one):
 * `new Leap0Client({ webSocket: nodeWebSocket })`. Needs the `undici` package.
 */
export const nodeWebSocket: WebSocketConstructor = NodeWebSocket as unknown as WebSocketConstructor;
