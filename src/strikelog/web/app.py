"""The web face: an ASGI app (FastAPI) over the ledger, with a versioned JSON API under /api/v1 and
the map/timeline/table page. Read-only unless started with a token; every write must carry it.

    from strikelog.web import create_app
    app = create_app("strikelog.db", token=None, tiles=None)
"""
from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import AsyncIterator, Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Annotated, Any, Literal, Optional, TypeVar, Union
from urllib.parse import urlsplit

from fastapi import APIRouter, Body, Depends, FastAPI, Request, Security
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, JSONResponse, Response, StreamingResponse
from fastapi.security import HTTPBearer
from fastapi.staticfiles import StaticFiles
from pydantic import BaseModel, Field, model_validator
from starlette.exceptions import HTTPException as StarletteHTTPException

from .. import __version__, api, export
from ..config import Settings
from ..errors import ArticleNotFound, EventNotFound, LedgerError, MissingExtra
from . import models
from .errors import WebError, error_response as _error
from .exports import EXPORTS, export_chunks, file_name
from .guard import API_PREFIX, RequestGuard
from .params import (
    MAX_PAGE_SIZE, BadParameter, Filters, Page, PageSize, Sort, parse_sort, reject_unknown_parameters,
)

STATIC = Path(__file__).parent / "static"
MAX_POSTED_ARTICLES = 200
CHAIN_LIMIT = 100
READ_THREADS = 4
T = TypeVar("T")


class PostedArticle(BaseModel):
    """One article, as a line of the .jsonl input format."""

    id: str = Field(min_length=1, max_length=300)
    text: Optional[str] = None
    html: Optional[str] = None
    title: Optional[str] = None
    published: Optional[str] = None
    url: Optional[str] = None
    outlet: Optional[str] = None

    @model_validator(mode="after")
    def has_body(self) -> "PostedArticle":
        if not (self.text or self.html or "").strip():
            raise ValueError("an article needs a non-empty 'text' or 'html'")
        return self


class LedgerReader:
    """Reads the ledger in a few dedicated threads, each keeping its own SQLite connection: a connection
    must stay in the thread that opened it, and a small fixed set stays warm (unlike one connection per
    thread of the server's general pool)."""

    def __init__(self, db: Path, threads: int = READ_THREADS):
        self.db = db
        self.pool = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="strikelog-read")
        self.local = threading.local()

    async def run(self, read: Callable[[api.Store], T]) -> T:
        """`read(store)` in a reader thread, in one read transaction, awaited without blocking the server."""
        return await asyncio.get_running_loop().run_in_executor(self.pool, self._call, read)

    def _call(self, read: Callable[[api.Store], T]) -> T:
        ledger = getattr(self.local, "ledger", None)
        if ledger is None:
            ledger = self.local.ledger = api.Ledger(self.db)
        with ledger.store.snapshot():
            return read(ledger.store)

    def close(self) -> None:
        self.pool.shutdown(wait=False, cancel_futures=True)


def create_app(db: Union[str, Path], token: Optional[str] = None, tiles: Optional[str] = None,
               settings: Optional[Settings] = None) -> FastAPI:
    """The app over the ledger at `db`. `token` enables POST ingest (and is then required on it);
    `tiles` is an optional XYZ tile URL template (off by default: the page works offline)."""
    db = db if api.is_database_url(db) else Path(db)
    # a read-only server needs an existing ledger: fail now, not per request; a writable one starts an
    # empty ledger if there is none
    api.Ledger(db, create=token is not None).close()
    reader = LedgerReader(db)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        yield
        reader.close()

    app = FastAPI(
        title="strikelog", version=__version__, openapi_url=f"{API_PREFIX}/openapi.json", docs_url=None,
        redoc_url=None, description="A sourced, deduplicated, geolocated ledger of armed attacks and strikes.",
        lifespan=lifespan,
    )
    app.state.reader = reader
    app.state.ingest_lock = threading.Lock()
    settings = settings or Settings()
    app.add_middleware(RequestGuard, token=token, max_body_bytes=settings.max_body_bytes,
                       allowed_hosts=settings.allowed_hosts)
    _add_error_handlers(app)
    app.include_router(_api_router(db, token, tiles, settings))
    _document_errors(app)
    _add_page(app, tiles)
    return app


