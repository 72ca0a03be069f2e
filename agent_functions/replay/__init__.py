"""The replay harness: recorded calls (fixtures/calls) replayed against a fresh database over real HTTP."""
