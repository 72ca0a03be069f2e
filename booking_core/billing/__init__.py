"""Tenant billing: a prepaid EUR balance per tenant over an append-only ledger (CONTRACT section 11).

- `config`: the tenant file's `billing:` prepaid settings (bonus tiers, auto top-up, warnings, VAT).
- `ledger`: `balance_transactions` (append-only, refused UPDATE/DELETE at the database) and the running
  balance kept in the same transaction; every money movement goes through `ledger.append`.
- `call_charges`: a call's `billed_eur` charged once in total, whatever order and number of events.
- `topups`: amounts a top-up may have, crediting Stripe payments and their bonus once, refunds.
- `stripe_events`: what a verified Stripe webhook event means for the ledger.
- `auto_topup`: when to charge the saved card (cooldown, failure limit) and what an attempt's outcome does.
- `notices`: low-balance warnings and auto top-up notices to the owner (outbox rows).
- `statements`, `invoices`, `documents`: monthly statements, gap-free invoice numbers, PDF and CSV.
- `reseller`: one report across all tenants.

Money is `Decimal` end to end; amounts are rounded half-up to cents only on documents and totals.
"""
