"""OpenAPI 3 documents of the served APIs, shipped beside this module and served by the console.

``retarus.json`` (Retarus SMS REST v1 under ``/rest/v1``), ``horisen.json``
(HORISEN session manager and its token endpoint) and ``diafaan.json`` (the
Diafaan commands under ``/http/``) describe what the console accepts and
answers, so integrators can generate clients. The console serves them
without login at ``/openapi/<name>.json``; ``/openapi/`` lists them.
"""

from __future__ import annotations

from functools import cache
from importlib import resources

from aiohttp import web

DOCUMENTS = ("retarus", "horisen", "diafaan")
PREFIX = "/openapi"


@cache
def document(name: str) -> bytes:
    """The JSON text of one document (``retarus``, ``horisen`` or ``diafaan``)."""
    if name not in DOCUMENTS:
        raise KeyError(name)
    return resources.files(__name__).joinpath(f"{name}.json").read_bytes()


async def _index(request: web.Request) -> web.Response:
    return web.json_response({name: f"{PREFIX}/{name}.json" for name in DOCUMENTS})


async def _document(request: web.Request) -> web.Response:
    name = request.match_info["name"]
    if name not in DOCUMENTS:
        return web.json_response({"code": 404, "message": f"no document {name[:40]!r}: "
                                  f"{', '.join(DOCUMENTS)}"}, status=404)
    return web.Response(body=document(name), content_type="application/json")


def setup(app: web.Application, ctx) -> None:
    app.router.add_get(f"{PREFIX}/", _index)
    app.router.add_get(PREFIX + "/{name}.json", _document)
