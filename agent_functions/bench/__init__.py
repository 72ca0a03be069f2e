"""`slotline bench`: simulated phone calls over signed HTTP against a server process.

`cli` (the subcommand and its targets), `http_bench` (the load driver and its report), `generate` (the
large synthetic bench tenant, also used by benchmarks/bench_core.py). The scripts in benchmarks/ import
from here; nothing here imports them.
"""
