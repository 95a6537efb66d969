/**
 * One simulated TAK client of the load generator: a real TCP or TLS socket that sends ATAK position reports (XML, or
 * TAK protobuf after the real in-stream negotiation) and counts what it receives by scanning for send stamps.
 */
import net from 'node:net';
import tls from 'node:tls';
import { StampScanner } from './stamp-scan.js';
import { XmlReport, encodeTakFrame, takRequestXml, type ClientIdentity } from './message.js';

export interface Target {
  host: string;
  port: number;
  /** Connect with TLS; `ca` pins the server, `cert`/`key` authenticate the client. */
  tls?: { ca?: string; cert?: string; key?: string };
}

/** Where every received stamp goes: one callback shared by all clients of a generator. */
export type StampSink = (sentAt: number, receivedAt: number) => void;

type Phase = 'xml' | 'await-offer' | 'await-response' | 'proto';

/** Bytes kept while looking for negotiation messages; a server sending more XML first is simply not waiting for us. */
const NEGOTIATION_BUFFER = 256 * 1024;
const END = '</event>';
/** A client stops sending (and counts a skip) while this much is queued unsent: the hub is not reading. */
const SEND_HIGH_WATER = 1024 * 1024;

export class BenchClient {
  socket: net.Socket | undefined;
  phase: Phase;
  private readonly scanner = new StampScanner();
  private readonly report: XmlReport;
  private negotiationText = '';
  private negotiationTimer: NodeJS.Timeout | undefined;
  seq = 0;
  sent = 0;
  skipped = 0;
  closed = false;
  /** Why negotiation failed, if it did (the client then carries on in XML, as ATAK would). */
  negotiationError: string | undefined;
  private negotiated: (() => void) | undefined;
  /** Connecting waits for the target's first bytes (the hub's protocol offer, sent when it accepts). */
  private greeted: ((ok: boolean) => void) | undefined;

  constructor(
    readonly id: ClientIdentity,
    private readonly wantProto: boolean,
    private readonly onStamp: StampSink,
    private readonly onClose: (c: BenchClient, hadError: boolean) => void,
  ) {
    this.report = new XmlReport(id);
    this.phase = wantProto ? 'await-offer' : 'xml';
  }

  get malformedStamps(): number {
    return this.scanner.malformed;
  }

  /**
   * Connect; resolves when connected and, for protobuf clients, when negotiation ended (either way). With
   * `greets`, an XML client also waits for the target's first bytes: the kernel completes a TCP connect before the
   * server has accepted it (the connection may wait in the listen queue), and the hub greets each connection it
   * accepts with its protocol offer. Those first bytes are still scanned for stamps.
   */
  connect(target: Target, negotiationTimeoutMs: number, greets = false): Promise<void> {
    return new Promise((resolve, reject) => {
      const onConnect = () => {
        socket.setNoDelay(true);
        socket.off('error', reject);
        socket.on('error', () => undefined);
        if (this.phase === 'xml') {
          if (!greets) return resolve();
          this.greeted = (ok) => (ok ? resolve() : reject(new Error('closed before the greeting')));
          this.negotiationTimer = setTimeout(() => {
            this.greeted = undefined;
            socket.destroy();
            reject(new Error(`no greeting within ${negotiationTimeoutMs} ms`));
          }, negotiationTimeoutMs);
          return;
        }
        this.negotiated = resolve;
        this.negotiationTimer = setTimeout(
          () => this.failNegotiation(`no answer within ${negotiationTimeoutMs} ms (${this.phase})`),
          negotiationTimeoutMs,
        );
      };
      const socket: net.Socket = target.tls
        ? tls.connect(
            {
              host: target.host,
              port: target.port,
              ...target.tls,
              // The chain is checked against the pinned CA; the host name is not (bench certificates name no host).
              rejectUnauthorized: !!target.tls.ca,
              checkServerIdentity: () => undefined,
            },
            onConnect,
          )
        : net.connect({ host: target.host, port: target.port }, onConnect);
      this.socket = socket;
      socket.once('error', reject);
      socket.on('data', (chunk: Buffer) => this.onData(chunk));
      socket.on('close', (hadError) => {
        this.closed = true;
        if (this.negotiationTimer) clearTimeout(this.negotiationTimer);
        this.negotiated?.();
        this.negotiated = undefined;
        this.greeted?.(false);
        this.greeted = undefined;
        this.onClose(this, hadError);
      });
    });
  }

