/**
 * The hub: latest state, routing and fan-out. It knows Events and Sessions, never sockets.
 *
 * ingest(session, event)
 *   -> loop check (_flow-tags_) -> ownership (who may change what, ownership.ts) -> ingress policy (labels)
 *   -> stamp our flow tag
 *   -> ping? reply pong to the sender only
 *   -> state (latest per uid, deletes, emergencies) -> route (marti dest | chat members | groups)
 *   -> per recipient: egress gate -> bounded queue (coalesce positions) -> one batched write per tick
 */
import type { Logger } from 'pino';
import type { Event } from '../model/event.js';
import type { Identity } from '../model/identity.js';
import type { ErrorCode } from '../errors.js';
import type { Metrics } from '../ops/metrics.js';
import { Envelope, type Encoder, type EncoderTable } from './envelope.js';
import { Gate, type DeliveryPath } from './gate.js';
import { closeCode, type CloseReason } from './close.js';
import { OutQueue } from './queue.js';
import {
  classify,
  coalesceKeyOf,
  deleteTargets,
  isSelfReport,
  keepsState,
  matches,
  type Kind,
  type PictureFilter,
} from './routing.js';

export type { PictureFilter } from './routing.js';
import { Session, type SessionInfo, type SessionSink, type WireFormat } from './session.js';
import { State } from './state.js';
import { flowTagsElement, restampRaw, stampFlowTag } from './flow-tags.js';
import { Sessions } from './sessions.js';
import type { HubOptions, IngestResult, IngressPolicy } from './options.js';
import { Writer } from './writer.js';
import { FanOut } from './fanout.js';
import { Slabs, settleHeld } from './slabs.js';
import { Pictures } from './picture.js';
import type { BusHook } from './bus.js';
import { Owners, type RefusalListener } from './owners.js';
import { isAuthenticated, type Refusal } from './ownership.js';

export type { HubOptions, IngestResult, IngressPolicy } from './options.js';
export type { BusHook } from './bus.js';
type StateListener = (env: Envelope) => void;
type RemoveListener = (uid: string) => void;

export class Hub {
  private readonly opts: HubOptions;
  private readonly log: Logger;
  private readonly m: Metrics;
  private readonly encoders: EncoderTable = new Map();
  private readonly flowKey: string;
  readonly state: State;
  readonly sessions: Sessions;
  private policy: IngressPolicy | undefined;
  private bus: BusHook | undefined;
  private seq = 0;
  private readonly writer: Writer;
  private readonly fan: FanOut;
  private readonly pictures: Pictures;
  /** Who may change what (ownership.ts); its contacts table binds uids to identities. */
  readonly owners: Owners;
  /** This hub's egress gate: every delivery path asks it; the audit trail observes its denials. */
  readonly gate = new Gate();
  private readonly onState: StateListener[] = [];
  private readonly onRemove: RemoveListener[] = [];
  private readonly now: () => number;
  private readonly inCounters = new Map<string, { inc(n: number): void }>();
  private stateSizeSeen = 0;
  private pictureRefusals = 0;
  /** Where forwarded and encoded bytes are made, a lane per byte-stream format (see slabs.ts for what pins what). */
  private readonly slabs = new Slabs();
  private readonly xmlAlloc = this.slabs.lane();
  private readonly takAlloc = this.slabs.lane();

  constructor(opts: HubOptions) {
    this.opts = opts;
    this.log = opts.log;
    this.m = opts.metrics;
    this.now = opts.now ?? Date.now;
    this.flowKey = `TAK-Server-${opts.hubId}`;
    this.state = new State({
      maxEntities: opts.maxEntities ?? Infinity,
      maxPerOwner: opts.maxEntitiesPerIdentity ?? Infinity,
    });
    for (const [f, enc] of Object.entries(opts.encoders)) this.registerFormat(f as WireFormat, enc);
    this.sessions = new Sessions(opts.sessionsPerIdentity);
    this.writer = new Writer(this.m, (s) => {
      if (!s.picture) return;
      this.pictures.pump(s);
      if (s.queue.size > 0) this.fan.markDirty(s);
    });
    this.fan = new FanOut({
      gate: this.gate,
      sessions: this.sessions,
      writer: this.writer,
      metrics: this.m,
      log: this.log,
      teamScoped: opts.teamScoped ?? false,
      close: (s, why) => this.close(s, why),
    });
    this.pictures = new Pictures({
      state: this.state,
      deliver: (s, env) => this.fan.deliver(s, env),
      queueLimit: opts.queueLimit,
      teamScoped: opts.teamScoped ?? false,
      waitMs: opts.pictureWaitMs ?? 2000,
      now: this.now,
    });
    this.owners = new Owners({
      state: this.state,
      sessions: this.sessions,
      now: this.now,
      reply: (s, e) => this.reply(s, e),
      refusal: opts.refusal,
      count: (code) => this.m.rejected.inc({ code }),
      ...(opts.contacts ? { contacts: opts.contacts } : {}),
    });
    this.m.queueProbe.fn = () => this.sessions.queueStats();
    this.m.stateSize.set(0);
  }

