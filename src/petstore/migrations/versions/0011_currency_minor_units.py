"""amounts in each currency's own minor unit (ISO 4217 exponent)

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-09

Every amount used to be stored in hundredths, whatever its currency. Amounts are now counted in
the currency's minor unit (``petstore.core.money``): whole yen, won..., thousandths of a dinar.
Rows in a currency without a minor unit are divided by 100 (an amount written with decimals
before the rule existed is rounded half up to a whole unit, the same way on the order, its
payments and receipts); rows in a three-decimal currency are multiplied by 10; all other rows
are already right. Downgrading reverses this, dropping the third decimal the old storage cannot
hold. The lists are the ones of this revision, written out so that later changes to the table
cannot rewrite history.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

NO_MINOR_UNIT = ("CLP", "ISK", "JPY", "KRW", "PYG", "UGX", "VND", "XAF", "XOF")
THREE_DECIMALS = ("BHD", "IQD", "JOD", "KWD", "LYD", "OMR", "TND")
AMOUNTS = (
    ("pets", "price_minor"),
    ("orders", "total_minor"),
    ("payments", "amount_minor"),
    ("receipts", "amount_minor"),
)


def _codes(codes: tuple[str, ...]) -> str:
    return ", ".join(f"'{code}'" for code in codes)


def _rescale(to_own_unit: bool) -> None:
    for table, column in AMOUNTS:
        if to_own_unit:
            whole, thousandths = f"({column} + 50) / 100", f"{column} * 10"
        else:
            whole, thousandths = f"{column} * 100", f"{column} / 10"
        op.execute(
            f"UPDATE {table} SET {column} = {whole} "  # noqa: S608 - constants only
            f"WHERE currency IN ({_codes(NO_MINOR_UNIT)})"
        )
        op.execute(
            f"UPDATE {table} SET {column} = {thousandths} "  # noqa: S608 - constants only
            f"WHERE currency IN ({_codes(THREE_DECIMALS)})"
        )


def upgrade() -> None:
    _rescale(to_own_unit=True)


def downgrade() -> None:
    _rescale(to_own_unit=False)
