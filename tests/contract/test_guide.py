"""api_docs/README.md stands alone and covers what a phone team asked for (its examples run in tests/e2e)."""

from __future__ import annotations

import re

from service.domain.errors import DomainError
from service.errors import HTTP_REASONS, http_status, known_reasons
from tests.contract.tools import PROJECT_ROOT, document

GUIDE = (PROJECT_ROOT / "api_docs" / "README.md").read_text(encoding="utf-8")


def test_the_guide_stands_alone() -> None:
    assert "API.md" not in GUIDE and "../shared" not in GUIDE and "shared/design" not in GUIDE


def _reason_rows() -> dict[str, str]:
    table = GUIDE.split("### Reasons", 1)[1].split("\n## ", 1)[0]
    return dict(re.findall(r"^\| `([a-z_]+)` \| (\w+) \|", table, flags=re.MULTILINE))


def test_the_guide_lists_every_reason_of_the_error_schema_and_no_other() -> None:
    assert set(_reason_rows()) == set(document()["components"]["schemas"]["Reason"]["enum"]) == set(known_reasons())


def _domain_errors(kind: type[DomainError]) -> list[type[DomainError]]:
    return [kind, *(sub for direct in kind.__subclasses__() for sub in _domain_errors(direct))]


def test_the_guide_gives_each_reason_the_status_the_service_answers_with() -> None:
    answered = {reason: str(status) for status, reason in HTTP_REASONS.items()}
    for kind in _domain_errors(DomainError):
        status = str(http_status(kind("example")))
        assert answered.setdefault(kind.reason, status) == status, kind
    answered["error"] = "other"
    assert _reason_rows() == answered


def test_the_guide_covers_what_phone_teams_asked_for() -> None:
    for topic in ("expires_at", "/auth/refresh", "refresh_token_reused", "`Date` header", "X-Request-ID",
                  "Retry-After", "remembered forever", "sent concurrently", "has no `ETag`",
                  "## Compatibility", "additive only", "## Rate limits"):
        assert topic in GUIDE, topic