  /** Add a wire format; each event is encoded into it at most once. */
  registerFormat(format: WireFormat, encode: Encoder): void {
    // Byte-stream formats encode into their own lane of slabs, so a client's batch of them lies back to back.
    const alloc = format === 'cot-xml' ? this.xmlAlloc : format === 'tak-stream' ? this.takAlloc : undefined;
    this.encoders.set(format, alloc ? (e) => encode(e, alloc) : encode);
  }

  setIngressPolicy(policy: IngressPolicy): void {
    this.policy = policy;
  }

  /** Hand every accepted event to a bus between hub processes (src/cluster). */
  setBus(bus: BusHook | undefined): void {
    this.bus = bus;
  }

  /** Listen to refused writes (ownership.ts): the audit trail records them. */
  onRefused(listener: RefusalListener): void {
    this.owners.onRefused(listener);
  }

  /** Listen to state changes (the store persists them). */
  onStateChange(put: StateListener, remove: RemoveListener): void {
    this.onState.push(put);
    this.onRemove.push(remove);
  }

  /** A new connection. It first receives the current picture it may see, then live traffic. */
  open(sink: SessionSink, info: SessionInfo): Session {
    const s = new Session(sink, info, new OutQueue(this.opts.queueLimit, this.opts.maxEntities), this.now());
    this.sessions.add(s);
    if (!info.ingestOnly) {
      this.m.connections.inc({ transport: info.transport, protocol: info.protocol });
      if (!info.noPicture) this.sendPicture(s);
    }
    return s;
  }

  /** Start sending `s` the current picture it may see (see picture.ts). */
  sendPicture(s: Session): void {
    this.pictures.send(s);
  }

  close(s: Session, why: CloseReason): void {
    if (s.closed) return;
    const reason = closeCode(why);
    s.closed = true;
    this.pictures.cancel(s);
    this.sessions.remove(s);
    this.writer.forget(s);
    if (!s.info.ingestOnly)
      this.m.connections.dec({ transport: s.info.transport, protocol: s.info.protocol });
    this.m.disconnects.inc({ reason });
    s.sink.close(reason);
  }

  /** The transport's socket drained below its high-water mark: resume writing. */
  drained(s: Session): void {
    if (!s.blocked) return;
    s.blocked = false;
    if (s.picture) this.pictures.pump(s);
    if (s.queue.size > 0) this.fan.markDirty(s);
  }

  /** Negotiated protocol change: flush what is queued in the old format, write `preamble`, then switch. */
  switchFormat(s: Session, format: WireFormat, protocol: string, preamble: Uint8Array): void {
    const chunks = s.queue.drain();
    chunks.push(preamble);
    s.sink.write(chunks);
    this.m.connections.dec({ transport: s.info.transport, protocol: s.info.protocol });
    s.info.protocol = protocol;
    this.m.connections.inc({ transport: s.info.transport, protocol });
    s.format = format;
  }

  /** Send a hub-generated event (pong, negotiation) to one session, through the gate like everything else. */
  reply(s: Session, event: Event): void {
    const env = new Envelope(event, undefined, this.seq++, undefined, this.encoders);
    this.fan.deliver(s, env);
  }

