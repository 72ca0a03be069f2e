"""The booking engine's shell: the pure search and rules (slots, layout, policy, lifecycle) around
storage (`Database`) and time (`Clock`).

Every write is one transaction. On PostgreSQL it first takes the per-staff advisory locks of every
staff member it might write for, then re-checks, then writes; the exclusion constraint on staff-busy
segments is the last guard (an IntegrityError becomes SlotUnavailable("taken")). On SQLite the write
transaction is BEGIN IMMEDIATE, so writers are serialised anyway. Refusals found inside a write
transaction are raised as `_Refused`, and the alternatives are computed afterwards on a read session,
so locks are held only as long as the decision needs.
"""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Sequence
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any, Literal

from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from booking_core import lifecycle
from booking_core import policy as policy_rules
from booking_core.availability import TenantCalendar, calendar_for, from_minute, to_minute, to_minute_ceil
from booking_core.booking_store import load_busy, view, views
from booking_core.clock import Clock
from booking_core.customers import customer_for, existing_customer, fold_name, name_matches, same_name
from booking_core.domain import (
    AppointmentView,
    CheckOutcome,
    CustomerInput,
    PolicyDecision,
    SegmentSlot,
    Slot,
    SlotRequest,
    appointment_to_dict,
)
from booking_core.errors import DomainError, InvalidTransition, NotFound, NotQualified, PolicyDenied, SlotUnavailable
from booking_core.layout import Piece, layout
from booking_core.refusals import Refusal, diagnose, window_refusal
from booking_core.slots import Board, Plan, Rules, alternatives, first_free, plan_at, rules_for, spread
from booking_core.storage import models as m
from booking_core.storage.db import Database
from booking_core.tenant_config import Service, TenantConfig

REFERENCE_ALPHABET = "ACDEFHJKMNPRTUVWXY3479"
UTC = timezone.utc


class _Refused(Exception):
    def __init__(self, refusal: Refusal) -> None:
        super().__init__(refusal.code)
        self.refusal = refusal
        self.reason = refusal.code


def _diagnose(cal: TenantCalendar, service: Service, start: int, requested: str | None, qualified: list[str],
              rules: Rules) -> Refusal:
    return diagnose(cal, service, start, requested, qualified, rules.now, rules.earliest, rules.last_day)


def _utc(minute: int) -> datetime:
    return from_minute(minute, UTC)


