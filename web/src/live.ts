/**
 * The live connection to the hub: one WebSocket to /api/live, reconnecting with backoff. Each text frame holds
 * one or more JSON messages separated by newlines (the hub batches what it has per tick).
 */
import type { ClientMessage, ServerMessage } from '../../src/transports/web/protocol.js';

export type LinkState = 'connecting' | 'open' | 'closed' | 'unauthorised';

export class LiveClient {
  private ws: WebSocket | undefined;
  private backoff = 1000;
  private stopped = false;
  state: LinkState = 'closed';
  onMessage: (m: ServerMessage) => void = () => {};
  onState: (s: LinkState) => void = () => {};
  /** Messages received since load (status line). */
  received = 0;
  /** Characters of hub messages processed, reported back for flow control (see protocol.ts `flow`). */
  private chars = 0;
  private flowTimer: ReturnType<typeof setTimeout> | undefined;

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
    ws.onmessage = (ev) => {
      if (typeof ev.data !== 'string') return;
      this.chars += ev.data.length;
      // Tell the hub what has been processed, at most every 50 ms: it then never has more than a window in flight.
      this.flowTimer ??= setTimeout(() => {
        this.flowTimer = undefined;
        if (ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify({ t: 'flow', received: this.chars }));
      }, 50);
      for (const line of ev.data.split('\n')) {
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
