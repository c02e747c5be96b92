// The service's JSON API as the app uses it: sign-in, device-session refresh, sign-out, authorised calls.
//
// Tokens live only in IndexedDB (store.js), never in localStorage, and are never written to the console.
// With a refresh token (device sessions) the app stays signed in for days and renews the short-lived access
// token itself; without one, the access token is all there is and the worker signs in again when it ends.
import * as store from "./store.js";

const JSON_TYPE = "application/json";
const RENEW_BEFORE_MS = 60_000;
const REQUEST_TIMEOUT_MS = 30_000;
const SESSION_LOCK = "reablement-worker-app-session";

/** The worker has to sign in (again) before the app can talk to the service. */
export class SignedOut extends Error {}

/** No answer: no signal, a dropped connection or a timeout. The request may or may not have reached the server. */
export class Offline extends Error {}

/** The service answered with an error; `body` is its error body ({code, message, errors, reason}). */
export class ApiError extends Error {
  constructor(status, body) {
    super((body && body.message) || `The service answered ${status}.`);
    this.status = status;
    this.body = body || {};
  }
}

/** Sign in with a username and password; stores the new session and returns it. */
export async function signIn(username, password) {
  const response = await send("POST", "/api/v1/auth/token", { username, password });
  const body = await readJson(response);
  if (!response.ok) throw new ApiError(response.status, body);
  const session = sessionFrom(body, body.user);
  await store.writeSession(session);
  return session;
}

/** Sign out: end the session on the server (now, or when signal returns) and forget it on this phone. */
export async function signOut() {
  const session = await store.readSession();
  await store.clearSession();
  if (!session || !session.access_token) return;
  const tokens = { access_token: session.access_token, refresh_token: session.refresh_token };
  if (!(await revoke(tokens))) {
    const pending = await store.readMeta("revocations", []);
    await store.writeMeta("revocations", [...pending, tokens]);
  }
}

/** Revoke sessions signed out of while offline (called on start and whenever signal returns, signed in or not). */
export async function flushRevocations() {
  const pending = await store.readMeta("revocations", []);
  if (!pending.length) return;
  const left = [];
  for (const tokens of pending) {
    if (!(await revoke(tokens))) left.push(tokens);
  }
  await store.writeMeta("revocations", left);
}

/**
 * Call the API as the signed-in worker: renews the access token first when it is about to end, and once more
 * on a 401. Throws SignedOut when the session is over, Offline when there was no answer.
 */
export async function callApi(method, path, payload) {
  let session = await store.readSession();
  if (!session || !session.access_token) throw new SignedOut();
  if (session.refresh_token && session.expires_at - Date.now() < RENEW_BEFORE_MS) {
    session = await renew(session);
  }
  let response = await send(method, path, payload, session.access_token);
  if (response.status === 401) {
    session = await renew(session);
    response = await send(method, path, payload, session.access_token);
    if (response.status === 401) {
      await needsSignIn(session);
      throw new SignedOut();
    }
  }
  return response;
}

/** The body of a response as JSON ({} when it has none or is not JSON). */
export async function readJson(response) {
  try {
    return await response.json();
  } catch {
    return {};
  }
}

/** How long to wait before trying again after a 429 or 503 that says so (ms), or null. */
export function retryAfterMs(response) {
  const seconds = Number(response.headers.get("Retry-After"));
  return Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : null;
}

// --- internals ---------------------------------------------------------------------------------------------

function sessionFrom(body, user) {
  // Lifetimes are counted on the phone's own clock, so a phone whose clock is wrong still renews in time.
  const now = Date.now();
  return {
    user,
    access_token: body.access_token,
    expires_at: now + Number(body.expires_in || 0) * 1000,
    refresh_token: body.refresh_token || null,
    refresh_expires_at: body.refresh_token && body.refresh_expires_in
      ? now + Number(body.refresh_expires_in) * 1000 : null,
  };
}

/**
 * Swap the refresh token for a new pair. Serialised across tabs with a Web Lock, and re-reading the stored
 * session inside it: a refresh token is single-use, and presenting a spent one ends the whole session.
 */
async function renew(stale) {
  return withLock(async () => {
    const current = await store.readSession();
    if (!current || !current.user || current.user.id !== stale.user.id) throw new SignedOut();
    if (current.access_token && current.access_token !== stale.access_token
        && current.expires_at - Date.now() > RENEW_BEFORE_MS) {
      return current; // another tab renewed it meanwhile
    }
    if (!current.refresh_token) {
      await needsSignIn(current);
      throw new SignedOut();
    }
    const response = await send("POST", "/api/v1/auth/refresh", { refresh_token: current.refresh_token });
    const body = await readJson(response);
    if (response.status === 401 || response.status === 400 || response.status === 422) {
      await needsSignIn(current);
      throw new SignedOut();
    }
    if (!response.ok) throw new ApiError(response.status, body);
    const next = sessionFrom(body, body.user || current.user);
    await store.writeSession(next);
    return next;
  });
}

/** The tokens are dead: keep who the worker is (their queued visits are theirs) but ask for their password. */
async function needsSignIn(session) {
  const current = await store.readSession();
  if (current && current.user && current.user.id === session.user.id) {
    await store.writeSession({ user: current.user, access_token: null, refresh_token: null, expires_at: 0,
      refresh_expires_at: null });
  }
}

/** End a signed-out session on the server; true when it has ended (now or before), false to keep it pending.

Only a 2xx counts as ended, or a 401 that shows nothing is left to end (the refresh token, too, is refused). A 429,
a 5xx or no answer keeps it pending for the next flush. */
async function revoke(tokens) {
  try {
    let response = await send("POST", "/api/v1/auth/revoke", undefined, tokens.access_token);
    if (response.status === 401 && tokens.refresh_token) {
      const renewed = await send("POST", "/api/v1/auth/refresh", { refresh_token: tokens.refresh_token });
      if (renewed.status === 401) return true; // spent, expired or its session already ended: nothing left to end
      if (!renewed.ok) return false;
      const body = await readJson(renewed);
      response = await send("POST", "/api/v1/auth/revoke", undefined, body.access_token);
    }
    return response.ok || response.status === 401;
  } catch (error) {
    if (error instanceof Offline) return false;
    throw error;
  }
}

async function send(method, path, payload, token) {
  const headers = { Accept: JSON_TYPE };
  if (payload !== undefined) headers["Content-Type"] = JSON_TYPE;
  if (token) headers.Authorization = `Bearer ${token}`;
  try {
    return await fetch(path, {
      method,
      headers,
      body: payload === undefined ? undefined : JSON.stringify(payload),
      credentials: "omit",
      cache: "no-store",
      signal: timeoutSignal(),
    });
  } catch {
    throw new Offline();
  }
}

function timeoutSignal() {
  return typeof AbortSignal !== "undefined" && AbortSignal.timeout ? AbortSignal.timeout(REQUEST_TIMEOUT_MS)
    : undefined;
}

function withLock(task) {
  if (typeof navigator !== "undefined" && navigator.locks) {
    return navigator.locks.request(SESSION_LOCK, task);
  }
  return task();
}
