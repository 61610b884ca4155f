// The API client: JSON over fetch with the bearer token, one refresh at a time on 401, problem+json as ApiError.
import { currentLanguage } from './i18n.js';

const AUTH_KEY = 'onestop.auth';
const listeners = new Set();

/** An RFC 9457 problem from the API, or a network failure (status 0, code NETWORK). */
export class ApiError extends Error {
  constructor(status, problem) {
    super(problem.detail || problem.title || `HTTP ${status}`);
    this.status = status;
    this.code = problem.code || (status === 0 ? 'NETWORK' : `HTTP_${status}`);
    this.title = problem.title || '';
    this.detail = problem.detail || '';
    this.requestId = problem.requestId || '';
    this.errors = Array.isArray(problem.errors) ? problem.errors : [];
    this.problem = problem;
  }

  /** True when sending the same request again may succeed: the network, a 5xx, or the first attempt still running. */
  get retryable() {
    return this.status === 0 || this.status >= 500 || this.code === 'IDEMPOTENCY_IN_PROGRESS' || this.status === 429;
  }
}

export function session() {
  try {
    return JSON.parse(localStorage.getItem(AUTH_KEY) || 'null');
  } catch {
    return null;
  }
}

export function signedIn() {
  return !!session()?.refreshToken;
}

function store(tokens) {
  const before = signedIn();
  if (tokens) {
    localStorage.setItem(AUTH_KEY, JSON.stringify({
      accessToken: tokens.accessToken,
      refreshToken: tokens.refreshToken,
      expiresAt: Date.now() + (tokens.expiresIn || 900) * 1000,
    }));
  } else {
    localStorage.removeItem(AUTH_KEY);
  }
  // Listeners hear of signing in and out, not of every token renewal.
  if (before !== !!tokens) listeners.forEach((l) => l(!!tokens));
}

/** Called with true on sign-in and false on sign-out (also when the refresh token is refused). */
export function onAuthChange(listener) {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

let refreshing = null;

/** Exchanges the refresh token once, however many requests got a 401 at the same time. */
export function refreshTokens() {
  if (!refreshing) {
    const current = session();
    refreshing = (async () => {
      if (!current?.refreshToken) throw new ApiError(401, { code: 'UNAUTHENTICATED' });
      const res = await fetch('/api/v1/auth/refresh', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
        body: JSON.stringify({ refreshToken: current.refreshToken }),
      });
      if (!res.ok) {
        const problem = await readProblem(res);
        // Only a refused token ends the session; a network or server error leaves it for the next try.
        if (res.status === 400 || res.status === 401) store(null);
        throw new ApiError(res.status, problem);
      }
      const tokens = await res.json();
      store(tokens);
      return tokens.accessToken;
    })().finally(() => {
      refreshing = null;
    });
  }
  return refreshing;
}

async function readProblem(res) {
  try {
    const type = res.headers.get('Content-Type') || '';
    if (type.includes('json')) return await res.json();
  } catch {
    /* an unreadable body is reported by status alone */
  }
  return { title: res.statusText };
}

/** A bearer token that is still valid for at least 30 s, refreshing it first if needed; null when signed out. */
export async function accessToken() {
  const s = session();
  if (!s) return null;
  if (s.accessToken && s.expiresAt - Date.now() > 30_000) return s.accessToken;
  return refreshTokens();
}

/**
 * Calls the API. `body` is sent as JSON; `headers` are added (e.g. Idempotency-Key). Resolves with the parsed JSON
 * (or null for 204), and `raw: true` gives {status, headers, body}. Rejects with ApiError.
 */
