"""govrules as an HTTP decision service (`govrules serve`; `pip install 'govrules[server]'`).

    from govrules.server import create_app, rulebook_loader
    app = create_app(rulebook_loader())          # an ASGI app: run it with uvicorn, or test it with httpx

The names below are imported on first use, so that `govrules serve --help` and govrules' command
line work without the extra, and `import govrules` never imports FastAPI.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ._app import Limits, create_app
    from ._rulebook import LoadedRulebook, rulebook_loader

__all__ = ["Limits", "LoadedRulebook", "create_app", "rulebook_loader"]


def __getattr__(name: str) -> Any:
    if name in ("Limits", "create_app"):
        from . import _app

        return getattr(_app, name)
    if name in ("LoadedRulebook", "rulebook_loader"):
        from . import _rulebook

        return getattr(_rulebook, name)
    raise AttributeError(f"module 'govrules.server' has no attribute {name!r}")
