// The app's screens, built from data with dom.js. No screen talks to the network or storage itself:
// app.js passes in what to show and what to do.
import { h } from "./dom.js";
import { ageText, dateText, whenText } from "./time.js";
import { CONCERNS, fieldWords, LEVELS, levelText, WELLBEING } from "./vocabulary.js";

/** Sign-in form. `onSubmit(username, password)` resolves to an error message or null. */
export function signInView({ username = "", again = false, waiting = 0, onSubmit }) {
  const error = h("p", { class: "error", id: "sign-in-error", role: "alert" });
  const userField = h("input", { id: "username", name: "username", autocomplete: "username", autocapitalize: "none",
    spellcheck: "false", required: true, value: username });
  const passwordField = h("input", { id: "password", name: "password", type: "password",
    autocomplete: "current-password", required: true });
  const button = h("button", { type: "submit", class: "button button-primary button-wide" }, "Sign in");
  const form = h("form", { class: "stack", novalidate: true, onsubmit: async (event) => {
    event.preventDefault();
    if (!userField.value.trim() || !passwordField.value) {
      error.textContent = "Enter your username and password.";
      return;
    }
    button.disabled = true;
    error.textContent = "";
    const problem = await onSubmit(userField.value.trim(), passwordField.value);
    button.disabled = false;
    if (problem) {
      error.textContent = problem;
      passwordField.value = "";
      passwordField.focus();
    }
  } },
  h("div", { class: "field" }, h("label", { for: "username" }, "Username"), userField),
  h("div", { class: "field" }, h("label", { for: "password" }, "Password"), passwordField),
  error,
  button);
  return [
    h("h1", { tabindex: "-1" }, again ? "Sign in again" : "Sign in"),
    h("p", {}, again
      ? "Your session on this phone has ended. Sign in again to send your visits; nothing you saved is lost."
      : "Sign in once on this phone. You stay signed in through your shifts, with or without signal."),
    waiting ? h("p", { class: "hint" }, `${plural(waiting, "visit")} saved on this phone ${waiting === 1 ? "is" : "are"} `
      + "waiting for the worker who saved them to sign in.") : null,
    form,
  ];
}

/** The caseload: one card per open episode, with each active goal in the person's own words. */
export function caseloadView({ caseload, online, lastLocalVisit, needsSignIn, username }) {
  const heading = h("h1", { tabindex: "-1" }, "My caseload");
  const signedInAs = h("p", { class: "hint signed-in-as" }, "Signed in as ", h("strong", {}, username), ".");
  if (!caseload) {
    return [heading, h("p", { class: "empty" }, online ? "Fetching your caseload…"
      : "Your caseload has not been fetched on this phone yet. It will appear when you have signal."), signedInAs];
  }
  const age = `Caseload from ${whenText(caseload.fetched_at)} (${ageText(caseload.fetched_at)}).`;
  const ageLine = h("p", { class: online ? "age" : "age age-offline", id: "caseload-age" },
    online ? age : `You are offline. ${age}`);
  const signIn = needsSignIn ? h("p", { class: "warning" },
    "Your session has ended. You can still record visits; ",
    h("a", { href: "#/sign-in" }, "sign in again"), " to send them.") : null;
  if (!caseload.items.length) {
    return [heading, ageLine, signIn, h("p", { class: "empty" },
      "No open episodes are assigned to you. Your manager assigns them."), signedInAs];
  }
  const cards = caseload.items.map((episode) => episodeCard(episode, lastLocalVisit.get(episode.id)));
  return [heading, ageLine, signIn, h("ul", { class: "episodes" }, cards), signedInAs];
}

function episodeCard(episode, localVisit) {
  const last = lastVisitText(episode, localVisit);
  return h("li", { class: "card episode" },
    h("h2", {}, episode.person_ref),
    h("p", { class: "meta" }, `Last visit: ${last}`, h("br"), `Plan ends ${dateText(episode.planned_end_on)}`),
    episode.goals.length
      ? h("ul", { class: "goals" }, episode.goals.map((goal) => h("li", {},
        h("p", { class: "goal-words" }, `“${goal.description}”`),
        h("p", { class: "levels" }, levelsText(goal)),
        progressBar(goal))))
      : h("p", { class: "hint" }, "No active goals yet."),
    h("a", { class: "button button-primary button-wide", href: `#/visit/${episode.id}` },
      "Record a visit", h("span", { class: "visually-hidden" }, ` for ${episode.person_ref}`)));
}