export async function api(path, { method = 'GET', body, headers = {}, auth = true, raw = false, signal, timeoutMs = 20_000 } = {}) {
  // Every call has a time bound; a GET that timed out or lost its connection is sent once more (it changes nothing).
  const once = async (token) => {
    const bound = AbortSignal.timeout(timeoutMs);
    const combined = signal && AbortSignal.any ? AbortSignal.any([signal, bound]) : bound;
    try {
      return await fetchOnce(token, combined);
    } catch (e) {
      if (e.name === 'AbortError' && signal?.aborted) throw e;
      if (e.name === 'TimeoutError' || e.name === 'AbortError') throw new ApiError(0, { title: 'Timeout', detail: `No answer in ${timeoutMs / 1000} s` });
      throw e;
    }
  };
  const send = async (token) => {
    try {
      return await once(token);
    } catch (e) {
      if (method === 'GET' && e instanceof ApiError && e.status === 0) return once(token);
      throw e;
    }
  };
  const fetchOnce = async (token, sig) => {
    const h = { Accept: 'application/json', 'Accept-Language': currentLanguage(), ...headers };
    if (body !== undefined) h['Content-Type'] = 'application/json';
    if (token) h.Authorization = `Bearer ${token}`;
    try {
      return await fetch(path, { method, headers: h, body: body === undefined ? undefined : JSON.stringify(body), signal: sig });
    } catch (e) {
      if (e.name === 'AbortError' || e.name === 'TimeoutError') throw e;
      throw new ApiError(0, { title: 'Network error', detail: String(e.message || e) });
    }
  };
  let token = auth ? await accessToken().catch(() => null) : null;
  let res = await send(token);
  if (res.status === 401 && auth && session()) {
    try {
      token = await refreshTokens();
      res = await send(token);
    } catch {
      /* fall through with the 401 */
    }
  }
  if (!res.ok) throw new ApiError(res.status, await readProblem(res));
  const parsed = res.status === 204 ? null : await res.json().catch(() => null);
  return raw ? { status: res.status, headers: res.headers, body: parsed } : parsed;
}

export async function login(phone, password) {
  const tokens = await api('/api/v1/auth/login', { method: 'POST', body: { phone, password }, auth: false });
  if (signedIn()) store(null); // another citizen signing in on this device: the old session's stream ends first
  store(tokens);
  return tokens;
}

export async function logout() {
  const s = session();
  store(null);
  if (s?.refreshToken) {
    await api('/api/v1/auth/logout', { method: 'POST', body: { refreshToken: s.refreshToken }, auth: false }).catch(() => {});
  }
}

/** A UUID for an Idempotency-Key, also where crypto.randomUUID is missing (a page not served over HTTPS). */
export function newKey() {
  if (crypto.randomUUID) return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const hex = [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/**
 * One attempt of an operation that charges, books or files: the Idempotency-Key is made once for the attempt and
 * kept (in sessionStorage, so a reload keeps it too) until the server gives a final answer, so a retry after a lost
 * response replays the first result instead of acting twice. A new attempt (the user asks again after a final
 * answer) gets a new key.
 */
export async function idempotentPost(attemptName, path, body) {
  const slot = `onestop.attempt.${attemptName}`;
  let attempt = null;
  try {
    attempt = JSON.parse(sessionStorage.getItem(slot) || 'null');
  } catch {
    attempt = null;
  }
  if (!attempt || JSON.stringify(attempt.body) !== JSON.stringify(body)) {
    attempt = { key: newKey(), body };
    sessionStorage.setItem(slot, JSON.stringify(attempt));
  }
  try {
    const result = await api(path, { method: 'POST', body, headers: { 'Idempotency-Key': attempt.key }, raw: true });
    sessionStorage.removeItem(slot);
    return { ...result, key: attempt.key, replayed: result.headers.get('Idempotent-Replayed') === 'true' };
  } catch (e) {
    // Final refusals end the attempt; a lost answer or a server error keeps the key for the retry.
    if (!(e instanceof ApiError) || !e.retryable) sessionStorage.removeItem(slot);
    e.key = attempt.key;
    throw e;
  }
}

/** The key an unfinished attempt will reuse, if any (shown to the user as "retrying safely"). */
export function pendingAttempt(attemptName) {
  try {
    return JSON.parse(sessionStorage.getItem(`onestop.attempt.${attemptName}`) || 'null');
  } catch {
    return null;
  }
}
