/**
 * The live connection to the hub: one WebSocket to /api/live, reconnecting with backoff. Each text frame holds
 * one or more JSON messages separated by newlines (the hub batches what it has per tick).
 *
 * Frames are queued as they arrive and processed together in the next task. Under overload many frames wait, and
 * an entity update superseded by a newer one for the same uid later in the queue is dropped unparsed: the page
 * coalesces to the newest state instead of working through a backlog. Flow (`flow`) is reported only for what
 * was processed, so the hub holds back and coalesces too.
 */
import type { ClientMessage, ServerMessage } from '../../src/transports/web/protocol.js';

export type LinkState = 'connecting' | 'open' | 'closed' | 'unauthorised';

/** How the hub writes an entity message (uid first): lets a superseded update be skipped without JSON.parse. */
const ENTITY_PREFIX = '{"t":"entity","e":{"uid":"';

/** The uid of an entity line, or undefined when it is not one (or its uid holds an escape). */
export function entityUid(line: string): string | undefined {
  if (!line.startsWith(ENTITY_PREFIX)) return undefined;
  const end = line.indexOf('"', ENTITY_PREFIX.length);
  const uid = line.slice(ENTITY_PREFIX.length, end);
  return end < 0 || uid.includes('\\') ? undefined : uid;
}

/** Lines in order, without entity updates that a later line for the same uid replaces. */
export function coalesceLines(lines: string[]): { kept: string[]; dropped: number } {
  const last = new Map<string, number>();
  lines.forEach((l, i) => {
    const uid = entityUid(l);
    if (uid !== undefined) last.set(uid, i);
  });
  const kept: string[] = [];
  lines.forEach((l, i) => {
    if (!l) return;
    const uid = entityUid(l);
    if (uid === undefined || last.get(uid) === i) kept.push(l);
  });
  return { kept, dropped: lines.filter(Boolean).length - kept.length };
}

export class LiveClient {
  private ws: WebSocket | undefined;
  private backoff = 1000;
  private stopped = false;
  state: LinkState = 'closed';
  onMessage: (m: ServerMessage) => void = () => {};
  onState: (s: LinkState) => void = () => {};
  /** Messages received since load (status line). */
  received = 0;
  /** Entity updates skipped because a newer one for the same uid was already waiting. */
  coalesced = 0;
  /** Characters of hub messages processed, reported back for flow control (see protocol.ts `flow`). */
  private chars = 0;
  private flowTimer: ReturnType<typeof setTimeout> | undefined;
  private inbox: string[] = [];
  private draining = false;

  connect(): void {
    this.stopped = false;
    const proto = location.protocol === 'https:' ? 'wss' : 'ws';
    const ws = new WebSocket(`${proto}://${location.host}/api/live`);
    this.ws = ws;
    this.setState('connecting');
    ws.onopen = () => {
      this.backoff = 1000;
      this.setState('open');
    };
    this.chars = 0;
    this.inbox = [];
    ws.onmessage = (ev) => {
      if (typeof ev.data !== 'string') return;
      this.inbox.push(ev.data);
      if (!this.draining) {
        this.draining = true;
        setTimeout(() => this.drain(ws), 0);
      }
    };
    ws.onclose = (ev) => {
      if (this.ws !== ws) return;
      // 4401: the hub refused the session (signed out or expired): do not hammer it, ask for sign-in.
      if (ev.code === 4401) {
        this.setState('unauthorised');
        return;
      }
      this.setState('closed');
      if (this.stopped) return;
      setTimeout(() => this.connect(), this.backoff);
      this.backoff = Math.min(this.backoff * 2, 15000);
    };
  }

  /** Process every frame that arrived since the last drain, newest state per uid only. */
  private drain(ws: WebSocket): void {
    this.draining = false;
    const frames = this.inbox;
    this.inbox = [];
    if (this.ws !== ws) return;
    const lines: string[] = [];
    for (const f of frames) {
      this.chars += f.length;
      for (const l of f.split('\n')) lines.push(l);
    }
    const { kept, dropped } = lines.length > 1 ? coalesceLines(lines) : { kept: lines, dropped: 0 };
    this.coalesced += dropped;
    this.received += dropped;
    for (const line of kept) {
      if (!line) continue;
      let msg: ServerMessage;
      try {
        msg = JSON.parse(line) as ServerMessage;
      } catch {
        console.warn('live: unreadable message dropped');
        continue;
      }
      this.received++;
      this.onMessage(msg);
    }
    // Tell the hub what has been processed, at most every 50 ms: it never has more than a window in flight.
    this.flowTimer ??= setTimeout(() => {
      this.flowTimer = undefined;
      if (ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify({ t: 'flow', received: this.chars }));
    }, 50);
  }

  send(msg: ClientMessage): boolean {
    if (!this.ws || this.ws.readyState !== WebSocket.OPEN) return false;
    this.ws.send(JSON.stringify(msg));
    return true;
  }

  close(): void {
    this.stopped = true;
    this.ws?.close();
  }

  private setState(s: LinkState): void {
    this.state = s;
    this.onState(s);
  }
}
