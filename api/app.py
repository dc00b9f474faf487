"""The FastAPI application: routes under `/api/v1`, `/healthz`, `/metrics`, OpenAPI at `/docs`.

`create_app(wiring)` serves a desk someone else opened and will close (tests, the
`serve` command); `create_app(settings)` opens one on startup and closes it on shutdown.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response

from adapters.settings import Settings
from api import docs, errors, pages
from api.activation import ActivationTokens
from api.auth import AccountStates, Tokens, signing_key
from api.bootstrap import Wiring, wire
from api.deps import WiringDep
from api.health import StoreProbe
from api.logging import configure as configure_logging
from api.metrics import Metrics, scraper_allowed
from api.middleware import MAX_BODY, RequestGuard
from api.routes import API_PREFIX, routers
from api.sign_in import SignIn


def create_app(source: Wiring | Settings | None = None) -> FastAPI:
    settings = source.settings if isinstance(source, Wiring) else (source or Settings())
    # Refuse to start without a usable signing key (PostgreSQL needs a configured one).
    tokens = Tokens(signing_key(settings), settings.token_minutes)
    metrics = Metrics()
    configure_logging()

    def attach(app: FastAPI, wiring: Wiring) -> None:
        app.state.wiring = wiring
        metrics.watch(wiring)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if isinstance(source, Wiring):
            try:
                yield
            finally:
                app.state.store_probe.close()
            return
        wiring = wire(settings, follow=settings.projections_in_process)
        attach(app, wiring)
        try:
            yield
        finally:
            app.state.store_probe.close()
            wiring.close()

    app = FastAPI(
        title="Consumer complaint desk",
        version="1",
        description="Complaint handling and mediation (12315 model). Sign in at "
                    f"`{API_PREFIX}/auth/token`; errors are `application/problem+json`.",
        lifespan=lifespan,
        docs_url=None,  # served by api/docs.py from a package, never a CDN
        redoc_url=None,
    )
    app.state.tokens = tokens
    app.state.activation = ActivationTokens(signing_key(settings))
    app.state.metrics = metrics
    app.state.metrics_token = settings.metrics_token
    app.state.account_states = AccountStates()
    app.state.sign_in = SignIn(per_account=settings.sign_in_per_account,
                               per_address=settings.sign_in_per_address,
                               storage=settings.sign_in_limits_storage)
    app.state.store_probe = StoreProbe()
    if isinstance(source, Wiring):
        attach(app, source)
    errors.install(app)
    docs.install(app)
    for router in routers():
        app.include_router(router)
    pages.install(app, settings)  # the desk's web pages at /, their stylesheet at /static
    app.add_api_route("/healthz", healthz, methods=["GET"], tags=["operations"],
                      responses=errors.documented(503))
    app.add_api_route("/metrics", metrics_text, methods=["GET"], tags=["operations"],
                      response_class=Response,
                      responses={200: {"content": {metrics.content_type: {
                          "schema": {"type": "string"}}}}, **errors.documented(403, 503)})
    app.add_middleware(RequestGuard, metrics=metrics, max_body=MAX_BODY)
    _problem_documents(app)
    return app


async def healthz(request: Request, wiring: WiringDep) -> Response:
    """Within a second: `ok`; `degraded` naming each view stopped by an event it cannot
    apply and where; or 503 `down` saying the database does not answer."""
    state = await request.app.state.store_probe.look(wiring)
    status, body = state.health()
    if status == 503:
        return errors.problem(503, body["detail"], slug="unavailable",
                              headers={"Retry-After": "5"}, health="down",
                              database=body["database"])
    return JSONResponse(body, status_code=status)


async def metrics_text(request: Request, wiring: WiringDep) -> Response:
    metrics: Metrics = request.app.state.metrics
    if not scraper_allowed(request):
        return errors.problem(403, "metrics are served to the configured scraper only: "
                                   "COMPLAINTS_METRICS_TOKEN, or a loopback address",
                              slug="not-permitted")
    state = await request.app.state.store_probe.look(wiring)
    return Response(metrics.render(state), media_type=metrics.content_type)


def _problem_documents(app: FastAPI) -> None:
    generate = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = errors.problem_media_type_in(generate())
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
