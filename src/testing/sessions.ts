/**
 * Terminal sessions of the control plane, with the state the contract implies: they are
 * created, listed, fetched, resized and deleted (their WebSocket is in terminal.ts).
 */
import { empty, json, refuse } from "./answers";
import { type Handler, runningSandbox } from "./control";
import { endSession } from "./terminal";
import { HOME } from "./world";

/** The terminal-session operations, by operationId. */
export const sessionHandlers: Record<string, Handler> = {
  listPtySessions(call, world) {
    const s = runningSandbox(call, world);
    return json(200, { items: [...s.pty.values()] });
  },

  createPtySession(call, world) {
    const s = runningSandbox(call, world);
    const p = call.params;
    const id = typeof p.id === "string" && p.id ? p.id : `pty-${s.pty.size + 1}`;
    if (s.pty.has(id)) refuse(400, `a terminal session ${JSON.stringify(id)} already exists`);
    const lazy = p.lazyStart === true;
    const session = {
      id,
      cwd: typeof p.cwd === "string" ? p.cwd : HOME,
      envs: (p.envs as Record<string, string>) ?? {},
      cols: typeof p.cols === "number" ? p.cols : 80,
      rows: typeof p.rows === "number" ? p.rows : 24,
      created_at: world.iso(),
      active: !lazy,
      lazy_start: lazy,
    };
    s.pty.set(id, session);
    return json(201, session);
  },

  connectPtySession(call, world) {
    // The terminal is a WebSocket: a plain request reaches no session (use mock.WebSocket).
    runningSandbox(call, world);
    refuse(404, "connectPtySession is a WebSocket upgrade: connect with the client's webSocket (mock.WebSocket)");
  },

  getPtySession(call, world) {
    const s = runningSandbox(call, world);
    const session = s.pty.get(call.path.sessionID ?? "");
    if (!session) refuse(404, `terminal session ${JSON.stringify(call.path.sessionID)} not found`);
    return json(200, session);
  },

  deletePtySession(call, world) {
    const s = runningSandbox(call, world);
    if (!s.pty.delete(call.path.sessionID ?? "")) {
      refuse(404, `terminal session ${JSON.stringify(call.path.sessionID)} not found`);
    }
    endSession(s, call.path.sessionID ?? "");
    return empty();
  },

  resizePtySession(call, world) {
    const s = runningSandbox(call, world);
    const session = s.pty.get(call.path.sessionID ?? "");
    if (!session) refuse(404, `terminal session ${JSON.stringify(call.path.sessionID)} not found`);
    session.cols = call.params.cols;
    session.rows = call.params.rows;
    return json(200, session);
  },
};
