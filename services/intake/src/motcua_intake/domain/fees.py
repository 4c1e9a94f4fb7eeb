"""Phí, lệ phí of a procedure: amounts per channel, tiered per-page prices, exemptions.

Amounts are whole đồng (VND has no minor unit). Civil-status fees that are not waived by the law
are set by each province's HĐND, so the catalogue holds a typical value with a note and a
province replaces it in its data file.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from pydantic import BaseModel, ConfigDict, Field, model_validator

from motcua_platform.contracts.events import Channel

ALL_CHANNELS: tuple[Channel, ...] = (Channel.COUNTER, Channel.ONLINE, Channel.POSTAL)


class FeeExemption(BaseModel):
    """A miễn / giảm case: when it applies the fee becomes ``amount`` (0 = miễn, > 0 = giảm)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    code: str = Field(min_length=1)
    description: str
    amount: int = Field(default=0, ge=0)


class FeeTier(BaseModel):
    """Price per unit from the ``from_unit``-th unit on (e.g. 1,000 đ per page from page 3)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    from_unit: int = Field(ge=1)
    amount: int = Field(ge=0)


class Fee(BaseModel):
    """One fee line of a procedure version."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str
    amount: int = Field(ge=0, description="VND per unit (per dossier unless `per` says otherwise)")
    per: str = "hồ sơ"
    channels: tuple[Channel, ...] = ALL_CHANNELS
    tiers: tuple[FeeTier, ...] = ()
    max_amount: int | None = Field(default=None, ge=0)
    exemptions: tuple[FeeExemption, ...] = ()
    note: str | None = None

    @model_validator(mode="after")
    def _tiers_start_at_first_unit(self) -> Fee:
        if self.tiers and self.tiers[0].from_unit != 1:
            raise ValueError("the first fee tier must start at unit 1")
        starts = [tier.from_unit for tier in self.tiers]
        if starts != sorted(set(starts)):
            raise ValueError("fee tiers must have increasing, distinct starting units")
        return self

    def amount_for(self, quantity: int = 1) -> int:
        """Fee for ``quantity`` units (pages, copies, cases), before exemptions."""
        if quantity < 1:
            raise ValueError("quantity must be at least 1")
        if not self.tiers:
            total = self.amount * quantity
        else:
            total = 0
            for index, tier in enumerate(self.tiers):
                end = self.tiers[index + 1].from_unit - 1 if index + 1 < len(self.tiers) else None
                last = quantity if end is None else min(quantity, end)
                if last >= tier.from_unit:
                    total += (last - tier.from_unit + 1) * tier.amount
        if self.max_amount is not None:
            total = min(total, self.max_amount)
        return total


class FeeLine(BaseModel):
    """A fee as assessed on one dossier (what Mẫu 01 prints and the fee receipt collects)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str
    amount: int = Field(ge=0)
    quantity: int = Field(default=1, ge=1)
    per: str = "hồ sơ"
    exemption: str | None = None


def assess_fees(
    fees: Sequence[Fee],
    channel: Channel,
    *,
    exemptions: Iterable[str] = (),
    quantity: int = 1,
) -> list[FeeLine]:
    """The fee lines due for a dossier filed through ``channel``.

    Claimed ``exemptions`` (codes the officer has verified) reduce each fee that lists them;
    when several apply, the citizen pays the lowest resulting amount. Codes that no fee of this
    channel knows are returned as an error by the caller (see :func:`unknown_exemptions`).
    """
    claimed = set(exemptions)
    lines: list[FeeLine] = []
    for fee in fees:
        if channel not in fee.channels:
            continue
        amount = fee.amount_for(quantity)
        applied: str | None = None
        for exemption in fee.exemptions:
            if exemption.code in claimed and exemption.amount < amount:
                amount, applied = exemption.amount, exemption.code
        lines.append(
            FeeLine(name=fee.name, amount=amount, quantity=quantity, per=fee.per, exemption=applied)
        )
    return lines


def unknown_exemptions(fees: Sequence[Fee], channel: Channel, claimed: Iterable[str]) -> list[str]:
    """Claimed exemption codes that no fee of ``channel`` offers."""
    known = {e.code for fee in fees if channel in fee.channels for e in fee.exemptions}
    return sorted(set(claimed) - known)
