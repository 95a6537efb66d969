/**
 * Emergencies that cannot be missed: every ATAK alert (911, ring the bell, geo-fence breached, troops in contact,
 * custom) raises a red banner over the map with the caller, the time and MGRS, "Go to", and a repeating audible
 * cue the user can silence; screen readers hear it (role="alert"). A cancel (`b-a-o-can`, or `<emergency
 * cancel="true">`) clears it. The list highlights the alert and the caller (see `isAlerting`).
 */
import type { WebEntity } from '../../src/transports/web/protocol.js';
import { h, isoTime } from './dom.js';
import { formatMgrs } from './mgrs-grid.js';

export interface ActiveAlert {
  uid: string;
  kind: string;
  caller: string;
  callerUid?: string;
  lon: number;
  lat: number;
  time: number;
}

/** Time between two beeps of the cue while an alert is active and not silenced. */
const CUE_EVERY_MS = 2500;

export class AlertCenter {
  readonly active = new Map<string, ActiveAlert>();
  /** Uids whose cue the user silenced (a new alert sounds again). */
  private readonly silenced = new Set<string>();
  private audio: AudioContext | undefined;
  private cueTimer: ReturnType<typeof setInterval> | undefined;
  /** Beeps played since load (tests read it: the cue really ran). */
  beeps = 0;
  onGoTo: (a: ActiveAlert) => void = () => {};
  onChange: () => void = () => {};

  constructor(private readonly root: HTMLElement) {
    root.setAttribute('role', 'alert');
    root.setAttribute('aria-live', 'assertive');
    root.hidden = true;
  }

  /** Feed every entity update: alerts raise or refresh, cancels clear. Returns true when it was an emergency. */
  update(e: WebEntity): boolean {
    const em = e.emergency;
    if (!em) return false;
    if (em.cancel) {
      this.clear(e.uid);
      // ATAK's cancel carries the alert's uid; some senders cancel by the caller instead.
      for (const a of this.active.values())
        if (em.callerUid && a.callerUid === em.callerUid) this.clear(a.uid);
      return true;
    }
    const isNew = !this.active.has(e.uid);
    this.active.set(e.uid, {
      uid: e.uid,
      kind: em.kind,
      caller: em.caller,
      callerUid: em.callerUid,
      lon: e.lon,
      lat: e.lat,
      time: e.time,
    });
    if (isNew) this.silenced.delete(e.uid);
    this.render();
    return true;
  }

  clear(uid: string): void {
    if (!this.active.delete(uid)) return;
    this.silenced.delete(uid);
    this.render();
  }

  /** True for an active alert's uid or its caller's (list highlight). */
  isAlerting(uid: string): boolean {
    if (this.active.has(uid)) return true;
    for (const a of this.active.values()) if (a.callerUid === uid) return true;
    return false;
  }

  get sounding(): boolean {
    return [...this.active.keys()].some((u) => !this.silenced.has(u));
  }

  silence(): void {
    for (const u of this.active.keys()) this.silenced.add(u);
    this.render();
  }

  private render(): void {
    const list = [...this.active.values()].sort((a, b) => b.time - a.time);
    this.root.hidden = list.length === 0;
    this.root.replaceChildren(
      ...list.map((a) =>
        h(
          'div',
          { class: 'alert-row', 'data-uid': a.uid, 'data-testid': 'alert' },
          h('strong', { class: 'alert-kind' }, a.kind.toUpperCase()),
          h('span', { 'data-field': 'caller' }, a.caller),
          h('span', { 'data-field': 'time' }, isoTime(a.time)),
          h('span', { class: 'mono', 'data-field': 'mgrs' }, formatMgrs(a.lon, a.lat)),
          h('button', { onclick: () => this.onGoTo(a), 'data-testid': 'alert-goto' }, 'Go to'),
        ),
      ),
      ...(list.length
        ? [
            h(
              'button',
              {
                class: 'alert-silence',
                'data-testid': 'alert-silence',
                onclick: () => this.silence(),
                disabled: !this.sounding,
              },
              this.sounding ? 'Silence' : 'Silenced',
            ),
          ]
        : []),
    );
    this.syncCue();
    this.onChange();
  }

  private syncCue(): void {
    if (this.sounding && !this.cueTimer) {
      this.beep();
      this.cueTimer = setInterval(() => this.beep(), CUE_EVERY_MS);
    } else if (!this.sounding && this.cueTimer) {
      clearInterval(this.cueTimer);
      this.cueTimer = undefined;
    }
  }

  /** Two short tones (880 / 660 Hz) from Web Audio: no sound file, works offline. */
  private beep(): void {
    this.beeps++;
    try {
      this.audio ??= new AudioContext();
      const ctx = this.audio;
      void ctx.resume().catch(() => {});
      for (const [i, f] of [880, 660].entries()) {
        const osc = ctx.createOscillator();
        const gain = ctx.createGain();
        osc.frequency.value = f;
        gain.gain.value = 0.2;
        osc.connect(gain).connect(ctx.destination);
        const at = ctx.currentTime + i * 0.25;
        osc.start(at);
        osc.stop(at + 0.2);
      }
    } catch {
      // No audio device: the banner still shows.
    }
  }
}
