// The worker app: screens by #fragment, the caseload kept on the phone, visits queued durably and synced.
import { ApiError, callApi, flushRevocations, Offline, readJson, SignedOut, signIn, signOut } from "./api.js";
import { h, replaceChildren } from "./dom.js";
import * as store from "./store.js";
import { onSyncChange, stopRetrying, syncNow, syncState } from "./sync.js";
import { localTimestamp, newVisitId } from "./time.js";
import { attentionItem, caseloadView, plural, signInView, syncTexts, visitFormView } from "./views.js";

const main = document.getElementById("main");
const notice = document.getElementById("notice");
const syncSection = document.getElementById("sync");
const syncStatus = document.getElementById("sync-status");
const syncDetail = document.getElementById("sync-detail");
const syncButton = document.getElementById("sync-now");
const attention = document.getElementById("attention");
const attentionList = document.getElementById("attention-list");
const who = document.getElementById("who");
const signOutButton = document.getElementById("sign-out");

let session = null;
let caseloadRefresh = null;
let noticeForNextScreen = "";

// --- start ------------------------------------------------------------------------------------------------

async function start() {
  session = await store.readSession();
  syncButton.addEventListener("click", () => {
    if (session) syncNow(session.user.id, { manual: true }).then(afterSync, showProblem);
  });
  signOutButton.addEventListener("click", confirmSignOut);
  window.addEventListener("hashchange", () => route());
  window.addEventListener("online", whenOnline);
  window.addEventListener("offline", () => { refreshStatus(); route({ keepFocus: true, onlyCaseload: true }); });
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "visible" && navigator.onLine) whenOnline();
  });
  onSyncChange(refreshStatus);
  await route({ keepFocus: true });
  await refreshStatus();
  whenOnline(); // also when the browser thinks it is offline: a failed attempt just stays pending
  // The first screen is drawn and every control works: what bench/app_bench.py times as "interactive".
  document.documentElement.dataset.ready = "true";
  performance.mark("worker-app-ready");
  registerServiceWorker(); // after the first screen, so caching the shell never delays it
}

function registerServiceWorker() {
  // Ask the browser not to clear this app's storage when the phone runs short of space: unsent visits live there.
  if (navigator.storage && navigator.storage.persist) navigator.storage.persist().catch(() => {});
  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.register("/app/sw.js", { scope: "/app/" }).catch(() => {
      // Without a service worker the app still works online; nothing for the worker to do about it.
    });
  }
}

function whenOnline() {
  flushRevocations().catch(() => {}); // sessions signed out of offline end on the server even from the sign-in screen
  if (!session || !session.access_token) return;
  syncNow(session.user.id).then(afterSync, showProblem);
}

async function afterSync() {
  await refreshStatus();
  await fetchCaseload();
}

// --- screens ----------------------------------------------------------------------------------------------

async function route({ keepFocus = false, onlyCaseload = false } = {}) {
  const hash = location.hash || "#/";
  if (onlyCaseload && hash !== "#/") return;
  if (!keepFocus) {
    notice.textContent = noticeForNextScreen;
    noticeForNextScreen = "";
  }
  showChrome();
  const focusedLink = keepFocus && main.contains(document.activeElement) ? document.activeElement.getAttribute("href")
    : null;
  if (!session || hash === "#/sign-in") {
    await showSignIn();
  } else if (hash.startsWith("#/visit/")) {
    await showVisitForm(decodeURIComponent(hash.slice("#/visit/".length)));
  } else {
    await showCaseload();
    if (!caseloadRefresh && navigator.onLine && session.access_token) fetchCaseload();
  }
  if (!keepFocus) {
    // Screen readers hear the new screen's heading; keyboard users start from it.
    const heading = main.querySelector("h1");
    if (heading) heading.focus();
  } else if (focusedLink) {
    // A refresh redrew the screen under the worker's finger or keyboard: keep focus on the same link.
    const again = [...main.querySelectorAll("a[href]")].find((link) => link.getAttribute("href") === focusedLink);
    if (again) again.focus();
  }
}

function showChrome() {
  const signedIn = Boolean(session);
  syncSection.hidden = !signedIn;
  signOutButton.hidden = !signedIn;
  who.textContent = signedIn ? session.user.username : "";
}

async function showSignIn() {
  const waiting = (await store.allQueuedVisits()).length;
  const again = Boolean(session && !session.access_token);
  replaceChildren(main, signInView({
    username: session ? session.user.username : "",
    again,
    waiting: session ? 0 : waiting,
    onSubmit: submitSignIn,
  }));
}

async function submitSignIn(username, password) {
  try {
    const fresh = await signIn(username, password);
    if (fresh.user.role !== "worker") {
      await signOut();
      return "This app is for reablement workers. Managers and commissioners use the pages at the site's home.";
    }
    session = fresh;
  } catch (error) {
    if (error instanceof Offline) return "No signal. Signing in needs a connection; try again when you have one.";
    if (error instanceof ApiError) return error.message;
    throw error;
  }
  if (location.hash === "#/" || !location.hash) await route();
  else location.hash = "#/";
  await refreshStatus();
  whenOnline();
  return null;
}

