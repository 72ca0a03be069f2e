"""The voice edge: the aiohttp app, Retell envelopes and signatures, one module per function, speech,
call events, admin reports over HTTP, the replay harness and the CLI."""
