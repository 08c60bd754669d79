"""The pages as an ASGI app (Starlette): my day (``/``), the client card (``/clients/{id}``),
the head's view (``/team``), sign-in and sign-out, the language switch, and one form handler
(``POST /act``) for done, dismiss and snooze. Every POST carries the session's CSRF token;
every answer has a Content-Security-Policy that allows no script at all."""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

from babel import Locale, negotiate_locale
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.middleware import Middleware
from starlette.middleware.sessions import SessionMiddleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from engine.errors import DiagnosticsError
from engine.render.pages import STATIC, Pages
from engine.vocabulary import DISMISS_REASONS, LANGUAGES
from engine.web import forms
from engine.web.auth import Person, by_password, csrf_ok, csrf_token, signed_in
from engine.web.desk import Desk
from engine.web.settings import WebSettings
from engine.web.views import card, team_page

CSP = ("default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "
       "frame-ancestors 'none'; base-uri 'none'")
HEADERS = [(b"content-security-policy", CSP.encode()), (b"x-content-type-options", b"nosniff"),
           (b"referrer-policy", b"same-origin"), (b"x-frame-options", b"DENY")]
COOKIE = "playbook_session"
Handler = Callable[[Request], Awaitable[Response]]


class SecurityHeaders:
    """Adds the CSP and its companions to every answer; pages are not cached."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        async def sending(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), *HEADERS]
                if not scope["path"].startswith("/static/"):
                    message["headers"].append((b"cache-control", b"no-store"))
            await send(message)
        await self.app(scope, receive, sending)


def language(request: Request, person: Person | None) -> str:
    """The session's choice, else the user's, else the browser's Accept-Language."""
    chosen = request.session.get("lang") or (person.lang if person else None)
    if chosen in LANGUAGES:
        return str(chosen)
    found = negotiate_locale(accepted(request.headers.get("accept-language", "")),
                             list(LANGUAGES))
    return str(Locale.parse(found).language) if found else "en"


def accepted(header: str) -> list[str]:
    """The languages of an Accept-Language header, most wanted first (by their q values)."""
    ranked = []
    for position, part in enumerate(header.split(",")):
        tag, _, params = part.strip().partition(";")
        quality = params.strip().removeprefix("q=")
        try:
            weight = float(quality) if params else 1.0
        except ValueError:
            weight = 0.0
        if tag and tag != "*" and weight > 0:
            ranked.append((-weight, position, tag.strip().replace("-", "_")))
    return [tag for *_, tag in sorted(ranked)]


