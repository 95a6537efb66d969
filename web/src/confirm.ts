/**
 * The page's modal dialog host (#dialog): a confirmation that asks before anything destructive (Delete), and one
 * Escape handler that closes whatever dialog is open (a pending confirmation answers "no").
 */
import { h } from './dom.js';

let pending: ((ok: boolean) => void) | undefined;

export function closeDialog(host: HTMLElement): void {
  host.hidden = true;
  host.replaceChildren();
  const p = pending;
  pending = undefined;
  p?.(false);
}

/** Ask `question`; resolves true only when the user presses the confirm button. */
export function confirmAction(
  host: HTMLElement,
  question: string,
  confirmLabel = 'Delete',
): Promise<boolean> {
  closeDialog(host);
  return new Promise((resolve) => {
    const yes = h('button', { class: 'danger', 'data-testid': 'confirm-yes' }, confirmLabel);
    const no = h('button', { 'data-testid': 'confirm-no' }, 'Cancel');
    yes.onclick = () => {
      pending = undefined;
      closeDialog(host);
      resolve(true);
    };
    no.onclick = () => closeDialog(host);
    pending = resolve;
    host.append(h('h3', { id: 'dialog-title' }, question), h('div', { class: 'actions' }, yes, no));
    host.hidden = false;
    no.focus();
  });
}

/** Escape closes the open dialog (marker, confirmation), wherever the focus is. */
export function installEscape(host: HTMLElement): void {
  host.setAttribute('role', 'dialog');
  host.setAttribute('aria-modal', 'true');
  document.addEventListener('keydown', (ev) => {
    if (ev.key === 'Escape' && !host.hidden) {
      ev.preventDefault();
      closeDialog(host);
    }
  });
}