function lastVisitText(episode, localVisit) {
  const server = episode.last_visit_at || null;
  if (localVisit && (!server || localVisit.saved_at > server)) {
    return `${whenText(localVisit.saved_at)} (saved on this phone)`;
  }
  return server ? whenText(server) : "none yet";
}

function levelsText(goal) {
  return `Started at ${goal.baseline_level} · now ${goal.current_level} · aiming for ${goal.target_level}`;
}

function progressBar(goal) {
  // Decorative: the sentence above says the same in words.
  const bar = h("div", { class: "scale-bar", "aria-hidden": "true" });
  for (let level = 0; level <= 5; level += 1) {
    const classes = ["step"];
    if (level <= goal.current_level) classes.push("reached");
    if (level === goal.target_level) classes.push("target");
    bar.append(h("span", { class: classes.join(" ") }));
  }
  return bar;
}

/** The visit form. `onSave(visitFields)` stores it; returns the form's elements. */
export function visitFormView({ episode, onSave }) {
  const error = h("p", { class: "error", role: "alert", id: "visit-error" });
  const goals = episode.goals.map((goal) => goalChooser(goal));
  const duration = h("input", { id: "duration", name: "duration", type: "number", inputmode: "numeric",
    min: "1", max: "720", step: "1", required: true, "aria-describedby": "duration-hint" });
  const quick = [15, 30, 45, 60].map((minutes) => h("button", { type: "button", class: "chip",
    "aria-label": `${minutes} minutes`, onclick: () => { duration.value = String(minutes); } }, String(minutes)));
  const carers = radioGroup("carers", "Carers", [[1, "1"], [2, "2"]], 1);
  const wellbeing = radioGroup("wellbeing", "Wellbeing (optional)",
    WELLBEING.map(([value, words]) => [value, `${value} – ${words}`]), null, true);
  const concerns = CONCERNS.map(([code, words]) => h("label", { class: "check" },
    h("input", { type: "checkbox", name: "concerns", value: code }), h("span", {}, words)));
  const note = h("textarea", { id: "note", name: "note", rows: "3", maxlength: "4000" });
  const ready = h("label", { class: "check" }, h("input", { type: "checkbox", name: "ready_for_discharge" }),
    h("span", {}, "Ready for discharge"));
  const save = h("button", { type: "submit", class: "button button-primary button-wide" }, "Save visit");

  const form = h("form", { class: "visit-form", novalidate: true, onsubmit: async (event) => {
    event.preventDefault();
    const minutes = Number(duration.value);
    if (!duration.value || !Number.isInteger(minutes) || minutes < 1 || minutes > 720) {
      error.textContent = "Enter the visit's duration in whole minutes, from 1 to 720.";
      duration.setAttribute("aria-invalid", "true");
      duration.focus();
      return;
    }
    duration.removeAttribute("aria-invalid");
    save.disabled = true;
    const data = new FormData(form);
    const fields = {
      goal_progress: episode.goals.filter((goal) => data.get(`goal-${goal.id}`) !== null)
        .map((goal) => ({ goal_id: goal.id, level: Number(data.get(`goal-${goal.id}`)) })),
      duration_minutes: minutes,
      carers: Number(data.get("carers") || 1),
      concerns: data.getAll("concerns"),
      ready_for_discharge: data.get("ready_for_discharge") !== null,
    };
    if (data.get("wellbeing")) fields.wellbeing = Number(data.get("wellbeing"));
    if (note.value.trim()) fields.note = note.value.trim();
    try {
      await onSave(fields);
    } catch (problem) {
      error.textContent = `The visit could not be saved on this phone: ${problem.message}`;
      save.disabled = false;
    }
  } },
  episode.goals.length ? goals : h("p", { class: "hint" }, "No active goals: record the visit's details below."),
  h("section", { class: "card" },
    h("div", { class: "field" }, h("label", { for: "duration" }, "Duration (minutes)"),
      h("div", { class: "duration-row" }, duration, h("div", { class: "chips", role: "group",
        "aria-label": "Quick durations" }, quick)),
      h("p", { class: "hint", id: "duration-hint" }, "Whole minutes spent with the person.")),
    carers,
    wellbeing),
  h("section", { class: "card" },
    h("fieldset", { class: "checks" }, h("legend", {}, "Concerns"), h("div", { class: "check-grid" }, concerns)),
    h("div", { class: "field" }, h("label", { for: "note" }, "Note"), note),
    ready),
  h("div", { class: "save-bar" }, error, save));

  return [
    h("p", { class: "back" }, h("a", { href: "#/" }, "← My caseload")),
    h("h1", { tabindex: "-1" }, `Visit to ${episode.person_ref}`),
    h("p", { class: "hint" }, "Tap the level you saw today for each goal; leave a goal if you did not assess it. "
      + "The time is taken when you save."),
    form,
  ];
}

