"""Equal parts of parsed tenant configurations held once (issue 20): the same configuration, less memory."""

from __future__ import annotations

import json
import tracemalloc
from decimal import Decimal

from booking_core import tenant_share
from booking_core.tenant_config import TenantConfig
from booking_core.tenant_share import share_parts
from tests.core.helpers import make_tenant, tenant_doc


def stored(doc: dict[str, object]) -> dict[str, object]:
    """The document as the database hands it back: fresh objects, nothing shared with `doc`."""
    document: dict[str, object] = json.loads(json.dumps(TenantConfig.model_validate(doc).model_dump(mode="json")))
    return document


def test_a_shared_config_equals_the_parsed_one_and_dumps_the_same_document() -> None:
    doc = stored(tenant_doc("t1", phone_numbers=["+4930555000101"]))
    plain = TenantConfig.model_validate(doc)
    shared = share_parts(TenantConfig.model_validate(doc))
    assert shared == plain
    assert shared.model_dump(mode="json") == plain.model_dump(mode="json") == doc
    assert shared.staff_member("cara") == plain.staff_member("cara")


def test_equal_parts_are_one_object_within_and_across_tenants() -> None:
    a = share_parts(make_tenant("a"))
    b = share_parts(make_tenant("b", name="Zweiter Salon"))
    assert a.services is b.services and a.staff is b.staff and a.policies is b.policies
    assert a.opening_hours["mon"][0] is a.opening_hours["tue"][0]  # one TimeRange for every 09:00-18:00
    assert a.id != b.id and a.name != b.name  # what differs stays each tenant's own


def test_different_parts_stay_apart() -> None:
    doc = tenant_doc("c")
    doc["services"][0]["price"] = "30.0"  # equal to 30.00 as a number, but written differently
    c = share_parts(TenantConfig.model_validate(doc))
    d = share_parts(make_tenant("d"))
    assert c.services[0].price == d.services[0].price == Decimal("30")
    assert str(c.services[0].price) == "30.0" and str(d.services[0].price) == "30.00"
    assert c.services[0] is not d.services[0] and c.services[1] is d.services[1]


def test_memory_per_config_shrinks_when_tenants_are_alike() -> None:
    docs = [stored(tenant_doc(f"m{i}", phone_numbers=[f"+49305550004{i:02d}"])) for i in range(20)]
    share_parts(TenantConfig.model_validate(docs[0]))  # the parts seen once already

    def held(share: bool) -> int:
        tracemalloc.start()
        try:
            before = tracemalloc.get_traced_memory()[0]
            kept = [
                share_parts(TenantConfig.model_validate(d)) if share else TenantConfig.model_validate(d) for d in docs
            ]
            used = tracemalloc.get_traced_memory()[0] - before
        finally:
            tracemalloc.stop()
        assert len(kept) == len(docs)
        return used

    assert held(share=True) * 4 < held(share=False)


def test_the_pool_starts_again_past_its_bound(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(tenant_share, "MAX_POOL", 10)
    share_parts(make_tenant("p1"))
    assert tenant_share.pool_size() > 10
    again = share_parts(make_tenant("p2"))  # empties the pool first, then shares within p2
    assert again == make_tenant("p2")
    assert tenant_share.pool_size() < 1000
