"""Benchmark the NLU hot paths: ``python benchmarks/bench_nlu.py``.

* parse_when over the dev phrases (median and p99 per phrase; target <= 0.5 ms / <= 5 ms);
* ServiceMatcher / StaffMatcher on 50-entry catalogues (median per match; target <= 0.2 ms).
Each phrase is parsed once before timing (warm caches, lazily compiled regexes), then timed
repeatedly; the statistics are over every single timed call.
"""

from __future__ import annotations

import json
import statistics
import sys
import time
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from nlu import CatalogueEntry, ServiceMatcher, StaffMatcher, parse_when  # noqa: E402

DATA = ROOT / "tests" / "nlu" / "data"
ROUNDS = 30


def _timed(fn, args_list: list[tuple], rounds: int) -> list[float]:
    for args in args_list:
        fn(*args)
    samples = []
    for _ in range(rounds):
        for args in args_list:
            t0 = time.perf_counter()
            fn(*args)
            samples.append((time.perf_counter() - t0) * 1000.0)
    return samples


def _report(name: str, samples: list[float]) -> dict:
    samples.sort()
    p99 = samples[min(len(samples) - 1, int(len(samples) * 0.99))]
    result = {
        "name": name,
        "calls": len(samples),
        "median_ms": round(statistics.median(samples), 4),
        "p99_ms": round(p99, 4),
        "max_ms": round(samples[-1], 4),
    }
    print(
        f"{name:<28} median {result['median_ms']:.4f} ms   p99 {result['p99_ms']:.4f} ms   "
        f"max {result['max_ms']:.3f} ms   ({len(samples)} calls)"
    )
    return result


def _service_catalogue() -> list[CatalogueEntry]:
    catalog = json.loads((DATA / "catalog.json").read_text(encoding="utf-8"))
    entries = [
        CatalogueEntry(e["id"], e["name"], tuple(e["aliases"]), e["composite"])
        for e in catalog["services"] + catalog["physio_services"]
    ]
    extra = [
        "Maniküre",
        "Pediküre",
        "Augenbrauen zupfen",
        "Augenbrauen färben",
        "Wimpern färben",
        "Wimpernlifting",
        "Bartpflege",
        "Bart trimmen",
        "Rasur",
        "Kopfmassage",
        "Hochsteckfrisur",
        "Brautfrisur",
        "Make-up",
        "Tages Make-up",
        "Abend Make-up",
        "Haarverlängerung",
        "Extensions entfernen",
        "Keratin Glättung",
        "Japanische Glättung",
        "Kopfhautanalyse",
        "Haarberatung",
        "Farbberatung",
        "Zöpfe flechten",
        "Rastazöpfe",
        "Kinderfrisur Fasching",
        "Hochzeitspaket",
        "Nagelmodellage",
        "Gellack",
    ]
    for name in extra:
        slug = name.lower().replace(" ", "-").replace("ä", "ae").replace("ö", "oe").replace("ü", "ue")
        entries.append(CatalogueEntry(slug, name, (name.split()[0],)))
    return entries[:50]


def _staff() -> list[CatalogueEntry]:
    first = ["Fabian", "Emma", "Sarah", "David", "Michael", "Anna", "Lukas", "Mia", "Jonas", "Lea"]
    last = ["Schulz", "Becker", "Wagner", "Hoffmann", "Klein", "Maier", "Fischer", "Weber", "Koch", "Wolf"]
    return [
        CatalogueEntry(
            f"s{i}", f"{first[i % 10]} {last[(i * 3 + i // 10) % 10]}", (first[i % 10][:4],) if i % 4 == 0 else ()
        )
        for i in range(50)
    ]


def main() -> dict:
    items = json.loads((DATA / "nlu-dev.json").read_text(encoding="utf-8"))
    tz = ZoneInfo("Europe/Berlin")
    when_args = [(i["text"], datetime.fromisoformat(i["now"]).astimezone(tz), i["lang"]) for i in items]
    results = [_report("parse_when (dev, 110)", _timed(parse_when, when_args, ROUNDS))]

    t0 = time.perf_counter()
    services = ServiceMatcher(_service_catalogue())
    staff = StaffMatcher(_staff())
    print(f"index build (50 services + 50 staff): {(time.perf_counter() - t0) * 1000:.2f} ms")
    service_queries = [
        "Ansatz färben",
        "Herrenschnitt",
        "schneiden",
        "Haare",
        "Strähnchen bitte",
        "Dauerwellen",
        "ich hätte gern Olaplex",
        "Maniküre",
        "Wimpern färben",
        "WSF",
        "Balajasch",
        "sports massage",
    ]
    staff_queries = [
        "bei Fabian",
        "mit Frau Schulz",
        "zu Emma",
        "Fabien",
        "egal",
        "whoever is free",
        "Mikael",
        "Lea Koch",
        "bei der Sarah bitte",
        "Jonas",
        "Bob",
        "Herr Wolf",
    ]
    results.append(
        _report("ServiceMatcher.match (50)", _timed(services.match, [(q,) for q in service_queries], ROUNDS * 10))
    )
    results.append(_report("StaffMatcher.match (50)", _timed(staff.match, [(q,) for q in staff_queries], ROUNDS * 10)))
    return {"results": results}


if __name__ == "__main__":
    main()