  /** Send one report stamped now; returns false when skipped because the socket is backed up. */
  send(now: number): boolean {
    const s = this.socket;
    if (!s || this.closed || this.phase === 'await-response') return false;
    if (s.writableLength > SEND_HIGH_WATER) {
      this.skipped++;
      return false;
    }
    s.write(
      this.phase === 'proto' ? encodeTakFrame(this.id, now, this.seq++) : this.report.render(now, this.seq++),
    );
    this.sent++;
    return true;
  }

  /**
   * Send `n` reports in one write (flood mode); resolves true when the socket accepted them without backing up,
   * false when the caller should wait for 'drain'.
   */
  sendBatch(now: number, n: number): boolean {
    const s = this.socket;
    if (!s || this.closed) return false;
    if (this.phase === 'proto') {
      const frames: Uint8Array[] = [];
      for (let i = 0; i < n; i++) frames.push(encodeTakFrame(this.id, now, this.seq++));
      this.sent += n;
      return s.write(Buffer.concat(frames));
    }
    let text = '';
    for (let i = 0; i < n; i++) text += this.report.render(now, this.seq++);
    this.sent += n;
    return s.write(text);
  }

  close(): void {
    this.socket?.destroy();
  }

  private onData(chunk: Buffer): void {
    const at = performance.timeOrigin + performance.now();
    this.scanner.scan(chunk, (t) => this.onStamp(t, at));
    if (this.greeted) {
      clearTimeout(this.negotiationTimer);
      this.negotiationTimer = undefined;
      const done = this.greeted;
      this.greeted = undefined;
      done(true);
    }
    if (this.phase === 'await-offer' || this.phase === 'await-response') this.negotiate(chunk);
  }

  /** Looks for the server's offer, then its response, in the XML that precedes the switch to protobuf. */
  private negotiate(chunk: Buffer): void {
    this.negotiationText += chunk.toString('utf8');
    for (;;) {
      const end = this.negotiationText.indexOf(END);
      if (end < 0) break;
      const event = this.negotiationText.slice(0, end + END.length);
      this.negotiationText = this.negotiationText.slice(end + END.length);
      if (this.phase === 'await-offer' && event.includes('t-x-takp-v')) {
        const uid = /\buid=["']([^"']+)["']/.exec(event)?.[1];
        if (!uid || !/TakProtocolSupport\b[^>]*\bversion=["']1["']/.test(event)) {
          return this.failNegotiation('offer without uid or without version 1');
        }
        this.socket?.write(takRequestXml(uid, 1));
        this.phase = 'await-response';
      } else if (this.phase === 'await-response' && event.includes('t-x-takp-r')) {
        if (!/TakResponse\b[^>]*\bstatus=["']true["']/.test(event))
          return this.failNegotiation('server said false');
        this.phase = 'proto';
        this.negotiationText = '';
        this.finishNegotiation();
        return;
      }
    }
    if (this.negotiationText.length > NEGOTIATION_BUFFER) this.negotiationText = '';
  }

  private failNegotiation(why: string): void {
    this.negotiationError = why;
    this.phase = 'xml';
    this.negotiationText = '';
    this.finishNegotiation();
  }

  private finishNegotiation(): void {
    if (this.negotiationTimer) clearTimeout(this.negotiationTimer);
    this.negotiationTimer = undefined;
    const done = this.negotiated;
    this.negotiated = undefined;
    done?.();
  }
}
