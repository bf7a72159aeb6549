"""The local web app and HTTP API (``storylens serve``) over a storylens database.

``create_app(db_path, allow_ingest=False)`` returns the FastAPI application. fastapi loads only when
it is called (install the ``storylens[web]`` extra).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from fastapi import FastAPI

__all__ = ["create_app"]


def create_app(db_path: str | Path, **options: Any) -> FastAPI:
    """The storylens web app over the database at ``db_path``; options as in :func:`storylens.web.app.create_app`
    (``allow_ingest``, ``max_body_bytes``, ``annotate_ingest``, ``allowed_hosts``)."""
    from storylens.web.app import create_app as _create_app

    return _create_app(db_path, **options)
