"""Domain errors of the booking engine.

Every one of them is a normal outcome on a phone line (the edge turns it into something speakable),
so each carries the structured facts the edge needs: a reason code, alternatives, a policy decision.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__all__ = [
    "ChangedMeanwhile",
    "DomainError",
    "InvalidTransition",
    "NotFound",
    "NotQualified",
    "PolicyDenied",
    "SlotUnavailable",
]

if TYPE_CHECKING:
    from booking_core.domain import PolicyDecision, Slot
    from booking_core.refusals import Refusal, RefusalCode


class DomainError(Exception):
    """Base of every expected, speakable failure of the booking engine."""

    code = "domain_error"

    def __init__(self, message: str = "", **details: Any) -> None:
        super().__init__(message or self.code)
        self.details = details


class NotFound(DomainError):
    """An unknown service, staff member or appointment (always tenant-scoped)."""

    code = "not_found"


class SlotUnavailable(DomainError):
    """The requested slot cannot be booked; `reason` as in CheckOutcome.reason (the code of `refusal`),
    `alternatives` nearest first."""

    code = "unavailable"

    def __init__(
        self,
        reason: RefusalCode,
        alternatives: tuple[Slot, ...] = (),
        message: str = "",
        refusal: Refusal | None = None,
    ) -> None:
        super().__init__(message or f"slot unavailable: {reason}")
        self.reason = reason
        self.alternatives = tuple(alternatives)
        self.refusal = refusal


class NotQualified(SlotUnavailable):
    """The named staff member does not do this service (a SlotUnavailable with reason "not_qualified")."""

    code = "not_qualified"

    def __init__(self, alternatives: tuple[Slot, ...] = (), message: str = "") -> None:
        super().__init__("not_qualified", alternatives, message or "staff member does not do this service")


class PolicyDenied(DomainError):
    """A cancel or reschedule the tenant's policy refuses; `decision` says which rule and until when."""

    code = "policy_denied"

    def __init__(self, decision: PolicyDecision) -> None:
        super().__init__(f"policy denied: {decision.rule}")
        self.decision = decision


class InvalidTransition(DomainError):
    """A status change the lifecycle does not allow (e.g. cancelling a completed appointment)."""

    code = "invalid_transition"

    def __init__(self, old: str, new: str) -> None:
        super().__init__(f"cannot go from {old} to {new}")
        self.old = old
        self.new = new


class ChangedMeanwhile(DomainError):
    """The appointment's stored `version` is not the one the change was based on (someone changed it
    since the form or answer was made): optimistic locking, checked inside the write transaction, so
    nothing is written. `expected` is the version the caller saw, `current` the stored one (None when
    a concurrent writer won between our read and our compare-and-set update)."""

    code = "changed_meanwhile"

    def __init__(self, expected: int, current: int | None) -> None:
        super().__init__(f"changed meanwhile: expected version {expected}, stored {current}")
        self.expected = expected
        self.current = current
