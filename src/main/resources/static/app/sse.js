// Server-Sent Events over fetch: EventSource cannot send a bearer token, so the stream is read and parsed here.
// Reconnects with backoff and Last-Event-ID, refreshing the token on 401.
import { accessToken, refreshTokens } from './api.js';

/**
 * Opens a stream. Handlers: onEvent({event, data, id}), onState('connecting'|'open'|'closed'|'error').
 * Returns {close()}. `auth` adds the bearer token.
 */
export function openStream(path, { auth = false, onEvent, onState = () => {} }) {
  let lastEventId = null;
  let closed = false;
  let controller = null;
  let delay = 1000;
  let timer = null;

  const connect = async () => {
    if (closed) return;
    controller = new AbortController();
    onState('connecting');
    try {
      const headers = { Accept: 'text/event-stream' };
      if (auth) {
        const token = await accessToken();
        if (!token) throw Object.assign(new Error('signed out'), { fatal: true });
        headers.Authorization = `Bearer ${token}`;
      }
      if (lastEventId) headers['Last-Event-ID'] = lastEventId;
      const res = await fetch(path, { headers, signal: controller.signal, cache: 'no-store' });
      if (res.status === 401 && auth) {
        await refreshTokens();
        throw new Error('token refreshed');
      }
      if (!res.ok || !res.body) throw new Error(`HTTP ${res.status}`);
      onState('open');
      delay = 1000;
      await read(res.body.getReader(), (msg) => {
        if (msg.id) lastEventId = msg.id;
        if (msg.retry) delay = msg.retry;
        if (msg.data !== undefined) onEvent(msg);
      });
      if (!closed) throw new Error('stream ended');
    } catch (e) {
      if (closed || e.name === 'AbortError') return;
      onState('error');
      if (e.fatal) return;
      timer = setTimeout(connect, delay);
      delay = Math.min(delay * 2, 30_000);
    }
  };

  connect();
  return {
    close() {
      closed = true;
      clearTimeout(timer);
      controller?.abort();
      onState('closed');
    },
  };
}

async function read(reader, emit) {
  const decoder = new TextDecoder();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += decoder.decode(value, { stream: true }).replace(/\r\n?/g, '\n');
    let end;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const msg = parseBlock(block);
      if (msg) emit(msg);
    }
  }
}

/** One event block: field lines "name:value"; comment lines start with ':'; data lines join with newlines. */
export function parseBlock(block) {
  const msg = { event: 'message' };
  const data = [];
  for (const line of block.split('\n')) {
    if (!line || line.startsWith(':')) continue;
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'data') data.push(value);
    else if (field === 'event') msg.event = value;
    else if (field === 'id') msg.id = value;
    else if (field === 'retry' && /^\d+$/.test(value)) msg.retry = Number(value);
  }
  if (data.length) msg.data = data.join('\n');
  return msg.data !== undefined || msg.id ? msg : null;
}
