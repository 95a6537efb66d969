/**
 * GeoChat, compatible with ATAK: All Chat Rooms, group rooms (chatgrp members) and one-to-one chat with delivered
 * and read receipts. The hub turns what is sent here into the same b-t-f events ATAK builds.
 */
import type { ChatTarget, ClientMessage, WebChat, WebReceipt } from '../../../src/transports/web/protocol.js';
import type { Classification } from '../../../src/model/label.js';
import { h } from '../dom.js';
import { newGroupForm } from './new-group.js';

export const ALL_CHAT = 'All Chat Rooms';
const MAX_MESSAGES = 500;
const MAX_ROOMS = 100;

interface Msg {
  messageId: string;
  text: string;
  from: string;
  time: number;
  mine: boolean;
  status?: 'sending' | 'sent' | 'delivered' | 'read' | 'failed';
  classification: Classification;
  releasableTo?: string[];
}

interface Room {
  key: string;
  name: string;
  target: ChatTarget;
  messages: Msg[];
  unread: number;
}

export interface Contact {
  uid: string;
  callsign: string;
}

/** Random v4 uuid; crypto.randomUUID exists only in secure contexts, getRandomValues everywhere. */
export function uuid(): string {
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6]! & 0x0f) | 0x40;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const x = [...b].map((v) => v.toString(16).padStart(2, '0')).join('');
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20)}`;
}

export class ChatPanel {
  private readonly rooms = new Map<string, Room>();
  private current = ALL_CHAT;
  private readonly roomList: HTMLElement;
  private readonly log: HTMLElement;
  private readonly input: HTMLInputElement;
  private readonly title: HTMLElement;
  private readonly groupSlot: HTMLElement;
  private readonly byRef = new Map<string, Msg>();
  private readonly byId = new Map<string, Msg>();
  me = { uid: '', callsign: '' };
  visible = false;
  send: (m: ClientMessage) => boolean = () => false;
  contacts: () => Contact[] = () => [];
  onUnread: (n: number) => void = () => {};

  constructor(root: HTMLElement) {
    this.rooms.set(ALL_CHAT, {
      key: ALL_CHAT,
      name: ALL_CHAT,
      target: { kind: 'all' },
      messages: [],
      unread: 0,
    });
    this.roomList = h('ul', { class: 'rooms', 'data-testid': 'chat-rooms' });
    this.log = h('div', { class: 'chatlog', 'data-testid': 'chat-log', role: 'log', 'aria-live': 'polite' });
    this.title = h('h3');
    this.input = h('input', {
      placeholder: 'Message',
      'aria-label': 'Message',
      'data-testid': 'chat-input',
      maxlength: 2000,
    });
    this.groupSlot = h('div');
    this.input.addEventListener('keydown', (e) => {
      if (e.key === 'Enter') this.submit();
    });
    root.append(
      h(
        'div',
        { class: 'chat-side' },
        this.roomList,
        h(
          'button',
          { onclick: () => this.newGroup(), class: 'small', 'data-testid': 'group-new' },
          'New group…',
        ),
        this.groupSlot,
      ),
      h(
        'div',
        { class: 'chat-main' },
        this.title,
        this.log,
        h(
          'div',
          { class: 'chat-send' },
          this.input,
          h('button', { onclick: () => this.submit(), 'data-testid': 'chat-send' }, 'Send'),
        ),
      ),
    );
    this.render();
  }

  /** Open (creating if needed) the one-to-one room with a contact. */
  openDirect(c: Contact): void {
    const room = this.room(c.uid, c.callsign, { kind: 'direct', uid: c.uid, callsign: c.callsign });
    this.current = room.key;
    this.render();
  }

  /** A chat message from the hub. */
  receive(m: WebChat): void {
    if (this.byId.has(m.messageId)) return; // own message echoed, or a duplicate
    const mine = m.senderUid === this.me.uid;
    let room: Room;
    if (m.roomId === ALL_CHAT || m.room === ALL_CHAT) room = this.rooms.get(ALL_CHAT)!;
    else if (m.roomId === this.me.uid) {
      room = this.room(m.senderUid, m.senderCallsign, {
        kind: 'direct',
        uid: m.senderUid,
        callsign: m.senderCallsign,
      });
    } else {
      const members = m.members.length ? m.members : undefined;
      room = this.room(m.roomId, m.room, { kind: 'group', id: m.roomId, name: m.room, members });
    }
    const msg: Msg = {
      messageId: m.messageId,
      text: m.text,
      from: m.senderCallsign,
      time: m.time,
      mine,
      classification: m.classification,
    };
    this.push(room, msg);
    if (room.target.kind === 'direct' && !mine) {
      const to = { uid: m.senderUid, callsign: m.senderCallsign };
      this.send({ t: 'receipt', messageId: m.messageId, kind: 'delivered', to });
      if (this.visible && this.current === room.key)
        this.send({ t: 'receipt', messageId: m.messageId, kind: 'read', to });
    }
    if (!(this.visible && this.current === room.key)) room.unread++;
    this.render();
  }

  receipt(r: WebReceipt): void {
    const msg = this.byId.get(r.messageId);
    if (!msg || !msg.mine) return;
    if (r.kind === 'read' || msg.status !== 'read') msg.status = r.kind;
    this.render();
  }

  ack(ref: string): boolean {
    const msg = this.byRef.get(ref);
    if (!msg) return false;
    this.byRef.delete(ref);
    if (msg.status === 'sending') msg.status = 'sent';
    this.render();
    return true;
  }

  fail(ref: string): boolean {
    const msg = this.byRef.get(ref);
    if (!msg) return false;
    this.byRef.delete(ref);
    msg.status = 'failed';
    this.render();
    return true;
  }

  /** Labels of the messages in the open room, for the banners. */
  /** Labels of every message the panel holds (any room is one click away, so all of it counts as shown). */
  shownLabels(): { classification: Classification; releasableTo?: string[] }[] {
    return [...this.rooms.values()].flatMap((r) => r.messages);
  }

  setVisible(v: boolean): void {
    this.visible = v;
    if (v) this.markRead();
    this.render();
  }

  private submit(): void {
    const text = this.input.value.trim();
    if (!text) return;
    const room = this.rooms.get(this.current)!;
    const ref = uuid();
    const messageId = uuid();
    const msg: Msg = {
      messageId,
      text,
      from: this.me.callsign,
      time: Date.now(),
      mine: true,
      status: 'sending',
      classification: 'UNCLASSIFIED',
    };
    this.byRef.set(ref, msg);
    this.push(room, msg);
    if (!this.send({ t: 'chat', ref, text, to: room.target, messageId } as ClientMessage))
      msg.status = 'failed';
    this.input.value = '';
    this.render();
  }

  private newGroup(): void {
    const close = () => this.groupSlot.replaceChildren();
    const form = newGroupForm(
      this.contacts(),
      (name, picked) => {
        const members = [this.me.uid, ...picked.map((c) => c.uid)];
        const id = uuid();
        const room = this.room(id, name, { kind: 'group', id, name, members });
        this.current = room.key;
        close();
        this.render();
      },
      close,
    );
    this.groupSlot.replaceChildren(form);
  }

  private room(key: string, name: string, target: ChatTarget): Room {
    let r = this.rooms.get(key);
    if (!r) {
      if (this.rooms.size >= MAX_ROOMS) {
        const oldest = [...this.rooms.values()].find((x) => x.key !== ALL_CHAT);
        if (oldest) this.rooms.delete(oldest.key);
      }
      r = { key, name, target, messages: [], unread: 0 };
      this.rooms.set(key, r);
    }
    return r;
  }

  private push(room: Room, msg: Msg): void {
    room.messages.push(msg);
    this.byId.set(msg.messageId, msg);
    if (room.messages.length > MAX_MESSAGES) this.byId.delete(room.messages.shift()!.messageId);
  }

  private markRead(): void {
    const room = this.rooms.get(this.current);
    if (!room) return;
    if (room.target.kind === 'direct' && room.unread > 0) {
      const to = { uid: room.target.uid, callsign: room.target.callsign };
      for (const m of room.messages.slice(-room.unread)) {
        if (!m.mine) this.send({ t: 'receipt', messageId: m.messageId, kind: 'read', to });
      }
    }
    room.unread = 0;
  }

  private render(): void {
    if (this.visible) this.markRead();
    let unread = 0;
    this.roomList.replaceChildren(
      ...[...this.rooms.values()].map((r) => {
        unread += r.unread;
        return h(
          'li',
          {
            class: r.key === this.current ? 'active' : '',
            tabindex: 0,
            role: 'button',
            'aria-current': r.key === this.current ? 'true' : undefined,
            onclick: () => {
              this.current = r.key;
              this.render();
            },
            onkeydown: (ev: Event) => {
              if ((ev as KeyboardEvent).key !== 'Enter') return;
              this.current = r.key;
              this.render();
            },
          },
          `${r.target.kind === 'direct' ? '@ ' : r.target.kind === 'group' ? '# ' : ''}${r.name}`,
          r.unread ? h('span', { class: 'badge' }, r.unread) : null,
        );
      }),
    );
    this.onUnread(unread);
    const room = this.rooms.get(this.current)!;
    this.title.textContent = room.name;
    const tick = { sending: '…', sent: '✓', delivered: '✓✓', read: '✓✓ read', failed: '✗ not sent' } as const;
    // Keyed: messages already shown keep their elements (a text selection survives); only new ones are added.
    if (this.log.dataset.room !== room.key) {
      this.log.replaceChildren();
      this.log.dataset.room = room.key;
    }
    const shown = new Map<string, Element>();
    for (const el of this.log.children) shown.set((el as HTMLElement).dataset.messageId ?? '', el);
    const keep = new Set(room.messages.map((m) => m.messageId));
    for (const [id, el] of shown) if (!keep.has(id)) el.remove();
    const atBottom = this.log.scrollTop + this.log.clientHeight >= this.log.scrollHeight - 4;
    for (const m of room.messages) {
      const status = m.mine && m.status ? tick[m.status] : '';
      const el = shown.get(m.messageId);
      if (el) {
        const st = el.querySelector('.status');
        if (st && st.textContent !== status) {
          st.textContent = status;
          st.className = `status ${m.status ?? ''}`;
        }
        continue;
      }
      this.log.append(
        h(
          'div',
          { class: `msg${m.mine ? ' mine' : ''}`, 'data-message-id': m.messageId },
          h('span', { class: 'from' }, m.from),
          h('span', { class: 'time' }, new Date(m.time).toISOString().slice(11, 16) + 'Z'),
          h('span', { class: 'text' }, m.text),
          m.mine ? h('span', { class: `status ${m.status ?? ''}` }, status) : null,
        ),
      );
    }
    if (!atBottom) return;
    this.log.scrollTop = this.log.scrollHeight;
  }
}