function goalChooser(goal) {
  const headingId = `goal-heading-${goal.id}`;
  const options = LEVELS.map(([level, words]) => {
    const tags = [];
    if (level === goal.current_level) tags.push("last time");
    if (level === goal.target_level) tags.push("target");
    return h("label", { class: "choice" },
      h("input", { type: "radio", name: `goal-${goal.id}`, value: String(level) }),
      h("span", { class: "choice-text" }, h("strong", { class: "digit" }, String(level)), ` – ${words}`,
        tags.length ? h("span", { class: "tag" }, ` (${tags.join(", ")})`) : null));
  });
  return h("section", { class: "card goal" },
    h("h2", { id: headingId }, goal.description),
    h("p", { class: "levels" }, levelsText(goal)),
    h("div", { role: "radiogroup", "aria-labelledby": headingId, class: "scale" }, options),
    clearButton(`goal-${goal.id}`, "Clear", ` the level for ${goal.description}`));
}

function radioGroup(name, label, options, checked, clearable = false) {
  const labelId = `${name}-label`;
  return h("div", { class: "field" },
    h("p", { class: "label", id: labelId }, label),
    h("div", { role: "radiogroup", "aria-labelledby": labelId, class: `inline-choices inline-${name}` },
      options.map(([value, text]) => h("label", { class: "choice choice-inline" },
        h("input", { type: "radio", name, value: String(value), checked: value === checked }),
        h("span", {}, text)))),
    clearable ? clearButton(name, "Clear", ` ${label.toLowerCase()}`) : null);
}

function clearButton(name, label, hiddenRest) {
  return h("button", { type: "button", class: "link-button", onclick: (event) => {
    const form = event.currentTarget.closest("form");
    for (const input of form.querySelectorAll(`input[name="${CSS.escape(name)}"]`)) input.checked = false;
  } }, label, h("span", { class: "visually-hidden" }, hiddenRest));
}

/** The sync status line and its detail. */
export function syncTexts({ waiting, state, online, othersWaiting }) {
  const status = waiting ? `${plural(waiting, "visit")} waiting to sync` : "All visits synced";
  const parts = [];
  if (!online && waiting) parts.push("Offline: they will be sent when you have signal.");
  else if (state.problem) {
    const retry = state.next_retry_at ? ` Trying again ${whenText(state.next_retry_at).replace(/^today /, "at ")}.` : "";
    parts.push(`${state.problem}${retry}`);
  }
  parts.push(state.last_synced_at ? `Last synced ${whenText(state.last_synced_at)} (${ageText(state.last_synced_at)}).`
    : "Not synced from this phone yet.");
  if (othersWaiting) parts.push(`${plural(othersWaiting, "visit")} by another worker waiting for them to sign in.`);
  return { status, detail: parts.join(" ") };
}

/** One refused visit in Needs attention: whom it was for, what the service said, what it held, and what to do. */
export function attentionItem(item, onDismiss, onSendAgain) {
  const errors = Object.entries(item.errors || {}).flatMap(([field, messages]) =>
    (Array.isArray(messages) ? messages : [messages]).filter((message) => typeof message === "string"
      && message !== item.message).map((message) => `${fieldWords(field)}: ${message}`));
  const goalWords = item.goals || {};
  const levels = (item.visit.goal_progress || []).map((entry) =>
    h("li", {}, `${goalWords[entry.goal_id] ? `“${goalWords[entry.goal_id]}”` : "A goal"}: ${levelText(entry.level)}`));
  return h("li", { class: "attention-item" },
    h("p", {}, h("strong", {}, item.person_ref), ` · visit ${whenText(item.visit.occurred_at)}`
      + ` · ${item.visit.duration_minutes} minutes`),
    h("p", { class: "message" }, item.message),
    errors.length ? h("ul", { class: "field-errors" }, errors.map((text) => h("li", {}, text))) : null,
    levels.length ? h("ul", { class: "recorded-levels" }, levels) : null,
    h("div", { class: "attention-actions" },
      h("button", { type: "button", class: "button", onclick: onSendAgain },
        "Send again", h("span", { class: "visually-hidden" }, ` (${item.person_ref})`)),
      h("button", { type: "button", class: "button button-quiet", onclick: onDismiss },
        "Remove from this phone", h("span", { class: "visually-hidden" }, ` (${item.person_ref})`))));
}

export function plural(count, noun) {
  return `${count} ${noun}${count === 1 ? "" : "s"}`;
}
