"""The call log (CONTRACT section 13): every function call recorded as it was sent and answered.

- `recorder`: the in-process queue the dispatch hook feeds, flushed to the database in batches by a
  background task, after the answer has gone out;
- `store`: the SQL (batch insert, retention delete, reads of one call);
- `timeline`: one call as the admin JSON and as a readable timeline (`slotline calls show`).
"""
