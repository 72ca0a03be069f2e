"""Owner-only user management: ``GET /portal/users`` (the tenant's users) and ``POST /portal/users/invite``.

A staff user gets 403 (``require_owner``). The invitation is ``portal.accounts.invite``: the email goes to
the outbox in the same transaction (the worker sends it); the link's host is the one the owner used.
"""

from __future__ import annotations

from aiohttp import web

from portal.accounts import AccountError, invite, list_users
from portal.i18n import translator
from portal.web import check_csrf, render, require_owner, services

__all__ = ["add_user_routes"]


async def _page(
    request: web.Request, *, message: str | None = None, error: bool = False, status: int = 200
) -> web.Response:
    user, csrf = await require_owner(request)
    users = await list_users(services(request).db, user.tenant_id)
    return render(
        request,
        "users.html",
        lang=user.lang,
        user=user,
        csrf=csrf,
        users=users,
        message=message,
        error=error,
        status=status,
    )


async def users_page(request: web.Request) -> web.Response:
    user, _ = await require_owner(request)
    return await _page(request, message=translator(user.lang)("invited") if request.query.get("done") else None)


async def invite_post(request: web.Request) -> web.Response:
    user, csrf = await require_owner(request)
    form = await check_csrf(request, csrf)
    svc = services(request)
    base_url = f"{request.headers.get('X-Forwarded-Proto', request.scheme)}://{request.host}"
    try:
        await invite(
            svc.db,
            tenant_id=user.tenant_id,
            email=form.get("email", ""),
            role=form.get("role", ""),
            now=svc.clock.now(),
            lang="en" if form.get("lang") == "en" else "de",
            base_url=base_url,
        )
    except AccountError as exc:
        return await _page(request, message=translator(user.lang)(exc.code), error=True, status=400)
    raise web.HTTPFound("/portal/users?done=1")


def add_user_routes(app: web.Application) -> None:
    app.router.add_get("/portal/users", users_page)
    app.router.add_post("/portal/users/invite", invite_post)
