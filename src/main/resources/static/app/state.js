// App-wide state the screens share with the shell: the unread count, live notification listeners, display settings.

const unreadListeners = new Set();

export const live = {
  unread: 0,
  listeners: new Set(),
  /** Called with each notification that arrives over the stream while the app is open. */
  onNotification(fn) {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  },
};

export function setUnread(n) {
  live.unread = Math.max(0, n);
  unreadListeners.forEach((l) => l(live.unread));
}

export function onUnreadChange(fn) {
  unreadListeners.add(fn);
  return () => unreadListeners.delete(fn);
}

/** Large text and high contrast (适老化), kept on this device. */
export function applyDisplay() {
  const root = document.documentElement;
  root.classList.toggle('large-text', display('largeText'));
  root.classList.toggle('high-contrast', display('highContrast'));
}

export function display(name) {
  return localStorage.getItem(`onestop.${name}`) === 'true';
}

export function setDisplay(name, on) {
  localStorage.setItem(`onestop.${name}`, on ? 'true' : 'false');
  applyDisplay();
}
