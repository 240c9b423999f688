"""``winwin serve``: the web application and the REST API."""

from __future__ import annotations

import logging
import os

import typer

from winwin.cli.context import state

# Seconds an idle connection is kept open (uvicorn's default is 5). A client that reuses
# a connection just as the server closes it gets "connection reset" for a request the
# server never read: the load test saw it whenever its clients or the server were slowed
# past 5 s between two requests of one person, and a reverse proxy that keeps upstream
# connections open (nginx: 60 s and more) meets the same race unless the server waits
# longer than the proxy.
KEEP_ALIVE = 75


def register(app: typer.Typer) -> None:
    """Add this module's commands to the `winwin` app."""

    @app.command()
    def serve(
        ctx: typer.Context,
        host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on."),
        port: int = typer.Option(8000, "--port", help="Port to listen on."),
        workers: int = typer.Option(
            1, "--workers", min=1, help="Worker processes (each builds its own app)."
        ),
    ) -> None:
        """Serve the web application and the REST API (default http://127.0.0.1:8000)."""
        import uvicorn
        from pydantic import ValidationError

        from winwin.http.app import ConfigurationError, create_app
        from winwin.network.demo import DEMO_PASSWORD, demo_accounts_present
        from winwin.settings import Settings

        cli = state(ctx)
        # Refuse a bad configuration (production without a secret) before touching the data.
        try:
            settings = Settings(database_url=cli.database_url)
        except ValidationError as exc:
            raise ConfigurationError(
                "; ".join(
                    f"WINWIN_{'_'.join(map(str, e['loc'])).upper()}: {e['msg']}"
                    for e in exc.errors()
                )
            ) from None
        if settings.base_url is None and settings.environment != "production":
            # Links point where this server listens unless WINWIN_BASE_URL says otherwise.
            settings.base_url = f"http://{host}:{port}"
        application = create_app(settings)
        cli.ready_engine()
        with cli.session() as session:
            present = demo_accounts_present(session)
        logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
        typer.echo(f"Winwin at http://{host}:{port}/  (REST API: /api/v1, /openapi.json)")
        if present:
            typer.echo(f"Demo accounts (password: {DEMO_PASSWORD}):")
            for account in present:
                typer.echo(f"  {account.role:<15} {account.email}")
        if workers == 1:
            uvicorn.run(
                application,
                host=host,
                port=port,
                log_level="info",
                proxy_headers=False,
                timeout_keep_alive=KEEP_ALIVE,
            )
            return
        # Each worker process builds the app from the environment: the same database,
        # public address and secret (a per-process secret would make every worker refuse
        # the CSRF tokens of the others). Nothing else lives in a process: sessions,
        # sign-in limits and every cache are in the database.
        os.environ["WINWIN_DATABASE_URL"] = cli.database_url
        os.environ["WINWIN_BASE_URL"] = application.state.base_url
        os.environ["WINWIN_SECRET_KEY"] = application.state.secret_key
        uvicorn.run(
            "winwin.http.app:create_app",
            factory=True,
            workers=workers,
            host=host,
            port=port,
            log_level="info",
            proxy_headers=False,
            # A worker builds the whole app before it answers its supervisor's health
            # check; on a busy host that takes longer than uvicorn's 5 s default, and a
            # worker killed for it refuses connections while it restarts.
            timeout_worker_healthcheck=60,
            timeout_keep_alive=KEEP_ALIVE,
        )
