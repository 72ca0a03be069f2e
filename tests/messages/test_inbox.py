"""The callback inbox and the admin view of messages (HTTP and CLI), issue 16."""

from __future__ import annotations

import json

from agent_functions.callback_spool import CallbackSpool
from agent_functions.envelope import CallInfo, FunctionCall
from tests.messages.message_helpers import ADMIN, NOW, call, drain, function, message_rows, seeded, slotline


async def test_a_callback_request_reaches_the_team_and_is_closed_from_the_inbox(client, services, clock, env, smtp):
    asked = await function(
        client,
        "request_callback",
        {"name": "Uwe Stein", "reason": "Frage zu Preisen"},
        call("call_cb", "+4915100000055"),
    )
    assert asked["status"] == "callback_requested"
    listed = await (await client.get("/admin/callbacks?tenant=messages-salon", headers=ADMIN)).json()
    [entry] = listed["callbacks"]
    assert entry["id"] == asked["data"]["callback_id"] and entry["status"] == "open" and entry["call_id"] == "call_cb"
    assert (
        entry["customer"] == {"name": "Uwe Stein", "phone": "+4915100000055"} and entry["reason"] == "Frage zu Preisen"
    )
    assert entry["details"]["function"] == "request_callback" and entry["created_at"] == NOW.isoformat()
    assert (await drain(services.db, clock, env)).sent == 1
    [mail] = smtp.mails
    assert mail["To"] == "team@lindenhof.example" and mail["Subject"] == "Rückrufwunsch: Uwe Stein"
    body = mail.get_body(preferencelist=("plain",)).get_content()
    for part in (
        "Nummer: +4915100000055",
        "Name: Uwe Stein",
        "Grund: Frage zu Preisen",
        "Anruf: call_cb",
        "Gewünscht: request_callback",
    ):
        assert part in body
    done = await client.post(f"/admin/callbacks/{entry['id']}/done", headers=ADMIN)
    assert done.status == 200 and (await done.json())["changed"] is True
    assert (await (await client.post(f"/admin/callbacks/{entry['id']}/done", headers=ADMIN)).json())["changed"] is False
    assert (await (await client.get("/admin/callbacks?tenant=messages-salon", headers=ADMIN)).json())["callbacks"] == []
    closed = (await (await client.get("/admin/callbacks?tenant=messages-salon&status=done", headers=ADMIN)).json())[
        "callbacks"
    ]
    assert [c["id"] for c in closed] == [entry["id"]] and closed[0]["done_at"]
    assert (await client.post("/admin/callbacks/nope/done", headers=ADMIN)).status == 404
    assert (await client.post(f"/admin/callbacks/{entry['id']}/done?tenant=other", headers=ADMIN)).status == 404
    assert (await client.get("/admin/callbacks?tenant=messages-salon")).status == 401
    assert (await client.get("/admin/callbacks?tenant=messages-salon&status=x", headers=ADMIN)).status == 400


async def test_a_callback_spooled_during_an_outage_is_announced_when_written(services, clock, env, smtp):
    spool = CallbackSpool(services)
    failed = FunctionCall(
        "book_appointment",
        {"service": "Balayage", "date": "morgen"},
        CallInfo("call_down", "+4915100000055", "+4940555000100"),
    )
    callback_id = spool.add(failed)
    assert await spool.flush() == 1
    [row] = await message_rows(services.db)
    assert row.payload["callback_id"] == callback_id and row.target == "email"
    assert "technical fault during book_appointment" in row.payload["text"] and "Balayage" in row.payload["text"]
    assert (await drain(services.db, clock, env)).sent == 1 and len(smtp.mails) == 1


async def test_admin_messages_lists_sent_queued_and_dead_with_reasons(client, services, clock, env, twilio):
    twilio.invalid.add("+4915100000018")
    for call_id, number, when in (("call_a", "+4915100000017", "9 Uhr"), ("call_b", "+4915100000018", "11 Uhr")):
        answer = await function(
            client,
            "book_appointment",
            {"service": "Herrenschnitt", "date": "Montag", "time": when, "customer_name": "Kim"},
            call(call_id, number),
        )
        assert answer["status"] == "booked"
    await drain(services.db, clock, env)
    everything = (await (await client.get("/admin/messages?tenant=messages-salon", headers=ADMIN)).json())["messages"]
    assert {(m["kind"], m["status"]) for m in everything} == {
        ("confirmation", "sent"),
        ("confirmation", "dead"),
        ("reminder", "queued"),
    }
    of_a = (await (await client.get("/admin/messages?tenant=messages-salon&call_id=call_a", headers=ADMIN)).json())[
        "messages"
    ]
    assert {m["to"] for m in of_a} == {"+4915100000017"} and len(of_a) == 3
    dead = (await (await client.get("/admin/messages?tenant=messages-salon&status=dead", headers=ADMIN)).json())[
        "messages"
    ]
    assert len(dead) == 1 and "21211" in dead[0]["reason"] and dead[0]["attempts"] == 1
    assert (await client.get("/admin/messages?tenant=messages-salon&status=lost", headers=ADMIN)).status == 400
    assert (await client.get("/admin/messages?tenant=nope", headers=ADMIN)).status == 400
    assert (await client.get("/admin/messages?tenant=messages-salon")).status == 401


def test_cli_lists_callbacks_and_messages_and_closes_a_callback(sqlite_url):
    async def write(db, tenant, booking):  # type: ignore[no-untyped-def]
        return await booking.create_callback(
            tenant, call_id="call_cli", customer_name="Uwe Stein", phone="+4915100000055", reason="Preise"
        )

    callback_id = seeded(sqlite_url, write)
    listed = slotline(sqlite_url, "callbacks", "list", "--tenant", "messages-salon", "--json")
    assert listed.returncode == 0, listed.stderr
    assert [c["id"] for c in json.loads(listed.stdout)["callbacks"]] == [callback_id]
    table = slotline(sqlite_url, "callbacks", "list", "--tenant", "messages-salon")
    assert "1 callback request(s), open" in table.stdout and "Uwe Stein" in table.stdout and "Preise" in table.stdout
    messages = slotline(sqlite_url, "messages", "list", "--tenant", "messages-salon", "--json")
    [message] = json.loads(messages.stdout)["messages"]
    assert (message["kind"], message["status"], message["to"]) == (
        "callback_request",
        "queued",
        "team@lindenhof.example",
    )
    assert "queued" in slotline(sqlite_url, "messages", "list", "--tenant", "messages-salon").stdout
    assert slotline(sqlite_url, "callbacks", "done", callback_id).returncode == 0
    assert (
        json.loads(slotline(sqlite_url, "callbacks", "list", "--tenant", "messages-salon", "--json").stdout)[
            "callbacks"
        ]
        == []
    )
    missing = slotline(sqlite_url, "callbacks", "done", "nope")
    assert missing.returncode == 1 and "no callback request" in missing.stderr
    assert slotline(sqlite_url, "callbacks", "list", "--tenant", "nope").returncode == 1
