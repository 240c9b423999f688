"""Serve an app with uvicorn in a background thread, for browser tests."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any


@contextmanager
def serving(app: Any) -> Iterator[str]:
    """Serve ``app`` on a free loopback port; yield its base URL; stop and dispose after."""
    import uvicorn

    # The server listens on the socket bound here, so no other process can take the port
    # between choosing it and serving on it.
    listening = socket.socket()
    listening.bind(("127.0.0.1", 0))
    port = int(listening.getsockname()[1])
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off")
    )
    thread = threading.Thread(target=server.run, kwargs={"sockets": [listening]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert server.started, "the server did not start"
    base = f"http://127.0.0.1:{port}"
    # The app's public address (WINWIN_BASE_URL) is where this server listens, so the
    # links it shows and mails lead back to it.
    app.state.base_url = base
    try:
        yield base
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        listening.close()
        app.state.engine.dispose()
