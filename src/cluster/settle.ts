/**
 * Which picture changes this node accepted JetStream has not acknowledged yet, per uid, and who waits for them: a
 * page's marker or delete is acknowledged to the page only once it is in the stream (`ClusterNode.settled`).
 */
export class Settlement {
  /** uid -> the newest outbox seq changing its picture entry, until acknowledged. */
  private readonly unsettled = new Map<string, number>();
  private readonly waiters = new Map<string, { seq: number; done: (ok: boolean) => void }[]>();

  /** Outbox item `seq` changes the picture entries of `uids`. */
  changed(uids: readonly string[], seq: number): void {
    for (const uid of uids) this.unsettled.set(uid, seq);
  }

  /** Item `seq` left the outbox unpublished (dropped when full): nothing to wait for on its account. */
  forget(uids: readonly string[], seq: number): void {
    for (const uid of uids) if (this.unsettled.get(uid) === seq) this.unsettled.delete(uid);
  }

  /** JetStream acknowledged item `seq`: wake who waits for its uids. */
  acknowledged(uids: readonly string[], seq: number): void {
    for (const uid of uids) {
      if (this.unsettled.get(uid) === seq) this.unsettled.delete(uid);
      const list = this.waiters.get(uid);
      if (!list) continue;
      for (const w of [...list]) if (w.seq <= seq) w.done(true);
    }
  }

  /** Resolves true once `uid`'s newest change is acknowledged (at once when none is pending), false after `ms`. */
  wait(uid: string, ms: number): Promise<boolean> {
    const seq = this.unsettled.get(uid);
    if (seq === undefined) return Promise.resolve(true);
    return new Promise((resolve) => {
      const t = setTimeout(() => finish(false), ms);
      const finish = (ok: boolean) => {
        clearTimeout(t);
        const list = this.waiters.get(uid);
        const i = list?.indexOf(w) ?? -1;
        if (i >= 0) list!.splice(i, 1);
        if (list && !list.length) this.waiters.delete(uid);
        resolve(ok);
      };
      const w = { seq, done: finish };
      let list = this.waiters.get(uid);
      if (!list) this.waiters.set(uid, (list = []));
      list.push(w);
    });
  }
}
