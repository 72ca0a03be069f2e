"""The edge's own tables, read and written here: every SQL statement of the voice edge lives in this
package, so the modules that decide (dispatch, call memory, events, housekeeping, signatures) hold none.

- `signatures`: handled webhook requests by signature digest, with their answers (`seen_signatures`).
- `claims`: write function calls in flight and their stored answers (`function_claims`, `function_results`).
- `offers`: what a call was last offered (`function_results` under the key "offers").
- `holds`: expired holds for housekeeping (the table is the booking core's; only this sweep is the edge's).

The models are in `booking_core.storage.edge_models` and `booking_core.storage.models`, where the
migrations find them.
"""