  /**
   * Accept an event from a session. `opts.raw`, when given, is the exact `<event>…</event>` text the event was
   * decoded from: if nothing but the flow tag changes, recipients get the sender's own bytes (no re-encoding,
   * formatting kept as sent). `opts.owned`: the caller hands the event over (it was just decoded and nobody else
   * holds it or its detail), so the hub may stamp it in place instead of copying it.
   */
  ingest(s: Session, input: Event, opts: { raw?: Buffer; owned?: boolean } = {}): IngestResult {
    let event = input;
    if (event.detail.flowTags?.[this.flowKey] !== undefined) {
      return this.reject('BW_LOOP', 'event already passed this hub');
    }
    const kind = classify(event);
    const own = kind === 'ping' ? {} : this.owners.before(s, kind, event);
    if (own.refusal) return this.refuse(s, own.refusal, event.uid);
    if (this.policy) {
      const r = this.policy(event, s, own.inherit);
      if (!r.ok) return this.reject(r.code, r.reason);
      event = r.event;
    }
    if (kind === 'ping') {
      this.reply(s, this.opts.pong(this.now()));
      return { ok: true };
    }
    const widens = own.current && this.owners.after(s, own.current, event.label);
    if (widens) return this.refuse(s, widens, event.uid);
    if (!own.current && keepsState(kind)) this.owners.created(event.uid, s);
    const unchanged = event === input;
    const oldFlow = opts.raw && unchanged ? flowTagsElement(event.detail.elements) : undefined;
    // A policy's result is its own copy; an input the caller handed over is ours.
    event = stampFlowTag(event, this.flowKey, this.now(), !unchanged || opts.owned === true);
    this.inCounter(event.origin.protocol).inc(1);
    if (isSelfReport(event) && !s.info.ingestOnly) this.learnSelf(s, event);

    const env = new Envelope(event, s.identity.groups, this.seq++, coalesceKeyOf(kind, event), this.encoders);
    if (opts.raw && unchanged) {
      const xml = restampRaw(opts.raw, oldFlow, flowTagsElement(event.detail.elements), this.xmlAlloc);
      if (xml) env.preset('cot-xml', xml);
    }
    const full = this.applyState(kind, env);
    // An emergency is never refused: past a bound it is not held in the picture, but still goes out live.
    if (full !== 'ok' && kind !== 'emergency') return this.pictureFull(s, env, full);
    if (full !== 'ok') this.m.pictureRefused.inc({ bound: full });
    this.fan.route(s, env);
    this.bus?.accepted(env, kind);
    return { ok: true };
  }

  /**
   * An event another hub process accepted, from the bus (src/cluster): it changes the state and reaches this
   * process's sessions through the egress gate like a local event, but is not checked, stamped or published
   * again. `xml`, when given, is the event's CoT XML stream bytes (with the declaration) made by its origin.
   */
  ingestRemote(event: Event, groups: readonly string[] | undefined, xml?: Uint8Array): void {
    const kind = classify(event);
    if (kind === 'ping') return;
    const env = new Envelope(event, groups, this.seq++, coalesceKeyOf(kind, event), this.encoders);
    if (xml) env.preset('cot-xml', xml);
    // Its origin admitted it; a picture bound reached here keeps it out of this node's state (counted), not its
    // sessions' live traffic.
    const full = this.applyState(kind, env);
    if (full !== 'ok') this.m.pictureRefused.inc({ bound: full });
    this.fan.route(undefined, env);
  }

  /**
   * Whether any session of this hub is among direct recipients (uids, callsigns, server-side groups): the bus
   * skips decoding a directed message that nobody here may be sent.
   */
  reaches(to: { u?: readonly string[]; c?: readonly string[]; g?: readonly string[] }): boolean {
    if (to.u?.length && this.sessions.byUids(to.u).size > 0) return true;
    const dests = [
      ...(to.c ?? []).map((callsign) => ({ callsign })),
      ...(to.g ?? []).map((group) => ({ group })),
    ];
    return dests.length > 0 && this.sessions.addressed(dests).size > 0;
  }

  /**
   * The state change an accepted event makes: deletes, emergency cancels, or the latest per uid. Returns the
   * picture bound that refused a new uid, if one did (state.ts `admits`).
   */
  private applyState(kind: Kind, env: Envelope): 'ok' | 'total' | 'owner' {
    const event = env.event;
    if (kind === 'delete') {
      for (const uid of deleteTargets(event)) this.removeState(uid);
    } else if (kind === 'emergency-cancel') {
      this.removeState(event.uid);
    } else if (keepsState(kind) && event.stale > this.now()) {
      const full = this.state.admits(env);
      if (full !== 'ok') return full;
      if (this.state.put(env)) {
        this.noteStateSize();
        for (const l of this.onState) l(env);
      }
    }
    return 'ok';
  }

