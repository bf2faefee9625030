"""OMI's response envelope, as the sandbox writes it."""

from __future__ import annotations

import json
from typing import Any

from starlette.responses import Response

__all__ = ["Envelope"]


class Envelope:
    """Writes OMI envelopes stamped with one sandbox's instance names.

    Success: ``{"status_code": 9999, "instance_id", "instance_name", "payload",
    "key_enabled": false}``; failure: ``status_code -9999`` and the code in ``message``
    (no ``payload``). ``bare`` is update_balance's success: no payload, and
    ``instance_version`` instead of ``instance_name``.
    """

    def __init__(self, instance_id: str, instance_name: str, instance_version: str) -> None:
        self.instance_id = instance_id
        self.instance_name = instance_name
        self.instance_version = instance_version

    def ok(self, payload: Any) -> Response:
        """A success with ``payload``."""
        return _json(
            200,
            {
                "status_code": 9999,
                "instance_id": self.instance_id,
                "instance_name": self.instance_name,
                "payload": payload,
                "key_enabled": False,
            },
        )

    def bare(self) -> Response:
        """A success with no payload (update_balance's shape)."""
        return _json(
            200,
            {
                "status_code": 9999,
                "instance_id": self.instance_id,
                "instance_version": self.instance_version,
                "key_enabled": False,
            },
        )

    def error_body(self, code: str) -> dict[str, Any]:
        """The failure envelope for ``code``."""
        return {
            "status_code": -9999,
            "instance_id": self.instance_id,
            "instance_name": self.instance_name,
            "message": code,
            "key_enabled": False,
        }

    def error(self, code: str, status: int = 200) -> Response:
        """A failure: HTTP ``status`` (200 for business errors) with ``code``."""
        return _json(status, self.error_body(code))


def _json(status: int, body: dict[str, Any]) -> Response:
    # ensure_ascii=False: Vietnamese names travel as UTF-8, as OMI sends them.
    content = json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()
    return Response(content, status_code=status, media_type="application/json")
