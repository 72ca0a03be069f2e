"""Property tests of the interval algebra against a model: sets of integer points."""

from __future__ import annotations

import itertools

from hypothesis import given
from hypothesis import strategies as st

from booking_core.intervals import IntervalIndex, intersect, normalize, subtract, subtract_index, total, union

raw = st.lists(st.tuples(st.integers(-50, 200), st.integers(0, 60)).map(lambda t: (t[0], t[0] + t[1])), max_size=12)


def points(ivs) -> set[int]:
    return {p for s, e in ivs for p in range(s, e)}


def well_formed(ivs) -> bool:
    return all(s < e for s, e in ivs) and all(a[1] < b[0] for a, b in itertools.pairwise(ivs))


@given(raw)
def test_normalize(a):
    n = normalize(a)
    assert well_formed(n)
    assert points(n) == points(a)
    assert normalize(n) == n
    assert total(n) == len(points(a))


@given(raw, raw)
def test_union_intersect_subtract(a, b):
    na, nb = normalize(a), normalize(b)
    for result, expected in (
        (union(na, nb), points(a) | points(b)),
        (intersect(na, nb), points(a) & points(b)),
        (subtract(na, nb), points(a) - points(b)),
    ):
        assert well_formed(normalize(result))
        assert points(result) == expected
    assert well_formed(subtract(na, nb)) and well_formed(intersect(na, nb))


@given(raw, st.integers(-60, 260), st.integers(0, 40))
def test_index_queries(a, s, length):
    e = s + length
    idx = IntervalIndex(a)
    inside = points(a)
    span = set(range(s, e))
    assert idx.overlaps(s, e) == bool(span & inside)
    if length > 0:
        assert idx.contains(s, e) == any(ns <= s and e <= ne for ns, ne in normalize(a))
        assert idx.contains(s, e) == span.issubset(inside)


@given(raw, raw)
def test_subtract_then_union_restores(a, b):
    na, nb = normalize(a), normalize(b)
    assert union(subtract(na, nb), intersect(na, nb)) == na


@given(raw, raw)
def test_index_forms_agree_with_the_list_forms(a, b):
    """The index-only fast paths (the board's free time, its working and blocked sets) give exactly
    what the list forms give."""
    ia, ib = IntervalIndex(a), IntervalIndex(b)
    assert ia.intervals() == normalize(a)
    free = subtract_index(ia, ib)
    assert free.intervals() == subtract(normalize(a), normalize(b))
    assert well_formed(free.intervals())