  /** The current picture `who` may see (non-stale latest state), through the gate for `path`. */
  picture(who: Identity, path: DeliveryPath, filter: PictureFilter = {}): Event[] {
    return this.state.visible(
      this.now(),
      (env) => matches(env.event, filter) && this.gate.egress(env, who, path, env.event.uid).allow,
    );
  }

  /** Restore state saved by the store (on start). Not routed: there is nobody connected yet. */
  restore(event: Event, groups: readonly string[]): void {
    const kind = classify(event);
    this.state.put(new Envelope(event, groups, this.seq++, coalesceKeyOf(kind, event), this.encoders));
    this.noteStateSize();
  }

  /**
   * Drop stale entities and tell sessions that can see them; give the bytes of the entities kept their own memory
   * (slabs.ts: state then pins at most the slabs of the last call). Called by a timer, once a second.
   */
  expire(): void {
    this.owners.sweep(this.now());
    settleHeld(this.state.values(), this.sessions.all(), this.slabs.settle);
    const gone = this.state.expire(this.now());
    if (!gone.length) return;
    this.noteStateSize();
    for (const env of gone) {
      for (const l of this.onRemove) l(env.event.uid);
    }
    this.fan.notifyExpired(gone);
  }

  /** Write every queued byte now (graceful shutdown). */
  flushNow(): void {
    this.writer.flush();
  }

  /** Keep bw_state_entities current; set only when the size changed (a Gauge.set per event showed in S2). */
  private noteStateSize(): void {
    const n = this.state.size;
    if (n === this.stateSizeSeen) return;
    this.stateSizeSeen = n;
    this.m.stateSize.set(n);
  }

  private inCounter(protocol: string): { inc(n: number): void } {
    let c = this.inCounters.get(protocol);
    if (!c) this.inCounters.set(protocol, (c = this.m.tallyIn(protocol)));
    return c;
  }

  private learnSelf(s: Session, e: Event): void {
    const binds = this.owners.mayBind(s, e.uid);
    // An authenticated self-report under another identity's uid updated that entity; it does not become this
    // session's contact (owners.ts, mayBind).
    if (!binds && isAuthenticated(s.info)) return;
    const fresh = !s.uids.has(e.uid);
    s.callsign = this.owners.learn(s, e, s.identity.groups, binds) ?? s.callsign;
    this.sessions.setTeam(s, e.detail.group?.name ?? s.team);
    this.pictures.teamKnown(s);
    if (!fresh) return;
    s.uids.add(e.uid);
    for (const victim of this.sessions.claimUid(s, e.uid)) {
      this.log.warn(
        { uid: e.uid, session: victim.id, remote: victim.info.remote },
        'session cap: closing oldest',
      );
      this.close(victim, 'BW_SESSION_CAP');
    }
  }

  private removeState(uid: string): void {
    const env = this.state.delete(uid);
    if (!env) return;
    this.noteStateSize();
    for (const l of this.onRemove) l(uid);
    this.fan.notifyExpired([env]);
  }

  /** A new uid past a picture bound: refused (not stored, not routed), counted by bound, logged now and then. */
  private pictureFull(s: Session, env: Envelope, bound: 'total' | 'owner'): IngestResult {
    this.m.pictureRefused.inc({ bound });
    if (this.pictureRefusals++ % 1000 === 0)
      this.log.warn(
        {
          bound,
          identity: s.identity.id,
          uid: env.event.uid,
          entities: this.state.size,
          refusals: this.pictureRefusals,
        },
        'picture full: new uid refused',
      );
    return this.reject('BW_PICTURE_FULL', `picture bound reached (${bound})`);
  }

  private refuse(s: Session, r: Refusal, eventUid: string): IngestResult {
    this.owners.refused(s, r, eventUid);
    return this.reject(r.code, r.reason);
  }

  private reject(code: ErrorCode, reason: string): IngestResult {
    this.m.rejected.inc({ code });
    return { ok: false, code, reason };
  }
}