class Site:
    """The routes, with what they share: the settings, the desk and the templates."""

    def __init__(self, settings: WebSettings, desk: Desk) -> None:
        self.settings, self.desk, self.pages = settings, desk, Pages()

    def who(self, request: Request) -> Person | None:
        host = request.client.host if request.client else None
        return signed_in(self.settings, request.session, host, request.headers)

    def page(self, request: Request, template: str, person: Person | None, status: int = 200,
             **context: Any) -> HTMLResponse:
        lang = language(request, person)
        flash = request.session.pop("flash", None)
        today = self.desk.today()
        context.setdefault("page", "")
        html = self.pages.render(
            template, lang=lang, user=person, csrf=csrf_token(request.session),
            root=request.scope.get("root_path", ""), here=forms.here(request),
            flash=forms.flash_shown(flash), reasons=DISMISS_REASONS,
            tomorrow=(today + dt.timedelta(days=1)).isoformat(),
            next_week=(today + dt.timedelta(days=7)).isoformat(),
            comment_max=forms.COMMENT_MAX, status=status, **context)
        return HTMLResponse(html, status_code=status)

    def signed(self, handler: Callable[[Request, Person], Awaitable[Response]]) -> Handler:
        """The handler, for a signed-in person; anyone else goes to the sign-in page."""
        async def checked(request: Request) -> Response:
            person = self.who(request)
            if person is None:
                return RedirectResponse(forms.signin_url(request), status_code=303)
            return await handler(request, person)
        return checked

    async def day(self, request: Request, person: Person) -> Response:
        owner = request.query_params.get("owner") if person.head else None
        owners = await run_in_threadpool(self.desk.owners) if person.head else []
        found = await run_in_threadpool(self.desk.day, owner or person.owner,
                                        language(request, person))
        return self.page(request, "day.html", person, page="day", day=found, owners=owners,
                         mine=found.owner == person.owner, owner_shown=False)

    async def client(self, request: Request, person: Person) -> Response:
        client_id = request.path_params["client_id"]
        clients = await run_in_threadpool(self.desk.portfolio)
        if client_id not in clients:
            return self.page(request, "error.html", person, status=404)
        if not self.desk.may_see(person, client_id, clients):
            return self.page(request, "error.html", person, status=403)
        found = await run_in_threadpool(card, self.desk, clients[client_id],
                                        language(request, person))
        return self.page(request, "client.html", person, page="client", card=found)

    async def team(self, request: Request, person: Person) -> Response:
        if not person.head:
            return self.page(request, "error.html", person, status=403)
        found = await run_in_threadpool(team_page, self.desk, language(request, person))
        return self.page(request, "team.html", person, page="team", team=found)

    async def act(self, request: Request, person: Person) -> Response:
        form = await request.form()
        back = forms.back(form)
        if not csrf_ok(request.session, form.get("csrf")):
            request.session["flash"] = {"kind": "error", "code": "expired"}
            return RedirectResponse(back, status_code=303)
        asked = forms.act_form(form)
        clients = await run_in_threadpool(self.desk.portfolio)
        if isinstance(asked, str):
            return self.page(request, "error.html", person, status=400)
        if not self.desk.may_see(person, asked.key[0], clients):
            return self.page(request, "error.html", person, status=403)
        try:
            await run_in_threadpool(lambda: self.desk.act(
                person, asked.key, asked.what, reason=asked.reason, comment=asked.comment,
                until=asked.until))
        except DiagnosticsError as exc:
            request.session["flash"] = forms.failed(exc)
            return RedirectResponse(back, status_code=303)
        title = await run_in_threadpool(self.desk.title, asked.key, clients,
                                        language(request, person))
        request.session["flash"] = forms.acted(asked, title)
        return RedirectResponse(back, status_code=303)

    async def signin_form(self, request: Request) -> Response:
        back = forms.back(request.query_params)
        if self.who(request) is not None:
            return RedirectResponse(back, status_code=303)
        return self.page(request, "signin.html", None, page="signin", back=back)

    async def signin(self, request: Request) -> Response:
        form = await request.form()
        back = forms.back(form)
        if not csrf_ok(request.session, form.get("csrf")):
            request.session["flash"] = {"kind": "error", "code": "expired"}
            return RedirectResponse(forms.signin_url(request, back), status_code=303)
        login, password = str(form.get("user", "")).strip(), str(form.get("password", ""))
        person = await run_in_threadpool(by_password, self.settings, login, password)
        if person is None:
            request.session["flash"] = {"kind": "error", "code": "signin"}
            return RedirectResponse(forms.signin_url(request, back), status_code=303)
        lang = request.session.get("lang")
        request.session.clear()  # a new session: nothing carried over from before sign-in
        request.session.update({"user": person.login, **({"lang": lang} if lang else {})})
        return RedirectResponse(back, status_code=303)

    async def signout(self, request: Request) -> Response:
        form = await request.form()
        if csrf_ok(request.session, form.get("csrf")):
            request.session.clear()
        return RedirectResponse(forms.signin_url(request), status_code=303)

    async def lang(self, request: Request) -> Response:
        form = await request.form()
        if csrf_ok(request.session, form.get("csrf")) and form.get("lang") in LANGUAGES:
            request.session["lang"] = form.get("lang")
        return RedirectResponse(forms.back(form), status_code=303)


def pages_app(settings: WebSettings, desk: Desk,
              closing: Callable[[], None] | None = None) -> Starlette:
    """The pages, ready to serve on their own or to be mounted in the service's app;
    ``closing`` is called when a server serving them on their own shuts down."""
    site = Site(settings, desk)
    routes = [
        Route("/", site.signed(site.day)),
        Route("/clients/{client_id:path}", site.signed(site.client)),
        Route("/team", site.signed(site.team)),
        Route("/act", site.signed(site.act), methods=["POST"]),
        Route("/signin", site.signin_form), Route("/signin", site.signin, methods=["POST"]),
        Route("/signout", site.signout, methods=["POST"]),
        Route("/lang", site.lang, methods=["POST"]),
        Route("/favicon.ico", lambda _: Response(status_code=204)),
        Mount("/static", app=StaticFiles(directory=STATIC), name="static"),
    ]
    middleware = [
        Middleware(SecurityHeaders),
        Middleware(SessionMiddleware, secret_key=settings.secret_key, session_cookie=COOKIE,
                   max_age=settings.session_hours * 3600, same_site="lax",
                   https_only=settings.https_only),
    ]

    @contextlib.asynccontextmanager
    async def lifespan(_: Starlette) -> AsyncIterator[None]:
        yield
        if closing is not None:
            closing()

    return Starlette(routes=routes, middleware=middleware, lifespan=lifespan)
