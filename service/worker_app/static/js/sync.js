// Sending queued visits: POST /api/v1/visits/batch, at most 100 at a time, safe to repeat.
//
// A visit leaves the queue only when the service's result for it is 201 (recorded) or 200 (it already had that
// visit: a replay after a lost answer). A refusal (409, 422, and other 4xx) moves it to Needs attention with the
// service's message. No answer, a 5xx, a 429, or a refusal as `occurred_in_future` (the phone's clock is fast:
// the same visit is accepted once its time has come) leaves it queued and the app tries again later, waiting
// longer each time. Because each visit's id was fixed when it was saved, sending it again can never record it twice.
import { ApiError, callApi, Offline, readJson, retryAfterMs, SignedOut } from "./api.js";
import * as store from "./store.js";

export const BATCH_LIMIT = 100;
const FIRST_RETRY_MS = 2_000;
const LONGEST_RETRY_MS = 5 * 60_000;
const ACCEPTED = new Set([200, 201]);
const NOT_YET = "occurred_in_future";

const listeners = new Set();
let running = null;
let retryTimer = null;

/** Call `listener` whenever the sync state may have changed. */
export function onSyncChange(listener) {
  listeners.add(listener);
}

/** The worker's sync bookkeeping: {last_synced_at, failures, next_retry_at, problem}. */
export async function syncState(userId) {
  return store.readMeta(stateKey(userId), { last_synced_at: null, failures: 0, next_retry_at: null, problem: null });
}

/** Send everything queued for `userId` now (one sync at a time; a second call joins the running one). */
export function syncNow(userId, { manual = false } = {}) {
  if (running) return running;
  clearTimeout(retryTimer);
  running = (async () => {
    const state = await syncState(userId);
    if (manual) state.failures = 0;
    try {
      await sendQueue(userId, state);
    } finally {
      await store.writeMeta(stateKey(userId), state);
      running = null;
      notify();
    }
  })();
  return running;
}

/** Stop any scheduled retry (on sign-out). */
export function stopRetrying() {
  clearTimeout(retryTimer);
}

/** If a retry was due while the app was closed, try now; otherwise keep the schedule. */
export async function resumeRetries(userId) {
  const state = await syncState(userId);
  const wait = state.next_retry_at ? Date.parse(state.next_retry_at) - Date.now() : 0;
  schedule(userId, Math.max(wait, 0));
}

async function sendQueue(userId, state) {
  for (;;) {
    const queued = await store.queuedVisits(userId);
    if (!queued.length) {
      Object.assign(state, { failures: 0, next_retry_at: null, problem: null });
      return;
    }
    const batch = queued.slice(0, BATCH_LIMIT);
    let response;
    try {
      response = await callApi("POST", "/api/v1/visits/batch", { visits: batch.map((entry) => entry.visit) });
    } catch (error) {
      if (error instanceof SignedOut) {
        Object.assign(state, { next_retry_at: null, problem: "Sign in again to send your visits." });
        return;
      }
      if (error instanceof Offline) return retryLater(userId, state, null, "No connection.");
      if (error instanceof ApiError) return retryLater(userId, state, null, troubleText(error.status));
      throw error;
    }
    const body = await readJson(response);
    if (response.status !== 200) {
      // The whole batch was turned away (busy, down, or refused as a whole): everything stays queued.
      const problem = response.status === 429 || response.status >= 500 ? troubleText(response.status)
        : body.message || troubleText(response.status);
      return retryLater(userId, state, retryAfterMs(response), problem);
    }
    const { accepted, refused, kept } = sortResults(batch, body.results || []);
    await store.removeAccepted(accepted);
    await store.moveToAttention(refused);
    Object.assign(state, { last_synced_at: new Date().toISOString(), problem: null });
    notify();
    if (kept.length) return retryLater(userId, state, null, kept[0]);
    state.failures = 0;
  }
}

/** Split the service's per-visit results: accepted ids, refusals (with the message), and why others are kept. */
function sortResults(batch, results) {
  const byId = new Map(results.filter((result) => result && result.id != null)
    .map((result) => [String(result.id), result]));
  const accepted = [];
  const refused = [];
  const kept = [];
  for (const entry of batch) {
    const result = byId.get(entry.id);
    if (!result) {
      kept.push(troubleText(0));
    } else if (ACCEPTED.has(result.status)) {
      accepted.push(entry.id);
    } else if (result.status === 429 || result.status === 401 || result.status >= 500) {
      kept.push(troubleText(result.status));
    } else if (result.reason === NOT_YET) {
      kept.push(`${result.message || "A visit's time is ahead of the service's clock."} `
        + "It stays queued and is sent again later.");
    } else {
      refused.push({ id: entry.id, status: result.status, message: result.message || troubleText(result.status),
        reason: result.reason || null, errors: result.errors || {} });
    }
  }
  return { accepted, refused, kept };
}

function retryLater(userId, state, waitMs, problem) {
  state.failures += 1;
  const backoff = Math.min(FIRST_RETRY_MS * 2 ** (state.failures - 1), LONGEST_RETRY_MS);
  const wait = waitMs ?? Math.round(backoff * (0.8 + Math.random() * 0.4));
  Object.assign(state, { next_retry_at: new Date(Date.now() + wait).toISOString(), problem });
  schedule(userId, wait);
}

function schedule(userId, wait) {
  clearTimeout(retryTimer);
  retryTimer = setTimeout(() => {
    syncNow(userId).catch(() => {});
  }, wait);
}

function troubleText(status) {
  if (status === 429) return "The service is busy.";
  if (status >= 500) return `The service is having trouble (${status}).`;
  if (status === 0) return "The service did not answer for every visit.";
  return `The service answered ${status}.`;
}

function stateKey(userId) {
  return `sync:${userId}`;
}

function notify() {
  for (const listener of listeners) listener();
}
