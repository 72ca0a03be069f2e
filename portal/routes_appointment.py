"""One appointment: ``GET /portal/appointments/{id}`` and its forms (move, cancel, set status).

Every form carries the appointment's ``version`` as the page showed it, and the change is made with
``expected_version`` of that form: the booking core compares it inside its own write transaction (and its
row update is a compare-and-set), so a form whose version is no longer the stored one is refused with
"changed meanwhile" (409) and the current state, nothing written, with no gap between check and write.
The changes themselves are the booking core's (``BookingService.reschedule``/``cancel``/``transition``):
the same availability rules, alternatives, policy and status transitions (CONTRACT section 3) as on the
phone. Cancelling shows the policy's outcome; an owner may override a refusal with a reason (audited with
the reason and the owner as actor), a staff user may not (403, nothing written).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from aiohttp import web
from babel.dates import format_date, format_datetime, format_time
from babel.numbers import format_currency

from booking_core.domain import AppointmentView, SlotRequest
from booking_core.errors import ChangedMeanwhile, DomainError, InvalidTransition, PolicyDenied, SlotUnavailable
from booking_core.history import appointment_history
from booking_core.tenant_config import TenantConfig
from portal.accounts import User
from portal.i18n import translator
from portal.web import check_csrf, render, require_user, services

__all__ = ["STATUS_CHOICES", "add_appointment_routes"]

#: The statuses staff set by hand (issue 16); the rest follow from time or from cancelling.
STATUS_CHOICES = ("confirmed", "no_show", "completed")


def _locale(lang: str) -> str:
    return "en_GB" if lang == "en" else "de_DE"


async def _load(request: web.Request) -> tuple[User, str, TenantConfig, AppointmentView]:
    """(user, csrf, tenant, appointment) of the URL; 404 for an id that is not this user's tenant's."""
    user, csrf = await require_user(request)
    svc = services(request)
    config = await svc.tenants.get(user.tenant_id)
    view = await svc.booking.get_appointment(config, request.match_info["id"]) if config else None
    if config is None or view is None or view.tenant_id not in ("", user.tenant_id):
        raise web.HTTPNotFound(text="unknown appointment")
    return user, csrf, config, view


async def _page(
    request: web.Request,
    user: User,
    csrf: str,
    config: TenantConfig,
    view: AppointmentView,
    *,
    message: str | None = None,
    error: bool = False,
    status: int = 200,
    alternatives: tuple[Any, ...] = (),
) -> web.Response:
    svc = services(request)
    zone = ZoneInfo(config.timezone)
    loc = _locale(user.lang)

    def when(moment: datetime) -> str:
        return format_datetime(moment.astimezone(zone), format="short", locale=loc)

    def day_of(moment: datetime) -> str:
        return format_date(moment.astimezone(zone), format="full", locale=loc)

    def time_of(moment: datetime) -> str:
        return format_time(moment.astimezone(zone), format="short", locale=loc)

    history = await appointment_history(svc.db, config.id, view.id)
    try:
        cancel_policy = await svc.booking.decide(config, view.id, "cancel")
    except DomainError:
        cancel_policy = None
    return render(
        request,
        "appointment.html",
        lang=user.lang,
        user=user,
        csrf=csrf,
        a=view,
        when=when,
        day_of=day_of,
        time_of=time_of,
        money=lambda amount, currency: format_currency(amount, currency, locale=loc),
        local=view.start.astimezone(zone),
        history=history.changes,
        policy=cancel_policy,
        message=message,
        error=error,
        status=status,
        statuses=STATUS_CHOICES,
        staff=[(s.id, s.name) for s in config.staff],
        alternatives=alternatives,
    )


async def show(request: web.Request) -> web.Response:
    user, csrf, config, view = await _load(request)
    done = request.query.get("done")
    message = translator(user.lang)(f"done_{done}") if done in ("moved", "cancelled", "status") else None
    return await _page(request, user, csrf, config, view, message=message)


async def _act(request: web.Request, action: str) -> web.Response:
    user, csrf, config, view = await _load(request)
    form = await check_csrf(request, csrf)
    t = translator(user.lang)
    booking = services(request).booking
    actor = f"portal:{user.email}"
    version = int(form["version"]) if form.get("version", "").isdigit() else 0  # 0 is never stored: stale
    reason = form.get("reason", "").strip() or None
    override = action == "cancel" and form.get("override") == "1"
    if override and user.role != "owner":
        return await _page(request, user, csrf, config, view, message=t("override_owner"), error=True, status=403)
    if override and reason is None:
        return await _page(request, user, csrf, config, view, message=t("override_reason"), error=True, status=400)
    try:
        if action == "move":
            zone = ZoneInfo(config.timezone)
            start = datetime.fromisoformat(f"{form.get('date', '')}T{form.get('time', '')}").replace(tzinfo=zone)
            staff_id = form.get("staff_id") or view.staff_id
            await booking.reschedule(
                config,
                view.id,
                SlotRequest(view.service_id, staff_id, start),
                call_id=None,
                reason=reason,
                actor=actor,
                expected_version=version,
            )
        elif action == "cancel":
            await booking.cancel(
                config,
                view.id,
                call_id=None,
                reason=reason,
                actor=actor,
                expected_version=version,
                override_policy=override,
            )
        else:
            if form.get("status") not in STATUS_CHOICES:
                raise InvalidTransition(view.status, form.get("status", ""))
            await booking.transition(
                config, view.id, form["status"], actor=actor, reason=reason, expected_version=version
            )
    except ChangedMeanwhile:
        user, csrf, config, view = await _load(request)  # the current state
        return await _page(request, user, csrf, config, view, message=t("stale"), error=True, status=409)
    except ValueError:
        return await _page(request, user, csrf, config, view, message=t("bad_time"), error=True, status=400)
    except SlotUnavailable as exc:
        return await _page(
            request,
            user,
            csrf,
            config,
            view,
            message=t("slot_taken"),
            error=True,
            status=409,
            alternatives=exc.alternatives,
        )
    except PolicyDenied:
        return await _page(request, user, csrf, config, view, message=t("policy_denied"), error=True, status=409)
    except InvalidTransition:
        return await _page(request, user, csrf, config, view, message=t("bad_transition"), error=True, status=409)
    done = {"move": "moved", "cancel": "cancelled"}.get(action, "status")
    raise web.HTTPFound(f"/portal/appointments/{view.id}?done={done}")


async def move(request: web.Request) -> web.Response:
    return await _act(request, "move")


async def cancel(request: web.Request) -> web.Response:
    return await _act(request, "cancel")


async def set_status(request: web.Request) -> web.Response:
    return await _act(request, "status")


def add_appointment_routes(app: web.Application) -> None:
    app.router.add_get("/portal/appointments/{id}", show)
    app.router.add_post("/portal/appointments/{id}/move", move)
    app.router.add_post("/portal/appointments/{id}/cancel", cancel)
    app.router.add_post("/portal/appointments/{id}/status", set_status)
