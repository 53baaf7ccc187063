"""The web page: static files of our own (``web/``) and the browser libraries that the
build installs from the npm registry (Leaflet, topojson-client, world-atlas), served by
the API's process so that the page works with no internet at all.

The npm packages live in ``web/node_modules`` of a checkout (``make`` runs ``npm ci``
there); ``FOGOFWAR_WEB_VENDOR`` names another ``node_modules`` folder.
"""

from __future__ import annotations

import os
from importlib import resources
from pathlib import Path
from typing import Any

__all__ = ["mount", "vendor_dir", "VENDOR"]

# URL prefix -> the folder inside node_modules that it serves
VENDOR = {"leaflet": "leaflet/dist", "topojson-client": "topojson-client/dist", "world-atlas": "world-atlas"}


def vendor_dir() -> Path | None:
    """The node_modules folder holding the page's libraries, or None when not installed."""
    named = os.environ.get("FOGOFWAR_WEB_VENDOR")
    candidates = [Path(named)] if named else [Path(__file__).resolve().parents[2] / "web" / "node_modules"]
    for folder in candidates:
        if all((folder / sub).is_dir() for sub in VENDOR.values()):
            return folder
    return None


def mount(app: Any) -> None:
    """Serve the page at ``/``, its own files at ``/static`` and the libraries at ``/vendor``."""
    from fastapi.responses import FileResponse, JSONResponse
    from fastapi.staticfiles import StaticFiles

    from .errors import MESSAGES

    own = Path(str(resources.files("fogofwar").joinpath("web")))
    app.mount("/static", StaticFiles(directory=own), name="static")
    libraries = vendor_dir()
    if libraries is not None:
        for prefix, sub in VENDOR.items():
            app.mount(f"/vendor/{prefix}", StaticFiles(directory=libraries / sub), name=f"vendor-{prefix}")

    @app.get("/", include_in_schema=False)
    def page() -> Any:
        if libraries is None:
            name, text, hint = MESSAGES["E409"]
            return JSONResponse(status_code=503, content={"error": {"code": "E409", "name": name,
                                                                    "message": text, "hint": hint}})
        return FileResponse(own / "index.html", media_type="text/html")