class BookingService:
    def __init__(self, db: Database, clock: Clock) -> None:
        self.db = db
        self.clock = clock

    # --- resolution helpers ------------------------------------------------------------------

    @staticmethod
    def _service(cal: TenantCalendar, service_id: str) -> Service:
        service = cal.services.get(service_id)
        if service is None:
            raise NotFound(f"unknown service {service_id!r}", kind="service", id=service_id)
        return service

    @staticmethod
    def _qualified(cal: TenantCalendar, service: Service) -> list[str]:
        return [sid for sid in cal.staff_order if cal.staff[sid].does(service.id)]

    def _staff(self, cal: TenantCalendar, service: Service, staff_id: str | None) -> tuple[str | None, list[str], bool]:
        """(requested staff, qualified staff in order, requested but not qualified)."""
        qualified = self._qualified(cal, service)
        if staff_id is None:
            return None, qualified, False
        if staff_id not in cal.staff:
            raise NotFound(f"unknown staff {staff_id!r}", kind="staff", id=staff_id)
        return staff_id, qualified, staff_id not in qualified

    @staticmethod
    def _slot(cal: TenantCalendar, service: Service, plan: Plan) -> Slot:
        zone = cal.zone
        first = plan[0]
        member = cal.staff[first.staff_id]
        segs = tuple(
            SegmentSlot(p.key, p.name, from_minute(p.start, zone), from_minute(p.end, zone), p.staff_id, p.staff_busy,
                        from_minute(p.busy_until, zone), cal.staff[p.staff_id].name)
            for p in plan
        )
        end = max(p.end for p in plan)
        price = member.prices.get(service.id, service.price)
        return Slot(service.id, first.staff_id, segs[0].start, from_minute(end, zone), segs, price, cal.config.currency,
                    service.name, member.name)

    async def _board(self, session: AsyncSession, cal: TenantCalendar, staff_ids: Sequence[str], first: date, last: date,
                     now: datetime, exclude_call_id: str | None, exclude_appointment_id: str | None) -> Board:
        lo = cal.local_minute(first, 0)
        hi = cal.local_minute(last + timedelta(days=1), 0)
        busy = await load_busy(session, cal.config.id, list(staff_ids), lo, hi, now,
                               exclude_call_id=exclude_call_id, exclude_appointment_id=exclude_appointment_id)
        return Board.build(cal, staff_ids, first, last, busy)

    def _rules(self, cal: TenantCalendar, now: datetime) -> Rules:
        return rules_for(cal, to_minute_ceil(now))

    async def _alternatives(self, session: AsyncSession, cal: TenantCalendar, service: Service, board: Board | None,
                            start: int, requested: str | None, qualified: list[str], rules: Rules, now: datetime,
                            call_id: str | None, exclude_appointment_id: str | None, limit: int = 3) -> tuple[Slot, ...]:
        others = qualified if service.staff_per_segment else None
        day = cal.day_of(start)
        today = cal.day_of(rules.now)
        plans: list[Plan] = []
        searched: set[date] = set()
        if board is not None and board.covers(day):
            plans = alternatives(board, service, start, requested, qualified, rules, limit, days_out=0, others=others)
            searched.add(day)
        for span in (2, 7, 14):  # widen step by step: most answers need a day or two
            if len(plans) >= limit:
                break
            first = max(today, day - timedelta(days=span))
            last = min(day + timedelta(days=span), rules.last_day)
            if first > last:
                break
            wide = await self._board(session, cal, qualified, first, last, now, call_id, exclude_appointment_id)
            plans = alternatives(wide, service, start, requested, qualified, rules, limit, days_out=span, others=others,
                                 found=plans, searched=searched)
            searched.update(first + timedelta(days=k) for k in range((last - first).days + 1))
        return tuple(self._slot(cal, service, p) for p in plans)

    # --- check -------------------------------------------------------------------------------

    async def check(self, tenant: TenantConfig, request: SlotRequest, call_id: str | None, *, limit: int = 3,
                    ignore_appointment_id: str | None = None) -> CheckOutcome:
        """Is the requested time free (exact), or which times are (day, window, next available)?
        An exact, free request with a call id is held for the call (replacing its previous hold).
        `ignore_appointment_id`: an appointment being moved, whose own time must not block."""
        cal = calendar_for(tenant)
        service = self._service(cal, request.service_id)
        requested, qualified, not_qualified = self._staff(cal, service, request.staff_id)
        now = self.clock.now()
        rules = self._rules(cal, now)
        others = qualified if service.staff_per_segment else None
        if not request.exact:
            return await self._search(cal, service, request, requested if not not_qualified else None, qualified, rules,
                                      now, call_id, limit, ignore_appointment_id, not_qualified)
        start = to_minute(request.start)
        day = cal.day_of(start)
        staff_try = [requested] if requested and not not_qualified else qualified
        async with self.db.read() as session:
            board = await self._board(session, cal, qualified, day, day, now, call_id, ignore_appointment_id)
            plan = None
            if not not_qualified and start >= rules.earliest and day <= rules.last_day and cal.on_grid(start):
                plan = plan_at(board, service, start, staff_try, others)
            if plan is None:
                refusal = Refusal("not_qualified") if not_qualified else _diagnose(cal, service, start, requested, qualified, rules)
                alts = await self._alternatives(session, cal, service, board, start, None if not_qualified else requested,
                                                qualified, rules, now, call_id, ignore_appointment_id)
                return CheckOutcome(False, None, None, alts, (), refusal.code, refusal)
        if call_id is None:
            return CheckOutcome(True, self._slot(cal, service, plan), None, (), (), None)
        held = await self._hold(cal, service, plan, staff_try, others, call_id, now, ignore_appointment_id)
        if held is None:
            async with self.db.read() as session:
                alts = await self._alternatives(session, cal, service, None, start, requested, qualified, rules, now,
                                                call_id, ignore_appointment_id)
            return CheckOutcome(False, None, None, alts, (), "taken", Refusal("taken"))
        plan, expires = held
        return CheckOutcome(True, self._slot(cal, service, plan), expires, (), (), None)

    async def _hold(self, cal: TenantCalendar, service: Service, plan: Plan, staff_try: list[str],
                    others: list[str] | None, call_id: str, now: datetime,
                    ignore_appointment_id: str | None) -> tuple[Plan, datetime] | None:
        tenant_id = cal.config.id
        order = [plan[0].staff_id, *(s for s in staff_try if s != plan[0].staff_id)]
        lock = set(order) | set(others or ()) | {p.staff_id for p in plan}
        start = plan[0].start
        day = cal.day_of(start)
        expires = now + timedelta(seconds=cal.config.booking.hold_ttl_s)
        async with self.db.write() as session:
            await self.db.lock_staff(session, tenant_id, sorted(lock))
            board = await self._board(session, cal, sorted(lock), day, day, now, call_id, ignore_appointment_id)
            fresh = plan_at(board, service, start, order, others)
            if fresh is None:
                return None
            await session.execute(delete(m.Hold).where(m.Hold.tenant_id == tenant_id, m.Hold.call_id == call_id))
            session.add(m.Hold(
                id=str(uuid.uuid4()), tenant_id=tenant_id, call_id=call_id, service_id=service.id,
                staff_id=fresh[0].staff_id, start=_utc(fresh[0].start), end=_utc(max(p.end for p in fresh)),
                segments=[_piece_json(p) for p in fresh], expires_at=expires, created_at=now,
            ))
        return fresh, expires

    async def _search(self, cal: TenantCalendar, service: Service, request: SlotRequest, requested: str | None,
                      qualified: list[str], rules: Rules, now: datetime, call_id: str | None, limit: int,
                      ignore_appointment_id: str | None, not_qualified: bool) -> CheckOutcome:
        others = qualified if service.staff_per_segment else None
        staff_try = [requested] if requested else qualified
        lo = max(to_minute(request.start), rules.earliest)
        plans: list[Plan] = []
        async with self.db.read() as session:
            if request.end is not None:
                hi = to_minute_ceil(request.end)
                first_day = cal.day_of(lo)
                last_day = min(cal.day_of(hi - 1), rules.last_day) if hi > lo else first_day
                if lo < hi and first_day <= last_day:
                    board = await self._board(session, cal, staff_try, first_day, last_day, now, call_id, ignore_appointment_id)
                    plans = spread(board, service, staff_try, lo, hi, rules, limit, others)
                if not plans:
                    refusal = Refusal("not_qualified") if not_qualified else window_refusal(
                        cal, min(lo, hi), hi, requested, qualified, rules.now, rules.earliest, rules.last_day)
                    alts = await self._next_available(session, cal, service, staff_try, max(hi, lo), rules, now, call_id,
                                                      ignore_appointment_id, limit, others)
                    return CheckOutcome(False, None, None, tuple(self._slot(cal, service, p) for p in alts), (),
                                        refusal.code, refusal)
            else:
                plans = await self._next_available(session, cal, service, staff_try, lo, rules, now, call_id,
                                                   ignore_appointment_id, limit, others)
                if not plans:
                    refusal = Refusal("not_qualified" if not_qualified else "taken")
                    return CheckOutcome(False, None, None, (), (), refusal.code, refusal)
        slots = tuple(self._slot(cal, service, p) for p in plans)
        return CheckOutcome(True, None, None, (), slots, "not_qualified" if not_qualified else None)

    async def _next_available(self, session: AsyncSession, cal: TenantCalendar, service: Service, staff_try: list[str],
                              lo: int, rules: Rules, now: datetime, call_id: str | None,
                              ignore_appointment_id: str | None, limit: int, others: list[str] | None) -> list[Plan]:
        """The first free slot from `lo`, then more spread over the rest of that day (and the next days
        if that day has fewer). Loads busy data in growing chunks: most answers need one or two days."""
        lo = max(lo, rules.earliest)
        day = cal.day_of(lo)
        chunk = 2
        board_staff = sorted(set(staff_try) | set(others or ()))
        while day <= rules.last_day:
            last = min(day + timedelta(days=chunk - 1), rules.last_day)
            board = await self._board(session, cal, board_staff, day, last, now, call_id, ignore_appointment_id)
            hi = cal.local_minute(last + timedelta(days=1), 0)
            first = first_free(board, service, staff_try, lo, hi, rules, others)
            if first is not None:
                fday = cal.day_of(first[0].start)
                if board.last < fday + timedelta(days=1) and fday < rules.last_day:
                    board = await self._board(session, cal, board_staff, fday, min(fday + timedelta(days=6), rules.last_day),
                                              now, call_id, ignore_appointment_id)
                day_end = cal.local_minute(fday + timedelta(days=1), 0)
                plans = spread(board, service, staff_try, first[0].start, day_end, rules, limit, others, first=first)
                if len(plans) < limit:
                    board_hi = cal.local_minute(board.last + timedelta(days=1), 0)
                    more = spread(board, service, staff_try, day_end, board_hi, rules, limit - len(plans), others)
                    plans.extend(more)
                return plans
            day = last + timedelta(days=1)
            lo = cal.local_minute(day, 0)
            chunk = min(chunk * 2, 16)
        return []

    # --- book --------------------------------------------------------------------------------

    async def book(self, tenant: TenantConfig, request: SlotRequest, customer: CustomerInput, call_id: str | None, *,
                   notes: str | None = None, actor: str = "agent") -> tuple[AppointmentView, bool]:
        cal = calendar_for(tenant)
        service = self._service(cal, request.service_id)
        requested, qualified, not_qualified = self._staff(cal, service, request.staff_id)
        now = self.clock.now()
        rules = self._rules(cal, now)
        start = to_minute(request.start)
        if not request.exact:
            raise DomainError("book needs an exact time")
        try:
            result = await self._book_tx(cal, service, start, requested, qualified, not_qualified, rules, customer,
                                         call_id, notes, actor, now)
        except _Refused as refused:
            async with self.db.read() as session:
                alts = await self._alternatives(session, cal, service, None, start,
                                                None if not_qualified else requested, qualified, rules, now, call_id, None)
            if refused.reason == "not_qualified":
                raise NotQualified(alts) from None
            raise SlotUnavailable(refused.reason, alts, refusal=refused.refusal) from None
        except IntegrityError:
            existing = await self._idempotent(cal, service, start, requested, call_id, customer)
            if existing is not None:
                return existing, False
            async with self.db.read() as session:
                alts = await self._alternatives(session, cal, service, None, start, requested, qualified, rules, now,
                                                call_id, None)
            raise SlotUnavailable("taken", alts, refusal=Refusal("taken")) from None
        return result

    async def _idempotent(self, cal: TenantCalendar, service: Service, start: int, requested: str | None,
                          call_id: str | None, customer: CustomerInput,
                          session: AsyncSession | None = None) -> AppointmentView | None:
        """This call's earlier booking of the same service, time and customer (a retry), if any.

        Another name at the same time is another person of the same call (a family booking
        together, CONTRACT section 14): not a retry."""
        if not call_id:
            return None

        async def run(s: AsyncSession) -> AppointmentView | None:
            q = select(m.Appointment).where(
                m.Appointment.tenant_id == cal.config.id, m.Appointment.call_id == call_id,
                m.Appointment.service_id == service.id, m.Appointment.start == _utc(start),
                m.Appointment.status != "cancelled",
            )
            if requested:
                q = q.where(m.Appointment.staff_id == requested)
            found = await views(s, cal, list((await s.scalars(q.order_by(m.Appointment.created_at))).all()))
            if not found or not customer.name:
                return found[0] if found else None
            known = await existing_customer(s, cal.config.id, customer)
            return next((v for v in found if (known is not None and v.customer_id == known.id)
                         or same_name(v.customer_name, customer.name)), None)

        if session is not None:
            return await run(session)
        async with self.db.read() as s:
            return await run(s)

    async def _book_tx(self, cal: TenantCalendar, service: Service, start: int, requested: str | None,
                       qualified: list[str], not_qualified: bool, rules: Rules, customer: CustomerInput,
                       call_id: str | None, notes: str | None, actor: str, now: datetime) -> tuple[AppointmentView, bool]:
        tenant = cal.config
        others = qualified if service.staff_per_segment else None
        async with self.db.write() as session:
            order = [requested] if requested else list(qualified)
            hold = None
            if call_id:
                hold = await session.scalar(select(m.Hold).where(m.Hold.tenant_id == tenant.id, m.Hold.call_id == call_id))
                if hold is not None and hold.service_id == service.id and to_minute(hold.start) == start \
                        and (requested is None or hold.staff_id == requested) and hold.staff_id in order:
                    order = [hold.staff_id, *(s for s in order if s != hold.staff_id)]
            lock = sorted(set(order) | set(others or ()))
            await self.db.lock_staff(session, tenant.id, lock)
            existing = await self._idempotent(cal, service, start, requested, call_id, customer, session)
            if existing is not None:
                return existing, False
            if not_qualified:
                raise _Refused(Refusal("not_qualified"))
            day = cal.day_of(start)
            board = await self._board(session, cal, lock, day, day, now, call_id, None)
            plan = None
            if start >= rules.earliest and day <= rules.last_day and cal.on_grid(start):
                plan = plan_at(board, service, start, order, others)
            if plan is None:
                raise _Refused(_diagnose(cal, service, start, requested, qualified, rules))
            cust = await customer_for(session, tenant.id, customer, now)
            appt, seg_rows = await self._insert(session, cal, service, plan, cust, call_id, notes, now, "scheduled", None)
            if call_id:
                await session.execute(delete(m.Hold).where(m.Hold.tenant_id == tenant.id, m.Hold.call_id == call_id))
            v = view(cal, appt, seg_rows, cust)
            self._audit(session, tenant.id, now, actor, call_id, appt.id, "created", None, appointment_to_dict(v), None)
            self._outbox(session, tenant, "appointment.created", appointment_to_dict(v), now)
        return v, True

    async def _reference(self, session: AsyncSession, tenant_id: str) -> str:
        for attempt in range(40):
            length = 4 if attempt < 25 else 5
            ref = "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(length))
            hit = await session.scalar(select(m.Appointment.id).where(m.Appointment.tenant_id == tenant_id, m.Appointment.reference == ref))
            if hit is None:
                return ref
        return "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(8))

    async def _insert(self, session: AsyncSession, cal: TenantCalendar, service: Service, plan: Plan,
                      cust: m.Customer | None, call_id: str | None, notes: str | None, now: datetime, status: str,
                      reference: str | None, idempotent: bool = True) -> tuple[m.Appointment, list[m.AppointmentSegment]]:
        tenant = cal.config
        member = cal.staff[plan[0].staff_id]
        appt = m.Appointment(
            id=str(uuid.uuid4()), tenant_id=tenant.id,
            reference=reference or await self._reference(session, tenant.id),
            service_id=service.id, staff_id=member.id, customer_id=cust.id if cust else None, status=status,
            start=_utc(plan[0].start), end=_utc(max(p.end for p in plan)),
            price=member.prices.get(service.id, service.price), currency=tenant.currency, notes=notes,
            call_id=call_id,
            idempotency_key=_idempotency_key(call_id, service.id, member.id, plan[0].start, cust) if call_id and idempotent else None,
            reschedule_count=0, created_at=now, updated_at=now,
        )
        session.add(appt)
        await session.flush()
        rows = self._segment_rows(tenant.id, appt.id, plan, live=status not in lifecycle.RELEASING)
        session.add_all(rows)
        await session.flush()
        return appt, rows

    @staticmethod
    def _segment_rows(tenant_id: str, appointment_id: str, plan: Plan, live: bool = True) -> list[m.AppointmentSegment]:
        return [
            m.AppointmentSegment(
                appointment_id=appointment_id, tenant_id=tenant_id, staff_id=p.staff_id, key=p.key, name=p.name,
                position=p.position, start=_utc(p.start), end=_utc(p.end), busy_until=_utc(p.busy_until),
                staff_busy=p.staff_busy, live=live,
            )
            for p in plan
        ]

    def _audit(self, session: AsyncSession, tenant_id: str, now: datetime, actor: str, call_id: str | None,
               entity_id: str, action: str, old: dict[str, Any] | None, new: dict[str, Any] | None,
               reason: str | None, policy: dict[str, Any] | None = None) -> None:
        session.add(m.AuditEntry(tenant_id=tenant_id, at=now, actor=actor, call_id=call_id, entity="appointment",
                                 entity_id=entity_id, action=action, old=old, new=new, reason=reason, policy=policy))

    def _outbox(self, session: AsyncSession, tenant: TenantConfig, topic: str, payload: dict[str, Any], now: datetime) -> None:
        calcom = tenant.integrations.calcom
        rows = []
        if calcom is not None and calcom.enabled:
            rows.append(("calcom", payload))
        for url in tenant.integrations.webhooks:
            rows.append(("webhook", {**payload, "url": url}))
        for target, body in rows:
            session.add(m.OutboxMessage(tenant_id=tenant.id, topic=topic, target=target, payload={**body, "topic": topic},
                                        status="pending", attempts=0, next_attempt_at=now, created_at=now))

    # --- reading appointments ----------------------------------------------------------------

    async def _get(self, session: AsyncSession, tenant_id: str, id_or_reference: str) -> m.Appointment | None:
        key = (id_or_reference or "").strip()
        if not key:
            return None
        return (await session.scalars(select(m.Appointment).where(
            m.Appointment.tenant_id == tenant_id,
            or_(m.Appointment.id == key, m.Appointment.reference == key.upper()),
        ).limit(1))).first()

    async def get_appointment(self, tenant: TenantConfig, id_or_reference: str) -> AppointmentView | None:
        cal = calendar_for(tenant)
        async with self.db.read() as session:
            appt = await self._get(session, tenant.id, id_or_reference)
            return (await views(session, cal, [appt]))[0] if appt else None

    async def find_appointments(self, tenant: TenantConfig, *, phone: str | None = None, name: str | None = None,
                                day: date | None = None, upcoming_only: bool = True) -> list[AppointmentView]:
        cal = calendar_for(tenant)
        now = self.clock.now()
        q = select(m.Appointment).where(m.Appointment.status != "cancelled")
        if upcoming_only:
            q = q.where(m.Appointment.end > now)
        if day is not None:
            q = q.where(m.Appointment.start >= _utc(cal.local_minute(day, 0)),
                        m.Appointment.start < _utc(cal.local_minute(day + timedelta(days=1), 0)))
        if not phone and not name and day is None:
            return []
        async with self.db.read() as session:
            if phone or name:
                # The caller's customer rows first (they belong to this tenant), then their appointments by
                # the customer index. Filtering by tenant here as well would let SQLite's planner walk every
                # appointment of the tenant by start time instead (10 ms at 20,000 appointments).
                customer_ids = await self._customer_ids(session, tenant.id, phone, name)
                if not customer_ids:
                    return []
                q = q.where(m.Appointment.customer_id.in_(customer_ids))
            else:
                q = q.where(m.Appointment.tenant_id == tenant.id)
            rows = (await session.scalars(q.order_by(m.Appointment.start))).all()
            out = await views(session, cal, rows)
        if name:
            out = [v for v in out if name_matches(name, v.customer_name)]
        return out

    @staticmethod
    async def _customer_ids(session: AsyncSession, tenant_id: str, phone: str | None, name: str | None) -> list[str]:
        """Customers by phone when given (exact), else by spoken name (fuzzy, over the tenant's customers)."""
        if phone:
            return list((await session.scalars(select(m.Customer.id).where(
                m.Customer.tenant_id == tenant_id, m.Customer.phone == phone))).all())
        rows = (await session.execute(select(m.Customer.id, m.Customer.name).where(
            m.Customer.tenant_id == tenant_id, m.Customer.name.is_not(None)))).all()
        return [cid for cid, cname in rows if name_matches(name or "", cname)]

    async def upcoming_for_phone(self, tenant: TenantConfig, phone: str) -> list[AppointmentView]:
        return await self.find_appointments(tenant, phone=phone, upcoming_only=True)

    async def appointments_for_tenant(self, tenant: TenantConfig) -> list[AppointmentView]:
        cal = calendar_for(tenant)
        async with self.db.read() as session:
            rows = (await session.scalars(select(m.Appointment).where(m.Appointment.tenant_id == tenant.id)
                                          .order_by(m.Appointment.start, m.Appointment.id))).all()
            return await views(session, cal, rows)

    # --- policy ------------------------------------------------------------------------------

    async def _decide(self, session: AsyncSession, cal: TenantCalendar, appt: m.Appointment,
                      kind: Literal["cancel", "reschedule"], now: datetime) -> PolicyDecision:
        month_count = 0
        pol = cal.config.policy_for(kind, appt.service_id)
        if pol.max_per_month is not None and appt.customer_id:
            local = now.astimezone(cal.zone)
            month_start = _utc(cal.local_minute(local.date().replace(day=1), 0))
            ids = select(m.Appointment.id).where(m.Appointment.tenant_id == cal.config.id,
                                                 m.Appointment.customer_id == appt.customer_id)
            month_count = await session.scalar(select(func.count()).select_from(m.AuditEntry).where(
                m.AuditEntry.tenant_id == cal.config.id, m.AuditEntry.entity == "appointment",
                m.AuditEntry.action == ("cancelled" if kind == "cancel" else "rescheduled"),
                m.AuditEntry.at >= month_start, m.AuditEntry.entity_id.in_(ids),
            )) or 0
        return policy_rules.decide(pol, kind, start=appt.start, now=now, status=appt.status, currency=appt.currency,
                                   month_count=month_count,
                                   appointment_count=appt.reschedule_count if kind == "reschedule" else 0)

    async def decide(self, tenant: TenantConfig, appointment_id: str, kind: Literal["cancel", "reschedule"]) -> PolicyDecision:
        """The policy outcome of cancelling or moving now, without changing anything."""
        cal = calendar_for(tenant)
        async with self.db.read() as session:
            appt = await self._get(session, tenant.id, appointment_id)
            if appt is None:
                raise NotFound("unknown appointment", kind="appointment", id=appointment_id)
            return await self._decide(session, cal, appt, kind, self.clock.now())

    # --- cancel, reschedule, status ---------------------------------------------------------

    async def cancel(self, tenant: TenantConfig, appointment_id: str, *, call_id: str | None, reason: str | None,
                     actor: str = "agent") -> tuple[AppointmentView, PolicyDecision]:
        cal = calendar_for(tenant)
        now = self.clock.now()
        async with self.db.write() as session:
            appt = await self._get(session, tenant.id, appointment_id)
            if appt is None:
                raise NotFound("unknown appointment", kind="appointment", id=appointment_id)
            if not lifecycle.can(appt.status, "cancelled"):
                earlier = await self._cancelled_by(session, tenant.id, appt, call_id)
                if earlier is not None:  # this call cancelled it already: a retry after a lost answer
                    return (await views(session, cal, [appt]))[0], earlier
                raise InvalidTransition(appt.status, "cancelled")
            decision = await self._decide(session, cal, appt, "cancel", now)
            if not decision.allowed:
                raise PolicyDenied(decision)
            old = (await views(session, cal, [appt]))[0]
            appt.status = "cancelled"
            appt.idempotency_key = None
            appt.updated_at = now
            await session.execute(update(m.AppointmentSegment).where(m.AppointmentSegment.appointment_id == appt.id)
                                  .values(live=False))
            await session.flush()
            new = (await views(session, cal, [appt]))[0]
            self._audit(session, tenant.id, now, actor, call_id, appt.id, "cancelled",
                        appointment_to_dict(old), appointment_to_dict(new), reason, decision.to_dict())
            self._outbox(session, tenant, "appointment.cancelled", {**appointment_to_dict(new), "fee": str(decision.fee)}, now)
        return new, decision

    async def cancelled_by(self, tenant: TenantConfig, appointment_id: str, call_id: str | None) -> bool:
        """Whether `call_id` is the call that cancelled this appointment."""
        async with self.db.read() as session:
            appt = await self._get(session, tenant.id, appointment_id)
            return appt is not None and await self._cancelled_by(session, tenant.id, appt, call_id) is not None

    @staticmethod
    async def _cancelled_by(session: AsyncSession, tenant_id: str, appt: m.Appointment, call_id: str | None) -> PolicyDecision | None:
        """The policy decision under which `call_id` cancelled `appt`, if it did.

        The per-call answer cache makes retries harmless, but a process killed between the commit and
        storing the answer leaves the retry to run again; it must then hear "cancelled", not "there is
        no open appointment"."""
        if appt.status != "cancelled" or not call_id:
            return None
        policy = await session.scalar(select(m.AuditEntry.policy).where(
            m.AuditEntry.tenant_id == tenant_id, m.AuditEntry.entity == "appointment", m.AuditEntry.entity_id == appt.id,
            m.AuditEntry.action == "cancelled", m.AuditEntry.call_id == call_id).order_by(m.AuditEntry.at.desc()).limit(1))
        return PolicyDecision.from_dict(policy) if policy else None

    async def reschedule(self, tenant: TenantConfig, appointment_id: str, new: SlotRequest, *, call_id: str | None,
                         reason: str | None, actor: str = "agent") -> tuple[AppointmentView, PolicyDecision]:
        cal = calendar_for(tenant)
        service = self._service(cal, new.service_id)
        requested, qualified, not_qualified = self._staff(cal, service, new.staff_id)
        now = self.clock.now()
        rules = self._rules(cal, now)
        start = to_minute(new.start)
        try:
            return await self._reschedule_tx(cal, service, appointment_id, start, requested, qualified, not_qualified,
                                             rules, call_id, reason, actor, now)
        except (_Refused, IntegrityError) as exc:
            why = exc.refusal if isinstance(exc, _Refused) else Refusal("taken")
            async with self.db.read() as session:
                appt = await self._get(session, tenant.id, appointment_id)
                alts = await self._alternatives(session, cal, service, None, start,
                                                None if not_qualified else (requested or (appt.staff_id if appt else None)),
                                                qualified, rules, now, call_id, appt.id if appt else None)
            if why.code == "not_qualified":
                raise NotQualified(alts) from None
            raise SlotUnavailable(why.code, alts, refusal=why) from None

    async def _reschedule_tx(self, cal: TenantCalendar, service: Service, appointment_id: str, start: int,
                             requested: str | None, qualified: list[str], not_qualified: bool, rules: Rules,
                             call_id: str | None, reason: str | None, actor: str,
                             now: datetime) -> tuple[AppointmentView, PolicyDecision]:
        tenant = cal.config
        others = qualified if service.staff_per_segment else None
        async with self.db.write() as session:
            appt = await self._get(session, tenant.id, appointment_id)
            if appt is None:
                raise NotFound("unknown appointment", kind="appointment", id=appointment_id)
            if appt.status not in ("scheduled", "confirmed"):
                raise InvalidTransition(appt.status, "rescheduled")
            if to_minute(appt.start) == start and appt.service_id == service.id and requested in (None, appt.staff_id):
                # Already there (a retried request): nothing to change, nothing to charge.
                decision = PolicyDecision(True, Decimal("0"), appt.currency, Decimal("0"), None, "reschedule.unchanged")
                return (await views(session, cal, [appt]))[0], decision
            decision = await self._decide(session, cal, appt, "reschedule", now)
            if not decision.allowed:
                raise PolicyDenied(decision)
            if not_qualified:
                raise _Refused(Refusal("not_qualified"))
            order = [requested] if requested else [appt.staff_id, *(s for s in qualified if s != appt.staff_id)]
            order = [s for s in order if s in qualified]
            hold = None
            if call_id:
                hold = await session.scalar(select(m.Hold).where(m.Hold.tenant_id == tenant.id, m.Hold.call_id == call_id))
                if hold is not None and hold.service_id == service.id and to_minute(hold.start) == start and hold.staff_id in order:
                    order = [hold.staff_id, *(s for s in order if s != hold.staff_id)]
            old_segments = (await session.scalars(select(m.AppointmentSegment).where(
                m.AppointmentSegment.appointment_id == appt.id))).all()
            lock = sorted(set(order) | set(others or ()) | {s.staff_id for s in old_segments} | {appt.staff_id})
            await self.db.lock_staff(session, tenant.id, lock)
            day = cal.day_of(start)
            board = await self._board(session, cal, lock, day, day, now, call_id, appt.id)
            plan = None
            if start >= rules.earliest and day <= rules.last_day and cal.on_grid(start):
                plan = plan_at(board, service, start, order, others)
            if plan is None:
                raise _Refused(_diagnose(cal, service, start, requested, qualified, rules))
            old_view = (await views(session, cal, [appt]))[0]
            await session.execute(delete(m.AppointmentSegment).where(m.AppointmentSegment.appointment_id == appt.id))
            member = cal.staff[plan[0].staff_id]
            appt.service_id = service.id
            appt.staff_id = member.id
            appt.start = _utc(plan[0].start)
            appt.end = _utc(max(p.end for p in plan))
            appt.price = member.prices.get(service.id, service.price)
            appt.reschedule_count = (appt.reschedule_count or 0) + 1
            appt.idempotency_key = None
            appt.updated_at = now
            rows = self._segment_rows(tenant.id, appt.id, plan)
            session.add_all(rows)
            await session.flush()
            if call_id:
                await session.execute(delete(m.Hold).where(m.Hold.tenant_id == tenant.id, m.Hold.call_id == call_id))
            cust = await session.get(m.Customer, appt.customer_id) if appt.customer_id else None
            new_view = view(cal, appt, rows, cust)
            self._audit(session, tenant.id, now, actor, call_id, appt.id, "rescheduled", appointment_to_dict(old_view),
                        appointment_to_dict(new_view), reason, decision.to_dict())
            self._outbox(session, tenant, "appointment.rescheduled",
                         {**appointment_to_dict(new_view), "old_start": old_view.start.isoformat(),
                          "old_end": old_view.end.isoformat(), "fee": str(decision.fee)}, now)
        return new_view, decision

    async def transition(self, tenant: TenantConfig, appointment_id: str, new_status: str, *, actor: str,
                         call_id: str | None = None, reason: str | None = None) -> AppointmentView:
        cal = calendar_for(tenant)
        now = self.clock.now()
        async with self.db.write() as session:
            appt = await self._get(session, tenant.id, appointment_id)
            if appt is None:
                raise NotFound("unknown appointment", kind="appointment", id=appointment_id)
            lifecycle.check(appt.status, new_status)
            old = (await views(session, cal, [appt]))[0]
            await self._set_status(session, appt, new_status, now)
            new = (await views(session, cal, [appt]))[0]
            action = "cancelled" if new_status == "cancelled" else "status_changed"
            self._audit(session, tenant.id, now, actor, call_id, appt.id, action,
                        {"status": old.status, "version": old.version}, {"status": new.status, "version": new.version}, reason)
            if new_status == "cancelled":
                self._outbox(session, tenant, "appointment.cancelled", appointment_to_dict(new), now)
        return new

    async def _set_status(self, session: AsyncSession, appt: m.Appointment, status: str, now: datetime) -> None:
        appt.status = status
        appt.updated_at = now
        if status in lifecycle.RELEASING:
            appt.idempotency_key = None
            await session.execute(update(m.AppointmentSegment).where(m.AppointmentSegment.appointment_id == appt.id)
                                  .values(live=False))
        await session.flush()

    async def progress(self, tenant: TenantConfig) -> int:
        """Move appointments along with time (in progress at the start, paused in gaps, completed at the
        end); drop expired holds. Idempotent: a second run at the same instant changes nothing."""
        now = self.clock.now()
        now_min = to_minute(now)
        changed = 0
        async with self.db.write() as session:
            await session.execute(delete(m.Hold).where(m.Hold.tenant_id == tenant.id, m.Hold.expires_at <= now))
            appts = (await session.scalars(select(m.Appointment).where(
                m.Appointment.tenant_id == tenant.id, m.Appointment.status.in_(sorted(lifecycle.ACTIVE)),
                m.Appointment.start <= now))).all()
            if not appts:
                return 0
            segs: dict[str, list[tuple[int, int]]] = {a.id: [] for a in appts}
            for aid, s, e in (await session.execute(select(m.AppointmentSegment.appointment_id, m.AppointmentSegment.start,
                                                           m.AppointmentSegment.end).where(
                    m.AppointmentSegment.appointment_id.in_(list(segs))))).all():
                segs[aid].append((to_minute(s), to_minute_ceil(e)))
            for appt in appts:
                spans = segs[appt.id] or [(to_minute(appt.start), to_minute_ceil(appt.end))]
                target = lifecycle.status_at(spans, now_min)
                steps = lifecycle.path(appt.status, target) if target else []
                if not steps:
                    continue
                old = appt.status
                for step in steps:
                    await self._set_status(session, appt, step, now)
                self._audit(session, tenant.id, now, "system", None, appt.id, "status_changed",
                            {"status": old}, {"status": appt.status, "version": appt.version}, "time")
                changed += 1
        return changed

    async def release_holds(self, tenant_id: str, call_id: str) -> int:
        async with self.db.write() as session:
            result = await session.execute(delete(m.Hold).where(m.Hold.tenant_id == tenant_id, m.Hold.call_id == call_id))
            return result.rowcount or 0

    async def create_callback(self, tenant_id: str, *, call_id: str | None, customer_name: str | None, phone: str | None,
                              reason: str | None, details: dict[str, Any] | None = None, callback_id: str | None = None) -> str:
        """Record a callback request; `callback_id` when the caller was already told one (written late)."""
        cid = callback_id or str(uuid.uuid4())
        async with self.db.write() as session:
            session.add(m.CallbackRequest(id=cid, tenant_id=tenant_id, call_id=call_id, customer_name=customer_name,
                                          phone=phone, reason=reason, details=details, status="open",
                                          created_at=self.clock.now()))
        return cid

    async def insert_appointment(self, tenant: TenantConfig, *, service_id: str, staff_id: str, start: datetime,
                                 customer: CustomerInput, status: str = "scheduled", reference: str | None = None,
                                 call_id: str | None = None, notes: str | None = None) -> AppointmentView:
        """Fixture setup: write an appointment as given (no notice, advance, hours or hold rules)."""
        cal = calendar_for(tenant)
        service = self._service(cal, service_id)
        if staff_id not in cal.staff:
            raise NotFound(f"unknown staff {staff_id!r}", kind="staff", id=staff_id)
        if status not in lifecycle.STATUSES:
            raise InvalidTransition("new", status)
        plan = layout(service, to_minute(start), [staff_id], lambda *_: True)
        assert plan is not None
        now = self.clock.now()
        async with self.db.write() as session:
            cust = await customer_for(session, tenant.id, customer, now)
            appt, rows = await self._insert(session, cal, service, plan, cust, call_id, notes, now, status,
                                            reference.upper() if reference else None, idempotent=False)
            v = view(cal, appt, rows, cust)
            self._audit(session, tenant.id, now, "setup", call_id, appt.id, "created", None, appointment_to_dict(v), "setup")
        return v


def _idempotency_key(call_id: str, service_id: str, staff_id: str, start: int, cust: m.Customer | None) -> str:
    """One booking per call, service, staff, start and customer name: the retry of a write lost in
    flight meets the first write here; a family member at the same time does not (CONTRACT section 14)."""
    name = fold_name(cust.name or "") if cust is not None else ""
    return f"{call_id}|{service_id}|{staff_id}|{_utc(start).isoformat()}|{name[:40]}"[:200]


def _piece_json(p: Piece) -> dict[str, Any]:
    return {"key": p.key, "name": p.name, "position": p.position, "start": _utc(p.start).isoformat(),
            "end": _utc(p.end).isoformat(), "busy_until": _utc(p.busy_until).isoformat(), "staff_id": p.staff_id,
            "staff_busy": p.staff_busy}
