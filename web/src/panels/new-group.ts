/**
 * The "new group room" form of the chat panel: a name and the contacts to invite, as ATAK's group chat asks for
 * them. The room's members travel in every message's `chatgrp`, so the hub delivers to exactly them.
 */
import { h } from '../dom.js';
import type { Contact } from './chat.js';

export function newGroupForm(
  contacts: Contact[],
  create: (name: string, members: Contact[]) => void,
  cancel: () => void,
): HTMLElement {
  const name = h('input', { placeholder: 'Room name', maxlength: 100, 'data-testid': 'group-name' });
  const boxes = contacts.map((c) => ({
    c,
    box: h('input', { type: 'checkbox', 'data-testid': `group-member-${c.callsign}` }),
  }));
  const error = h('p', { class: 'hint' });
  const submit = () => {
    const n = name.value.trim();
    const members = boxes.filter((b) => b.box.checked).map((b) => b.c);
    if (!n) error.textContent = 'Give the room a name.';
    else if (!members.length) error.textContent = 'Pick at least one member.';
    else create(n, members);
  };
  name.addEventListener('input', () => (error.textContent = ''));
  name.addEventListener('keydown', (e) => {
    if (e.key === 'Enter') submit();
  });
  const form = h(
    'div',
    { class: 'new-group', 'data-testid': 'new-group' },
    name,
    contacts.length
      ? h('div', { class: 'members' }, ...boxes.map((b) => h('label', {}, b.box, b.c.callsign)))
      : h(
          'p',
          { class: 'hint' },
          'No contacts yet: TAK users and pages appear here once they report a position.',
        ),
    error,
    h(
      'div',
      { class: 'actions' },
      h('button', { onclick: submit, class: 'small', 'data-testid': 'group-create' }, 'Create'),
      h('button', { onclick: cancel, class: 'small' }, 'Cancel'),
    ),
  );
  setTimeout(() => name.focus());
  return form;
}
