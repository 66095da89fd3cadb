"""Stored analyses (read back by id, owner key only), Idempotency-Key replays and editor
feedback: the logic behind api/routes/analyses.py and /v1/analyze, kept out of the routes.

Everything here is synchronous storage work; routes run it in a thread.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from dataclasses import asdict

from api.auth import Caller
from api.config import Settings
from api.errors import (
    IdempotencyInProgress,
    IdempotencyKeyReused,
    NotFound,
    RequestValidationFailed,
)
from api.storage import FeedbackRecord, IdempotencyEntry, Store, StoredAnalysis
from api.storage.base import PENDING, now
from schemas.analysis import Analysis
from schemas.feedback import Feedback, FeedbackRequest
from schemas.request import AnalyzeRequest

_DAY_S = 86_400
MAX_IDEMPOTENCY_KEY = 255


def request_hash(body: AnalyzeRequest) -> str:
    return hashlib.sha256(body.model_dump_json().encode()).hexdigest()


def idempotency_key(header: str | None, body: AnalyzeRequest) -> str | None:
    """The request's Idempotency-Key; ignored with `store: false` (nothing may be kept)."""
    if header is None or not body.store:
        return None
    if not 1 <= len(header) <= MAX_IDEMPOTENCY_KEY:
        raise RequestValidationFailed(
            f"Idempotency-Key must be 1-{MAX_IDEMPOTENCY_KEY} characters.",
            [{"loc": ["header", "Idempotency-Key"], "msg": "bad length", "type": "value_error"}],
        )
    return header


def keep(
    store: Store,
    settings: Settings,
    caller: Caller,
    body: AnalyzeRequest,
    analysis: Analysis,
    idempotency_key: str | None = None,
    analysis_json: str | None = None,
) -> None:
    """Store an analysis under its id for its caller (and remember its Idempotency-Key).
    `analysis_json`: the analysis as the response sends it, when the caller has it already
    (serialising an analysis twice cost ~0.1 ms per request, issue 18)."""
    store.put_analysis(stored_copy(settings, caller, body, analysis, analysis_json))
    if idempotency_key:
        entry = IdempotencyEntry(analysis.id, request_hash(body))
        store.put_idempotent(caller.name, idempotency_key, entry, settings.idempotency_ttl_s)


def keep_nowait(
    store: Store,
    settings: Settings,
    caller: Caller,
    body: AnalyzeRequest,
    analysis: Analysis,
    analysis_json: str | None = None,
) -> bool:
    """`keep` (without an Idempotency-Key) on the calling thread if the store can write
    without waiting; False, nothing kept, if not: then `keep` in a thread."""
    return store.put_analysis_nowait(stored_copy(settings, caller, body, analysis, analysis_json))


def stored_copy(
    settings: Settings,
    caller: Caller,
    body: AnalyzeRequest,
    analysis: Analysis,
    analysis_json: str | None = None,
) -> StoredAnalysis:
    created = now()
    days = settings.retention_days
    return StoredAnalysis(
        id=analysis.id,
        owner=caller.name,
        schema_version=analysis.meta.schema_version,
        analysis_json=analysis_json or analysis.model_dump_json(),
        request_json=body.model_dump_json(include={"text", "title", "claims", "actors", "tasks"}),
        created_at=created,
        expires_at=created + days * _DAY_S if days > 0 else None,
    )


def claim(
    store: Store, settings: Settings, caller: Caller, idempotency_key: str, body: AnalyzeRequest
) -> str | None:
    """The stored answer to an earlier request with this Idempotency-Key; None when this
    request now holds the key and must answer (then `keep` or `release`)."""
    pending = IdempotencyEntry(PENDING, request_hash(body))
    # A pending claim outlives the longest a request may run, then frees itself (a crash).
    claim_s = int(settings.request_deadline_s) + 30
    entry = store.claim_idempotent(caller.name, idempotency_key, pending, claim_s)
    if entry is None:
        return None
    if entry.request_hash != pending.request_hash:
        raise IdempotencyKeyReused(
            "This Idempotency-Key was sent with another request body; use a new key for a new "
            "request."
        )
    if entry.analysis_id == PENDING:
        raise IdempotencyInProgress(
            "The first request with this Idempotency-Key is still being answered; retry "
            "shortly to get its result.",
            retry_after=1,
        )
    record = store.get_analysis(entry.analysis_id)
    if record is None:  # deleted or past retention since: answer again under this key
        store.put_idempotent(caller.name, idempotency_key, pending, claim_s)
        return None
    return record.analysis_json


def release(store: Store, caller: Caller, idempotency_key: str) -> None:
    """The request holding the key failed: a retry may try again."""
    store.release_idempotent(caller.name, idempotency_key)


def fetch(store: Store, caller: Caller, analysis_id: str) -> StoredAnalysis:
    """The caller's stored analysis; another key's (or none) is the same 404."""
    record = store.get_analysis(analysis_id)
    if record is None or record.owner != caller.name:
        raise NotFound(f"No stored analysis {analysis_id!r} for this key (expired or deleted?).")
    return record


def remove(store: Store, caller: Caller, analysis_id: str) -> None:
    fetch(store, caller, analysis_id)
    store.delete_analysis(analysis_id)


def add_feedback(
    store: Store, caller: Caller, analysis_id: str, request: FeedbackRequest
) -> Feedback:
    record = fetch(store, caller, analysis_id)
    _check_finding(json.loads(record.analysis_json), request)
    feedback = FeedbackRecord(
        id=secrets.token_hex(8),
        analysis_id=analysis_id,
        owner=caller.name,
        finding=request.finding,
        problem=request.problem,
        expected=request.expected,
        note=request.note,
    )
    store.add_feedback(feedback)
    return as_feedback(feedback)


def list_feedback(store: Store, caller: Caller, analysis_id: str) -> list[Feedback]:
    fetch(store, caller, analysis_id)
    return [as_feedback(r) for r in store.list_feedback(analysis_id)]


def as_feedback(record: FeedbackRecord) -> Feedback:
    fields = asdict(record)
    fields.pop("owner")
    return Feedback.model_validate(fields)


def _check_finding(analysis: dict[str, object], request: FeedbackRequest) -> None:
    """The finding must exist in the analysis (only `missing` may name a kind alone)."""
    kind, _, ref = request.finding.partition("/")
    items = analysis.get(kind)
    found = isinstance(items, list) and (
        (ref.isdigit() and int(ref) < len(items) and kind == "stances")
        or any(isinstance(i, dict) and i.get("id") == ref for i in items)
    )
    if (not ref and request.problem == "missing") or found:
        return
    raise RequestValidationFailed(
        f"The analysis has no finding {request.finding!r}.",
        [{"loc": ["body", "finding"], "msg": "no such finding", "type": "unknown_finding"}],
    )
