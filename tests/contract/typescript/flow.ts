// A worker's day written against the generated types (openapi-typescript) with openapi-fetch, as a phone team
// would: sign in, refresh, caseload, record, replay, conflicting replay, a batch with one bad visit, and a stolen
// refresh token caught. No casts and no explicit nulls: optional fields are simply left out.
// The test suite type-checks it with `tsc --noEmit` (strict), then compiles and runs it against a live server:
//   node flow.js BASE_URL USERNAME PASSWORD
import createClient from "openapi-fetch";
import type { components, paths } from "./api";

declare const process: { argv: string[]; exitCode?: number };

type VisitIn = components["schemas"]["VisitIn"];
type Reason = components["schemas"]["Reason"];

function check(condition: boolean, message: string): void {
  if (!condition) {
    throw new Error(message);
  }
}

function must<T>(value: T | undefined, message: string): T {
  if (value === undefined) {
    throw new Error(message);
  }
  return value;
}

function newId(): string {
  return crypto.randomUUID();
}

async function workerDay(baseUrl: string, username: string, password: string): Promise<string[]> {
  const steps: string[] = [];
  const api = createClient<paths>({ baseUrl });

  const signedIn = await api.POST("/api/v1/auth/token", { body: { username, password } });
  const first = must(signedIn.data, "sign-in failed");
  const expiresAt: Date = new Date(first.expires_at);
  check(expiresAt.getTime() > Date.now(), "expires_at is in the past");
  steps.push("signed in");

  const refreshed = await api.POST("/api/v1/auth/refresh", { body: { refresh_token: first.refresh_token } });
  const tokens = must(refreshed.data, "refresh failed");
  const headers = { Authorization: `Bearer ${tokens.access_token}` };
  steps.push("refreshed");

  const caseload = must((await api.GET("/api/v1/me/caseload", { headers })).data, "no caseload");
  const episode = must(caseload.items.find((item) => item.goals.length > 0), "no episode with goals");
  const goal = episode.goals[0];
  steps.push("caseload");

  const visit: VisitIn = {
    id: newId(),
    episode_id: episode.id,
    occurred_at: new Date().toISOString(),
    duration_minutes: 45,
    carers: 1,
    goal_progress: [{ goal_id: goal.id, level: 3 }],
  };
  const recorded = await api.POST("/api/v1/visits", { body: visit, headers });
  const receipt = must(recorded.data, "visit not recorded");
  check(recorded.response.status === 201 && receipt.id === visit.id, "visit not recorded");
  steps.push("recorded 201");

  const replayed = await api.POST("/api/v1/visits", { body: visit, headers });
  check(replayed.response.status === 200 && replayed.data?.event_id === receipt.event_id, "replay");
  steps.push("replayed 200");

  const changed: VisitIn = { ...visit, duration_minutes: 50 };
  const conflict = await api.POST("/api/v1/visits", { body: changed, headers });
  const reason: Reason | undefined = conflict.error?.reason;
  check(conflict.response.status === 409 && reason === "visit_id_conflict", `conflict: ${reason}`);
  steps.push(`conflict 409 ${reason}`);

  const unknownGoal: VisitIn = {
    ...visit,
    id: newId(),
    goal_progress: [{ goal_id: "00000000-0000-4000-8000-000000000000", level: 2 }],
  };
  const batch = await api.POST("/api/v1/visits/batch", {
    body: { visits: [visit, { ...visit, id: newId(), note: "Second visit today" }, unknownGoal] },
    headers,
  });
  const statuses = batch.data?.results.map((result) => result.status) ?? [];
  check(statuses.join(",") === "200,201,422", `batch ${statuses.join(",")}`);
  steps.push(`batch ${statuses.join(",")}`);

  // The phone refreshes again (the first token's replacement is now used); then a copy of the first turns up.
  const again = await api.POST("/api/v1/auth/refresh", { body: { refresh_token: tokens.refresh_token } });
  check(again.response.status === 200, "second refresh failed");
  const stolen = await api.POST("/api/v1/auth/refresh", { body: { refresh_token: first.refresh_token } });
  check(stolen.response.status === 401 && stolen.error?.reason === "refresh_token_reused", "reuse not detected");
  const afterwards = await api.GET("/api/v1/me/caseload", { headers });
  check(afterwards.response.status === 401, "the session should have ended");
  steps.push(`reuse ${stolen.error?.reason}`);
  return steps;
}

const [baseUrl, username, password] = process.argv.slice(2);
workerDay(baseUrl, username, password).then(
  (steps) => console.log(JSON.stringify(steps)),
  (error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  },
);
