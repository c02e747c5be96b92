// Everything the app keeps on the phone, in IndexedDB (durable across reloads, browser restarts and no signal).
//
// Stores: `session` (the signed-in worker and their tokens; never localStorage), `caseload` (the last one fetched,
// per worker, with when), `queue` (visits saved but not yet accepted by the service), `attention` (visits the
// service refused, with its message), `meta` (sync bookkeeping and tokens still to revoke).
import { openDB } from "../vendor/idb.js";

const DB_NAME = "reablement-worker-app";
const DB_VERSION = 1;

let opening = null;

function database() {
  if (!opening) {
    opening = openDB(DB_NAME, DB_VERSION, {
      upgrade(db) {
        db.createObjectStore("session");
        db.createObjectStore("caseload", { keyPath: "user_id" });
        db.createObjectStore("queue", { keyPath: "id" }).createIndex("by_user", "user_id");
        db.createObjectStore("attention", { keyPath: "id" }).createIndex("by_user", "user_id");
        db.createObjectStore("meta");
      },
    });
  }
  return opening;
}

// --- session -----------------------------------------------------------------------------------------------

export async function readSession() {
  return (await (await database()).get("session", "current")) || null;
}

export async function writeSession(session) {
  await (await database()).put("session", session, "current");
}

export async function clearSession() {
  await (await database()).delete("session", "current");
}

// --- caseload ----------------------------------------------------------------------------------------------

export async function readCaseload(userId) {
  return (await (await database()).get("caseload", userId)) || null;
}

export async function writeCaseload(userId, items, fetchedAt) {
  await (await database()).put("caseload", { user_id: userId, items, fetched_at: fetchedAt });
}

// --- queue of unsent visits --------------------------------------------------------------------------------

/** Save a visit durably; resolves only once IndexedDB has committed it. */
export async function enqueueVisit(entry) {
  const db = await database();
  const tx = db.transaction("queue", "readwrite");
  await tx.store.add(entry);
  await tx.done;
}

/** The worker's queued visits, oldest saved first. */
export async function queuedVisits(userId) {
  const entries = await (await database()).getAllFromIndex("queue", "by_user", userId);
  return entries.sort((a, b) => a.saved_at.localeCompare(b.saved_at));
}

/** Visits queued by anyone on this phone (to warn before a different worker signs in or someone signs out). */
export async function allQueuedVisits() {
  return (await database()).getAll("queue");
}

/** Drop visits the service has accepted (201) or already had (200). */
export async function removeAccepted(ids) {
  const db = await database();
  const tx = db.transaction("queue", "readwrite");
  await Promise.all(ids.map((id) => tx.store.delete(id)));
  await tx.done;
}

/** Move refused visits from the queue to Needs attention in one transaction (never lost in between). */
export async function moveToAttention(refusals) {
  const db = await database();
  const tx = db.transaction(["queue", "attention"], "readwrite");
  const queue = tx.objectStore("queue");
  const attention = tx.objectStore("attention");
  for (const refusal of refusals) {
    const entry = await queue.get(refusal.id);
    if (!entry) continue;
    await attention.put({ ...entry, ...refusal, refused_at: new Date().toISOString() });
    await queue.delete(refusal.id);
  }
  await tx.done;
}

// --- needs attention ---------------------------------------------------------------------------------------

export async function attentionItems(userId) {
  const items = await (await database()).getAllFromIndex("attention", "by_user", userId);
  return items.sort((a, b) => a.saved_at.localeCompare(b.saved_at));
}

export async function dismissAttention(id) {
  await (await database()).delete("attention", id);
}

/** Put a refused visit back in the queue as it was saved (same id, so it can never be recorded twice). */
export async function requeueAttention(id) {
  const db = await database();
  const tx = db.transaction(["queue", "attention"], "readwrite");
  const item = await tx.objectStore("attention").get(id);
  if (item) {
    const { status, message, reason, errors, refused_at: refusedAt, ...entry } = item;
    await tx.objectStore("queue").put(entry);
    await tx.objectStore("attention").delete(id);
  }
  await tx.done;
}

// --- sync bookkeeping --------------------------------------------------------------------------------------

export async function readMeta(key, fallback = null) {
  const value = await (await database()).get("meta", key);
  return value === undefined ? fallback : value;
}

export async function writeMeta(key, value) {
  await (await database()).put("meta", value, key);
}