# ---- the JSON API --------------------------------------------------------------------------------------
async def _reader(request: Request) -> LedgerReader:
    return request.app.state.reader


Reader = Annotated[LedgerReader, Depends(_reader)]


def _errors(*statuses: int) -> dict:
    """OpenAPI entries for these error answers (always an ErrorBody)."""
    return {status: {"model": models.ErrorBody, "description": ERRORS[status]} for status in statuses}


ERRORS = {
    400: "A bad query parameter: wrong format, out of range, unknown name or value", 401: "No bearer token",
    403: "The wrong token, or writes are disabled", 404: "No such event, article or export format",
    413: "The body is larger than STRIKELOG_MAX_BODY_BYTES", 422: "The body is not an article or a list of them",
    503: "The ledger cannot be read right now",
}
BEARER = HTTPBearer(auto_error=False, scheme_name="token", description="The token the server was started with "
                    "(--token or STRIKELOG_TOKEN); only writes need it")


def _api_router(db: Path, token: Optional[str], tiles: Optional[str], settings: Settings) -> APIRouter:
    router = APIRouter(prefix=API_PREFIX, dependencies=[Depends(reject_unknown_parameters)],
                       responses=_errors(400, 503))

    @router.get("/meta", summary="Server settings the page needs", response_model=models.Meta)
    async def meta() -> dict:
        return {"version": __version__, "tiles": tiles, "writable": token is not None, "max_page_size": MAX_PAGE_SIZE}

    @router.get("/events", summary="Events matching the filters, one page at a time", response_model=models.EventPage)
    async def list_events(reader: Reader, request: Request, filters: Filters, page: Page = 1, page_size: PageSize = 100,
                          sort: Sort = "date", detail: Literal["summary", "full"] = "summary") -> Response:
        sort = parse_sort(sort)
        texts, total = await reader.run(
            lambda store: store.search_events_json(filters, sort, page, page_size, detail == "full"))
        return _json_with_list({"total": total, "page": page, "page_size": page_size, "sort": sort,
                                **_page_links(request, page, page_size, total)}, "events", texts)

    @router.get("/events.{fmt}", summary="Every matching event as CSV, ACLED's 31 columns (.acled, a CSV), GeoJSON, "
                "JSONL or Parquet, streamed",
                response_class=StreamingResponse, responses={**_errors(404), 200: {
                    "description": "The events, streamed in the format asked for",
                    "content": {media.partition(";")[0]: {"schema": {"type": "string"}} for media in EXPORTS.values()}}})
    async def export_events(fmt: Literal["csv", "acled", "geojson", "jsonl", "parquet"], filters: Filters,
                            sort: Sort = "date") -> StreamingResponse:
        sort = parse_sort(sort)
        try:
            export.check_format(fmt)  # before the answer starts: a missing pyarrow is a 501, not a broken stream
        except MissingExtra as err:
            raise WebError(501, str(err)) from None
        chunks = _in_one_thread(lambda: export_chunks(db, filters, sort, fmt))
        return StreamingResponse(chunks, media_type=EXPORTS[fmt], headers={
            "Content-Disposition": f'attachment; filename="{file_name(fmt)}"'})

    @router.get("/events/{event_id}", summary="One event with its claims, evidence, articles and linked events",
                response_model=models.EventDetail, responses=_errors(404))
    async def one_event(reader: Reader, event_id: str) -> JSONResponse:
        return _json(await reader.run(lambda store: event_detail(store, event_id)))

    @router.get("/timeline", summary="Dated events per day and event type among the matching events, and how many "
                "have no date", response_model=models.Timeline)
    async def timeline(reader: Reader, filters: Filters) -> JSONResponse:
        days, undated = await reader.run(lambda store: (store.timeline(filters), store.count_undated(filters)))
        return _json({"days": days, "undated": undated})

    @router.get("/facets", summary="Countries, event types and sub-event types among the matching events",
                response_model=models.Facets)
    async def facets(reader: Reader, filters: Filters) -> JSONResponse:
        return _json(await reader.run(lambda store: store.facets(filters)))

    @router.get("/articles", summary="Stored articles, one page at a time", response_model=models.ArticlePage)
    async def list_articles(reader: Reader, page: Page = 1, page_size: PageSize = 100) -> JSONResponse:
        rows, total = await reader.run(lambda store: store.search_articles(page, page_size))
        return _json({"total": total, "page": page, "page_size": page_size, "articles": rows})

    @router.get("/articles/{article_id}", summary="One article's text and the events that cite it",
                response_model=models.ArticleDetail, responses=_errors(404))
    async def one_article(reader: Reader, article_id: str) -> JSONResponse:
        return _json(await reader.run(lambda store: article_detail(store, article_id)))

    @router.get("/feeds", summary="Followed feeds and their health: polls, failures, errors, last poll, last new item",
                response_model=models.Feeds)
    async def list_feeds(reader: Reader) -> JSONResponse:
        return _json({"feeds": await reader.run(feed_health)})

    @router.post("/articles", summary="Ingest articles (needs the server's token, checked by RequestGuard "
                 "before the body is read)", response_model=models.IngestReport,
                 dependencies=[Security(BEARER)], responses=_errors(401, 403, 413, 422))
    def post_articles(request: Request, articles: Annotated[Union[list[PostedArticle], PostedArticle], Body()]) -> JSONResponse:
        batch = articles if isinstance(articles, list) else [articles]
        if not 1 <= len(batch) <= MAX_POSTED_ARTICLES:
            raise WebError(422, f"post between 1 and {MAX_POSTED_ARTICLES} articles at a time")
        with request.app.state.ingest_lock:
            report = api.ingest_articles([a.model_dump(exclude_none=True) for a in batch], db, settings)
        body = {"added": report.added, "updated": report.updated, "unchanged": report.unchanged,
                "events": report.events, "problems": [{"where": p.path, "reason": p.reason} for p in report.problems]}
        if not (report.added or report.updated or report.unchanged):
            return _json({"status": 422, "error": "no article could be read", **body}, status=422)
        return _json(body)

    return router


