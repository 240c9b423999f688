"""The predicted mutual win of a supplier and a customer, and the profiles it reads.

**Predicted mutual win** (pairs drawn from the network; tokens compare case-blind):

``win(s, c) = fit(s → c) + fit(c → s) + values(s, c) + reach(s, c)`` where

- ``fit(s → c) = |capabilities(s) ∩ needs(c)| / |needs(c)|`` (0 without needs): how much
  of the customer's need the supplier meets (the customer's win);
- ``fit(c → s) = |capabilities(c) ∩ needs(s)| / |needs(s)|``: the supplier's win;
- ``values(s, c) = |values(s) ∩ values(c)| / |values(s) ∪ values(c)|`` (Jaccard, 0 when
  both are empty): meeting on values (accessibility);
- ``reach(s, c) = |customers(c) \\ (customers(s) ∪ {s})| / (1 + |customers(c)|)``: the
  share of the customer's own customers that the supplier does not reach yet, the third
  parties the pair can win together (the ``(+win)``).

Each term lies in ``[0, 1]``, so ``0 ≤ win ≤ 4``. A pair is a candidate only when the
first three terms are not all zero (reach alone makes no pair), the two are different
organisations, not already tied in either direction, and not competitors. Two
organisations that could pair both ways (each is a supplier and a customer) are one
candidate, in the direction with the greater win (on a tie, the first key supplies).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Profile:
    """What the predicted mutual win reads of one organisation."""

    key: str
    roles: frozenset[str]
    capabilities: frozenset[str]
    needs: frozenset[str]
    values: frozenset[str]


def document_inputs(
    document: Mapping[str, Any],
) -> tuple[list[Profile], list[tuple[int, int]], list[tuple[int, int]]]:
    """``(profiles, supplies, forbidden)`` of a network document, as the services read a
    stored network: profiles in key order, ``supplies`` ties by index, and every tie and
    competitor pair forbidden."""
    by_key = {o["key"]: o for o in document.get("organizations", [])}
    keys = sorted(by_key)
    at = {k: i for i, k in enumerate(keys)}
    profiles = [
        profile(
            k,
            roles=by_key[k].get("roles", []),
            capabilities=by_key[k].get("capabilities", []),
            needs=by_key[k].get("needs", []),
            values=by_key[k].get("values", []),
        )
        for k in keys
    ]
    ties = document.get("ties", [])
    supplies = [(at[t["from"]], at[t["to"]]) for t in ties if t["kind"] == "supplies"]
    forbidden = [(at[t["from"]], at[t["to"]]) for t in ties]
    forbidden += [(at[a], at[b]) for a, b in document.get("competitors", [])]
    return profiles, supplies, forbidden


def token(text: str) -> str:
    """Capabilities, needs and values compare case-blind, with spaces collapsed."""
    return " ".join(text.casefold().split())


def profile(
    key: str,
    *,
    roles: Iterable[str] = (),
    capabilities: Iterable[str] = (),
    needs: Iterable[str] = (),
    values: Iterable[str] = (),
) -> Profile:
    return Profile(
        key=key,
        roles=frozenset(roles),
        capabilities=frozenset(token(x) for x in capabilities),
        needs=frozenset(token(x) for x in needs),
        values=frozenset(token(x) for x in values),
    )


@dataclass(frozen=True)
class WinBreakdown:
    """The four terms of ``win(s, c)`` and the words and organisations behind them."""

    customer_fit: float
    supplier_fit: float
    shared_values: float
    reach: float
    meets_customer: tuple[str, ...]
    """The customer's needs that the supplier's capabilities meet."""
    meets_supplier: tuple[str, ...]
    """The supplier's needs that the customer's capabilities meet."""
    values: tuple[str, ...]
    new_reach: tuple[str, ...]
    """The customer's customers that the supplier does not reach yet."""

    @property
    def win(self) -> float:
        """``win(s, c)``: the sum of the terms, or 0 when only reach joins the pair."""
        affinity = self.customer_fit + self.supplier_fit + self.shared_values
        return affinity + self.reach if affinity > 0 else 0.0


def explain_win(
    supplier: Profile,
    customer: Profile,
    *,
    supplier_customers: frozenset[str],
    customer_customers: frozenset[str],
) -> WinBreakdown:
    """Each term of ``win(s, c)`` (module docstring) with what produced it."""
    meets_customer = supplier.capabilities & customer.needs
    meets_supplier = customer.capabilities & supplier.needs
    shared = supplier.values & customer.values
    union = supplier.values | customer.values
    new = customer_customers - supplier_customers - {supplier.key}
    return WinBreakdown(
        customer_fit=len(meets_customer) / len(customer.needs) if customer.needs else 0.0,
        supplier_fit=len(meets_supplier) / len(supplier.needs) if supplier.needs else 0.0,
        shared_values=len(shared) / len(union) if union else 0.0,
        reach=len(new) / (1 + len(customer_customers)),
        meets_customer=tuple(sorted(meets_customer)),
        meets_supplier=tuple(sorted(meets_supplier)),
        values=tuple(sorted(shared)),
        new_reach=tuple(sorted(new)),
    )


def predicted_win(
    supplier: Profile,
    customer: Profile,
    *,
    supplier_customers: frozenset[str],
    customer_customers: frozenset[str],
) -> float:
    """``win(s, c)`` of the module docstring for one pair (0 when the pair has no
    affinity); the reference the vectorised :func:`candidate_pairs` must agree with."""
    return explain_win(
        supplier,
        customer,
        supplier_customers=supplier_customers,
        customer_customers=customer_customers,
    ).win
