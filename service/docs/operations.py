"""Every API operation's stable `operationId`, and the refusals its service raises beyond those its shape implies.

Generated clients name their functions and types after these ids, so an id never
changes once published. Statuses every operation of a shape can answer (401 and
403 for signed-in roles, 404 for path ids, 412 for If-Match, 400/413/422 for
bodies, 429 everywhere) are added by `service.docs.contract`; list here only what
the service itself may refuse with.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Operation:
    """An operation's id, extra error statuses, and whether it can answer CSV."""

    operation_id: str
    errors: tuple[int, ...] = ()
    csv: bool = False


V1 = "/api/v1"

OPERATIONS: dict[tuple[str, str], Operation] = {
    ("get", f"{V1}/health"): Operation("getHealth", (503,)),
    ("post", f"{V1}/auth/token"): Operation("signIn", (401,)),
    ("post", f"{V1}/auth/refresh"): Operation("refreshSession", (401,)),
    ("post", f"{V1}/auth/revoke"): Operation("signOut"),
    ("get", f"{V1}/providers"): Operation("listProviders"),
    ("post", f"{V1}/providers"): Operation("createProvider", (409,)),
    ("get", f"{V1}/users"): Operation("listUsers"),
    ("post", f"{V1}/users"): Operation("createUser", (409,)),
    ("get", f"{V1}/users/{{user_id}}"): Operation("getUser"),
    ("patch", f"{V1}/users/{{user_id}}"): Operation("updateUser", (409,)),
    ("get", f"{V1}/users/{{user_id}}/sessions"): Operation("listUserSessions"),
    ("delete", f"{V1}/users/{{user_id}}/sessions/{{session_id}}"): Operation("endUserSession"),
    ("get", f"{V1}/episodes"): Operation("listEpisodes"),
    ("post", f"{V1}/episodes"): Operation("openEpisode", (404,)),
    ("get", f"{V1}/episodes/{{episode_id}}"): Operation("getEpisode"),
    ("post", f"{V1}/episodes/{{episode_id}}/assignments"): Operation("assignWorker", (409,)),
    ("delete", f"{V1}/episodes/{{episode_id}}/assignments/{{worker_id}}"): Operation("unassignWorker", (409,)),
    ("post", f"{V1}/episodes/{{episode_id}}/goals"): Operation("setGoal", (409,)),
    ("patch", f"{V1}/episodes/{{episode_id}}/goals/{{goal_id}}"): Operation("reviseGoal", (409,)),
    ("post", f"{V1}/episodes/{{episode_id}}/goals/{{goal_id}}/withdrawal"): Operation("withdrawGoal", (409,)),
    ("post", f"{V1}/episodes/{{episode_id}}/closure"): Operation("closeEpisode", (409,)),
    ("post", f"{V1}/episodes/{{episode_id}}/follow-up"): Operation("recordFollowUp", (409,)),
    ("post", f"{V1}/episodes/{{episode_id}}/flags/{{flag}}/acknowledgement"): Operation("acknowledgeFlag", (409,)),
    ("get", f"{V1}/episodes/{{episode_id}}/events"): Operation("listEpisodeEvents"),
    ("post", f"{V1}/visits"): Operation("recordVisit", (404, 409)),
    ("post", f"{V1}/visits/batch"): Operation("syncVisits"),
    ("get", f"{V1}/me/caseload"): Operation("getCaseload"),
    ("post", f"{V1}/events/{{event_id}}/corrections"): Operation("correctEvent", (409,)),
    ("get", f"{V1}/reports/flags"): Operation("listOpenFlags", (404,)),
    ("get", f"{V1}/reports/effectiveness"): Operation("getEffectivenessReport", (404,), csv=True),
    ("get", f"{V1}/reports/providers"): Operation("compareProviders"),
    ("get", f"{V1}/exports/episodes.csv"): Operation("exportEpisodesCsv", (404,), csv=True),
    ("get", f"{V1}/exports/cld.csv"): Operation("exportCldCsv", (404,), csv=True),
    ("get", f"{V1}/exports/cld-check"): Operation("checkCldExport", (404,)),
    ("get", f"{V1}/contracts"): Operation("listContracts"),
    ("post", f"{V1}/contracts"): Operation("createContract"),
    ("get", f"{V1}/contracts/{{contract_id}}"): Operation("getContract"),
    ("get", f"{V1}/contracts/{{contract_id}}/report"): Operation("getContractReport"),
}
