/**
 * undici's WebSocket for `leap0/node`: it sends the handshake headers the SDK gives it (the API
 * key) and, with undici 7, can send the keepalive pings the SDK uses to outlast the service's
 * 5-minute idle limit.
 */
import * as undici from "undici";
import type { WebSocketConstructor } from "./core/websocket";

type Ping = (socket: unknown, body?: Uint8Array) => void;

/** undici's WebSocket with a `ping()` where the installed undici can send one (undici 7). */
class NodeWebSocket extends undici.WebSocket {
  /** Sends a ping frame; the server's pong keeps proxies from seeing the connection as idle. */
  ping(): void {
    (undici as unknown as { ping?: Ping }).ping?.(this);
  }
}

/**
 * The WebSocket class for the client's `webSocket` option in Node (Node 20 has no global one):
 * `new Leap0Client({ webSocket: nodeWebSocket })`. Needs the `undici` package.
 */
export const nodeWebSocket: WebSocketConstructor = NodeWebSocket as unknown as WebSocketConstructor;
