"""`slotline billing balance|topup|statement|transactions|reseller` (CONTRACT section 11).

Exit codes: 0 done, 1 bad input or state (unknown tenant, bad amount or month, Stripe not configured
or refusing), with the reason on stderr. `balance --json` prints the same JSON as
`GET /admin/billing/balance`.
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from agent_functions.cli_support import CommandError, command_group, known_tenant, run_with_database


def cmd_balance(args: argparse.Namespace) -> int:
    from agent_functions.billing_routes import balance_json
    from booking_core.billing import ledger

    async def work(db: Any) -> int:
        tenant = await known_tenant(db, args.tenant)
        body = balance_json(tenant.id, await ledger.balance(db, tenant.id))
        if args.json:
            print(json.dumps(body, ensure_ascii=False))
        else:
            flag = "  (below zero: calls are still answered)" if body["below_zero"] else ""
            print(f"{tenant.id}: {body['balance']} EUR{flag}")
        return 0

    return run_with_database(args, work)


def cmd_topup(args: argparse.Namespace) -> int:
    import stripe

    from agent_functions.settings import Settings
    from booking_core.billing.topups import TopupAmountError, parse_amount
    from integrations.stripe_payments import StripeConfig, create_checkout

    settings = Settings()
    if not settings.stripe_api_key:
        raise CommandError("top-ups need SLOTLINE_STRIPE_API_KEY")

    async def work(db: Any) -> int:
        tenant = await known_tenant(db, args.tenant)
        try:
            amount = parse_amount(args.amount, tenant.billing)
        except TopupAmountError as exc:
            raise CommandError(str(exc)) from None
        back = settings.billing_return_url
        try:
            checkout = await create_checkout(
                StripeConfig(settings.stripe_api_key or "", settings.stripe_api_base),
                tenant.id,
                amount,
                success_url=f"{back}?tenant={tenant.id}&paid=1",
                cancel_url=f"{back}?tenant={tenant.id}&paid=0",
            )
        except stripe.StripeError as exc:
            raise CommandError(f"Stripe did not create the checkout: {exc.user_message or exc}") from None
        print(json.dumps({"checkout_url": checkout.url, "id": checkout.id, "tenant": tenant.id, "amount": str(amount)}))
        return 0

    return run_with_database(args, work)


def cmd_statement(args: argparse.Namespace) -> int:
    from booking_core.billing import documents
    from booking_core.billing.statements import StatementError, monthly_statement

    async def work(db: Any) -> int:
        tenant = await known_tenant(db, args.tenant)
        try:
            statement = await monthly_statement(db, tenant, args.month, datetime.now(UTC))
        except StatementError as exc:
            raise CommandError(str(exc)) from None
        data = documents.statement_pdf(statement) if args.format == "pdf" else documents.statement_csv(statement)
        out = Path(args.out or f"kontoauszug-{tenant.id}-{statement.period}.{args.format}")
        out.write_bytes(data)
        number = statement.invoice_number or "preview, the month is not over"
        print(f"{out}: {statement.period}, closing {statement.closing} EUR, gross {statement.gross} EUR ({number})")
        return 0

    return run_with_database(args, work)


def cmd_transactions(args: argparse.Namespace) -> int:
    from agent_functions.billing_reports import transaction_json
    from booking_core.billing import ledger

    async def work(db: Any) -> int:
        tenant = await known_tenant(db, args.tenant)
        async with db.read() as session:
            rows = [transaction_json(r) for r in await ledger.transactions(session, tenant.id, limit=args.limit)]
        if args.json:
            print(json.dumps({"tenant": tenant.id, "transactions": rows}, ensure_ascii=False, indent=2))
            return 0
        for r in rows:
            about = r["call_id"] or r["ref"] or ""
            print(f"{r['at'][:19]}  {r['kind']:<11} {r['amount']:>18}  = {r['balance_after']:>18}  {about}")
        return 0

    return run_with_database(args, work)


def cmd_reseller(args: argparse.Namespace) -> int:
    from booking_core.billing.reseller import reseller_report

    try:
        start, end = date.fromisoformat(args.date_from), date.fromisoformat(args.date_to)
    except ValueError:
        print("error: --from and --to are dates YYYY-MM-DD", file=sys.stderr)
        return 1

    async def work(db: Any) -> int:
        print(json.dumps(await reseller_report(db, start, end), ensure_ascii=False, indent=2))
        return 0

    return run_with_database(args, work)


def register(subparsers: argparse._SubParsersAction) -> None:
    billing = command_group(subparsers, "billing", "tenant billing: prepaid balance, top-ups, statements")
    balance = billing.add_parser("balance", help="a tenant's balance")
    balance.add_argument("--tenant", required=True)
    balance.add_argument("--json", action="store_true")
    balance.set_defaults(func=cmd_balance)
    topup = billing.add_parser("topup", help="create a Stripe Checkout link for a top-up")
    topup.add_argument("--tenant", required=True)
    topup.add_argument("--amount", required=True, help="EUR, e.g. 100.00")
    topup.set_defaults(func=cmd_topup)
    statement = billing.add_parser("statement", help="a month's statement and invoice as PDF or CSV")
    statement.add_argument("--tenant", required=True)
    statement.add_argument("--month", required=True, help="YYYY-MM")
    statement.add_argument("--format", choices=("pdf", "csv"), default="pdf")
    statement.add_argument("--out", help="file to write (default kontoauszug-TENANT-MONTH.FORMAT)")
    statement.set_defaults(func=cmd_statement)
    transactions = billing.add_parser("transactions", help="the newest ledger rows")
    transactions.add_argument("--tenant", required=True)
    transactions.add_argument("--limit", type=int, default=50)
    transactions.add_argument("--json", action="store_true")
    transactions.set_defaults(func=cmd_transactions)
    reseller = billing.add_parser("reseller", help="all tenants: calls, cost, billed, margin, balance (JSON)")
    reseller.add_argument("--from", dest="date_from", required=True)
    reseller.add_argument("--to", dest="date_to", required=True)
    reseller.set_defaults(func=cmd_reseller)
    for parser in (balance, topup, statement, transactions, reseller):
        parser.add_argument("--database-url")
