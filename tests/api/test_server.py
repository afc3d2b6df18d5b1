"""The embedded HTTP server: binding, a port already taken, TLS, request size."""

from __future__ import annotations

import socket
import ssl
import subprocess

import httpx
import pytest

from app.api.server import MAX_BODY, ApiServer, ApiStartError
from app.config import Config
from app.serve import serve


def config(**api) -> Config:
    cfg = Config()
    cfg.api.update({"listen": "127.0.0.1:0", **api})
    return cfg


async def test_binds_an_ephemeral_port_and_stops(make_engine):
    server = ApiServer(make_engine(), config())
    await server.start()
    assert server.port and server.url == f"http://127.0.0.1:{server.port}"
    await server.stop()
    with socket.socket() as s:
        s.bind(("127.0.0.1", server.port))  # released


async def test_port_already_taken_is_one_clear_line(make_engine):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        server = ApiServer(make_engine(), config(listen=f"127.0.0.1:{port}"))
        with pytest.raises(ApiStartError) as err:
            await server.start()
    assert str(err.value) == f"cannot listen on 127.0.0.1:{port}: address already in use"


async def test_headless_serve_ends_with_the_line_when_the_port_is_taken(make_engine):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        engine = make_engine()
        with pytest.raises(SystemExit, match="address already in use"):
            await serve(engine, config(listen=f"127.0.0.1:{port}"))
    assert not engine.started


async def test_missing_certificate_is_reported(make_engine, tmp_path):
    server = ApiServer(make_engine(), config(tls_cert=str(tmp_path / "no.pem"), tls_key=str(tmp_path / "no.key")))
    with pytest.raises(ApiStartError, match="no.pem: no such file"):
        await server.start()


async def test_serves_https_with_the_configured_certificate(start_api, make_user, tmp_path):
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj",
                    "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", str(key), "-out", str(cert)],
                   check=True, capture_output=True)
    server = await start_api(api={"tls_cert": str(cert), "tls_key": str(key)})
    make_user(server.ctx.engine, "alice", "secret")
    assert server.url.startswith("https://")
    verify = ssl.create_default_context(cafile=str(cert))
    async with httpx.AsyncClient(verify=verify, auth=("alice", "secret")) as client:
        r = await client.get(server.url + "/rest/v1/version")
    assert r.status_code == 200


async def test_body_larger_than_the_limit_is_refused(start_api, make_user):
    server = await start_api()
    make_user(server.ctx.engine, "alice", "secret")
    assert server.app._client_max_size == MAX_BODY
    async with httpx.AsyncClient(auth=("alice", "secret")) as client:
        r = await client.post(server.url + "/rest/v1/jobs", content=b"x" * (MAX_BODY + 1),
                              headers={"Content-Type": "application/json"})
    assert r.status_code == 413
    assert server.ctx.engine.queue_length() == 0
