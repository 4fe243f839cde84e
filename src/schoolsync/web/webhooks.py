"""`POST /webhooks/wonde`: where Wonde sends its webhooks (the app's webhook URL in Wonde).

No login: Wonde cannot log in. Instead nothing in a payload is believed until Wonde's API
confirms it (services/webhooks.py). The body may be JSON or a form (Wonde's encoding is not
documented); one over `MAX_BODY` bytes is refused before it is read whole. Answers are JSON:
200 done (or already done), 403 not confirmed, 413 too large, 415/422 unreadable, 503 when
this server has no receiver configured.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl

import orjson
from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from schoolsync.services.webhooks import WebhookReceiver

#: Wonde's payloads are a dozen short fields; anything near this is not one.
MAX_BODY = 16 * 1024

router = APIRouter(include_in_schema=False)


class _TooLarge(Exception):
    pass


async def _body(request: Request) -> bytes:
    declared = request.headers.get("content-length")
    if declared is not None and (not declared.isdigit() or int(declared) > MAX_BODY):
        raise _TooLarge
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_BODY:
            raise _TooLarge
        chunks.append(chunk)
    return b"".join(chunks)


def _payload(raw: bytes, content_type: str) -> dict[str, Any] | None:
    """The payload as a flat mapping, from JSON or a form body; None when it is neither."""
    if "json" in content_type or raw.lstrip()[:1] == b"{":
        try:
            found = orjson.loads(raw)
        except orjson.JSONDecodeError:
            return None
        return found if isinstance(found, dict) else None
    try:
        text = raw.decode()
    except UnicodeDecodeError:
        return None
    try:
        pairs = parse_qsl(text, keep_blank_values=True, max_num_fields=50)
    except ValueError:  # more fields than any webhook has
        return None
    return dict(pairs) or None


def _answer(status: int, message: str) -> JSONResponse:
    return JSONResponse({"status": "ok" if status == 200 else "refused", "message": message},
                        status_code=status)  # fmt: skip


@router.post("/webhooks/wonde")
async def wonde_webhook(request: Request) -> JSONResponse:
    receiver: WebhookReceiver | None = getattr(request.app.state, "webhooks", None)
    if receiver is None:
        return _answer(503, "This server does not receive Wonde's webhooks.")
    try:
        raw = await _body(request)
    except _TooLarge:
        return _answer(413, f"The body is larger than {MAX_BODY} bytes.")
    payload = _payload(raw, request.headers.get("content-type", ""))
    if payload is None:
        return _answer(422, "Send the webhook as a JSON object or a form.")
    from starlette.concurrency import run_in_threadpool

    # Confirming with Wonde is a blocking HTTP call: off the event loop.
    received = await run_in_threadpool(receiver.receive, request.app.state.engine, payload)
    for key in received.sync:
        request.app.state.sync_jobs.start(key, "expedited")
    return _answer(received.status, received.outcome)