async function showCaseload() {
  const caseload = await store.readCaseload(session.user.id);
  const queued = await store.queuedVisits(session.user.id);
  const lastLocalVisit = new Map();
  for (const entry of queued) lastLocalVisit.set(entry.episode_id, entry);
  replaceChildren(main, caseloadView({ caseload, online: navigator.onLine, lastLocalVisit,
    needsSignIn: !session.access_token, username: session.user.username }));
}

async function showVisitForm(episodeId) {
  const caseload = await store.readCaseload(session.user.id);
  const episode = caseload && caseload.items.find((item) => item.id === episodeId);
  if (!episode) {
    replaceChildren(main, h("h1", { tabindex: "-1" }, "Not in your caseload"),
      h("p", {}, "This person is not in the caseload on this phone. ", h("a", { href: "#/" }, "Back to my caseload")));
    return;
  }
  replaceChildren(main, visitFormView({ episode, onSave: (fields) => saveVisit(episode, fields) }));
}

/** Give the visit its id and time now, and keep it in IndexedDB before saying it is saved. */
async function saveVisit(episode, fields) {
  const now = new Date();
  const visit = { id: newVisitId(), episode_id: episode.id, occurred_at: localTimestamp(now), ...fields };
  await store.enqueueVisit({ id: visit.id, user_id: session.user.id, episode_id: episode.id,
    person_ref: episode.person_ref, saved_at: now.toISOString(), visit,
    goals: Object.fromEntries(episode.goals.map((goal) => [goal.id, goal.description])) });
  noticeForNextScreen = `Visit to ${episode.person_ref} saved on this phone.`;
  location.hash = "#/";
  await refreshStatus();
  if (navigator.onLine && session.access_token) syncNow(session.user.id).then(afterSync, showProblem);
}

// --- caseload from the service ---------------------------------------------------------------------------

async function fetchCaseload() {
  if (!session || !session.access_token || caseloadRefresh) return caseloadRefresh;
  caseloadRefresh = (async () => {
    try {
      const response = await callApi("GET", "/api/v1/me/caseload");
      if (!response.ok) return;
      const body = await readJson(response);
      await store.writeCaseload(session.user.id, body.items || [], new Date().toISOString());
      if ((location.hash || "#/") === "#/") await route({ keepFocus: true, onlyCaseload: true });
    } catch (error) {
      if (error instanceof SignedOut) {
        session = await store.readSession();
        await route({ keepFocus: true, onlyCaseload: true });
        await refreshStatus();
      } else if (!(error instanceof Offline || error instanceof ApiError)) {
        throw error;
      }
    } finally {
      caseloadRefresh = null;
    }
  })();
  return caseloadRefresh;
}

// --- sync state and Needs attention -----------------------------------------------------------------------

async function refreshStatus() {
  if (!session) return;
  session = (await store.readSession()) || session;
  const userId = session.user.id;
  const [queued, everyone, state, refused] = await Promise.all([
    store.queuedVisits(userId), store.allQueuedVisits(), syncState(userId), store.attentionItems(userId)]);
  if (!session.access_token && !state.problem) state.problem = "Sign in again to send your visits.";
  const texts = syncTexts({ waiting: queued.length, state, online: navigator.onLine,
    othersWaiting: everyone.length - queued.length });
  if (syncStatus.textContent !== texts.status) syncStatus.textContent = texts.status;
  syncDetail.textContent = texts.detail;
  syncSection.classList.toggle("has-waiting", queued.length > 0);
  attention.hidden = refused.length === 0;
  replaceChildren(attentionList, refused.map((item) => attentionItem(item, () => dismiss(item), () => sendAgain(item))));
}

async function sendAgain(item) {
  await store.requeueAttention(item.id);
  say(`The visit to ${item.person_ref} is back in the queue and will be sent again.`);
  await refreshStatus();
  if (session && session.access_token) syncNow(session.user.id, { manual: true }).then(afterSync, showProblem);
}

async function dismiss(item) {
  const question = `Remove the refused visit to ${item.person_ref} from this phone? `
    + "It was not recorded by the service, and removing it cannot be undone.";
  if (!window.confirm(question)) return;
  await store.dismissAttention(item.id);
  say(`The refused visit to ${item.person_ref} was removed from this phone.`);
  await refreshStatus();
}

async function confirmSignOut() {
  const waiting = (await store.queuedVisits(session.user.id)).length;
  if (waiting && !window.confirm(`${plural(waiting, "visit")} ${waiting === 1 ? "has" : "have"} not been sent yet. `
      + "They stay on this phone and are sent when you sign in again. Sign out?")) return;
  stopRetrying();
  await signOut();
  session = null;
  attention.hidden = true;
  noticeForNextScreen = "You have signed out.";
  if (location.hash === "#/sign-in") await route();
  else location.hash = "#/sign-in";
}

function showProblem(error) {
  say(`Sync stopped: ${error.message}`);
}

function say(text) {
  notice.textContent = text;
}

start();