def _page_links(request: Request, page: int, page_size: int, total: int) -> dict:
    """URLs of the next and previous pages (null past either end; a page beyond the last links back to it)."""
    last = max(1, -(-total // page_size))
    return {"next": str(request.url.include_query_params(page=page + 1)) if page < last else None,
            "prev": str(request.url.include_query_params(page=min(page - 1, last))) if page > 1 else None}


def _document_errors(app: FastAPI) -> None:
    """The OpenAPI document as the API answers: a bad query parameter is a 400 (ErrorBody), never the 422 with
    pydantic's error list that FastAPI documents by default."""
    build = app.openapi

    def openapi() -> dict:
        if app.openapi_schema is None:
            schema = build()
            for operations in schema["paths"].values():
                for method, operation in operations.items():
                    if method == "get":
                        operation["responses"].pop("422", None)
            if "HTTPValidationError" not in json.dumps(schema["paths"]):
                for name in ("HTTPValidationError", "ValidationError"):
                    schema.get("components", {}).get("schemas", {}).pop(name, None)
        return app.openapi_schema

    app.openapi = openapi


def event_detail(store: api.Store, event_id: str) -> dict:
    """One event with summaries of the events it responds to, that respond to it, its whole chain, and its articles."""
    try:
        event = store.event(event_id)
    except EventNotFound:
        raise WebError(404, f"no event {event_id!r}") from None
    responded_by = store.responses_to(event_id)
    return {
        "event": event,
        "responds_to": store.event_summaries(event["responds_to"]),
        "responded_by": store.event_summaries(responded_by),
        "chain": store.event_summaries(store.chain(event_id, CHAIN_LIMIT)),
        "articles": [_article_meta(store, a) for a in event["sources"]],
    }


FEED_FIELDS = ("url", "title", "added_at", "last_poll", "last_ok", "last_new", "polls", "not_modified", "items",
               "failures", "errors", "last_error", "last_error_at")


def feed_health(store: api.Store) -> list[dict]:
    """Each followed feed's health; `status` is "ok", "failing" (its last poll failed; `failures` in a
    row) or "new" (never polled)."""
    out = []
    for feed in store.feeds():
        status = "new" if not feed["last_poll"] else "failing" if feed["failures"] else "ok"
        out.append({**{k: feed[k] for k in FEED_FIELDS}, "status": status})
    return out


def article_detail(store: api.Store, article_id: str) -> dict:
    try:
        article = store.article(article_id)
    except ArticleNotFound:
        raise WebError(404, f"no article {article_id!r}") from None
    return {"article": article, "events": store.article_events(article_id)}


def _article_meta(store: api.Store, article_id: str) -> dict:
    try:
        article = store.article(article_id)
    except ArticleNotFound:
        return {"id": article_id}
    return {k: v for k, v in article.items() if k != "paragraphs"}


async def _in_one_thread(make_chunks: Callable[[], Iterator[str]]) -> AsyncIterator[str]:
    """Run a blocking generator in one dedicated thread (its SQLite connection must stay in that thread)."""
    loop = asyncio.get_running_loop()
    with ThreadPoolExecutor(max_workers=1) as pool:
        chunks = await loop.run_in_executor(pool, make_chunks)
        try:
            while (chunk := await loop.run_in_executor(pool, next, chunks, None)) is not None:
                yield chunk
        finally:
            await loop.run_in_executor(pool, chunks.close)


def _json(body: Any, status: int = 200) -> JSONResponse:
    return JSONResponse(body, status_code=status)


def _json_with_list(fields: dict, key: str, items: list[str]) -> Response:
    """`fields` plus `key`: a list of items that are already JSON text, joined without decoding them."""
    head = json.dumps(fields, ensure_ascii=False)[:-1]
    return Response(f'{head}, "{key}": [{",".join(items)}]}}', media_type="application/json")


# ---- errors: always JSON, always a sentence ------------------------------------------------------------
def _add_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(BadParameter)
    async def bad_parameter(_: Request, err: BadParameter) -> JSONResponse:
        return _error(400, str(err), err.parameter)

    @app.exception_handler(RequestValidationError)
    async def invalid_request(_: Request, err: RequestValidationError) -> JSONResponse:
        errors = err.errors()
        first = errors[0]
        where = [str(part) for part in first["loc"]]
        name = ".".join(where[1:]) or where[0]
        if where[0] == "path":
            return _error(404, f"{name}: {first['msg']}")
        if where[0] == "body":  # of the union's branches, the one that got furthest into the input
            return _error(422, _body_error(max(errors, key=lambda e: len(e["loc"]))))
        return _error(400, f"{name}: {first['msg']}", name)

    @app.exception_handler(WebError)
    async def web_error(_: Request, err: WebError) -> JSONResponse:
        return _error(err.status, str(err), headers=err.headers)

    @app.exception_handler(LedgerError)
    async def ledger_error(_: Request, err: LedgerError) -> JSONResponse:
        return _error(503, "the ledger cannot be read right now")

    @app.exception_handler(StarletteHTTPException)
    async def http_error(_: Request, err: StarletteHTTPException) -> JSONResponse:
        return _error(err.status_code, str(err.detail), headers=getattr(err, "headers", None))


def _body_error(error: dict) -> str:
    """'article 2, id: Field required' rather than pydantic's location with union branch names."""
    if error["type"] == "json_invalid":
        return f"the body is not valid JSON ({error.get('ctx', {}).get('error', 'cannot parse it')})"
    if len(error["loc"]) <= 2:
        return "the body must be one article object or a JSON array of them"
    place = [f"article {part + 1}" if isinstance(part, int) else part
             for part in error["loc"][1:] if isinstance(part, int) or str(part).isidentifier()]
    message = error["msg"].removeprefix("Value error, ")
    return f"{', '.join(place)}: {message}" if place else message


# ---- the page ------------------------------------------------------------------------------------------
def content_security_policy(tiles: Optional[str]) -> str:
    """Scripts only from this server (so nothing in an article can run); images also from the tile host."""
    images = "'self' data:"
    if tiles:
        parts = urlsplit(tiles.replace("{s}", "*"))
        images += f" {parts.scheme}://{parts.netloc}"
    return (f"default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src {images}; "
            "connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'")


def _add_page(app: FastAPI, tiles: Optional[str]) -> None:
    policy = content_security_policy(tiles)

    @app.middleware("http")
    async def security_headers(request: Request, call_next):
        response = await call_next(request)
        response.headers.setdefault("Content-Security-Policy", policy)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "no-referrer")
        return response

    @app.get("/", include_in_schema=False)
    def index() -> FileResponse:
        return FileResponse(STATIC / "index.html", media_type="text/html")

    @app.get("/healthz", include_in_schema=False)
    def healthz() -> dict:
        return {"ok": True}

    app.mount("/static", StaticFiles(directory=STATIC), name="static")
