"""The SSRF guard's judgement of IPv6 addresses that carry an IPv4 address: each form is
judged by the IPv4 address inside it (mapped, compatible, translated, 6to4, Teredo, NAT64)."""

from __future__ import annotations

import ipaddress

import pytest

from petstore.core.outbound import OutboundPolicy, OutboundRefused
from tests.support.outbound import FORM_TABLE, PUBLIC_SERVER, PUBLIC_TARGET, ipv6_forms, url_of


@pytest.mark.parametrize(("form", "ipv4", "allowed"), FORM_TABLE)
async def test_ipv6_forms_are_judged_by_the_ipv4_they_carry(
    form: str, ipv4: str, allowed: bool
) -> None:
    url = url_of(ipv6_forms(ipv4)[form])
    if allowed:
        assert await OutboundPolicy("").resolve(url)
    else:
        with pytest.raises(OutboundRefused, match="non-public address"):
            await OutboundPolicy("").resolve(url)


@pytest.mark.parametrize("form", list(ipv6_forms("127.0.0.1")))
async def test_the_allow_list_covers_the_ipv4_inside(form: str) -> None:
    """A loopback allowed by ``PETSTORE_OUTBOUND_ALLOW`` is allowed in every encoding."""
    url = url_of(ipv6_forms("127.0.0.1")[form])
    assert await OutboundPolicy("127.0.0.0/8").resolve(url)
    with pytest.raises(OutboundRefused):
        await OutboundPolicy("10.0.0.0/8").resolve(url)


@pytest.mark.parametrize(
    "literal",
    [
        "64:ff9b:1::5db8:d70e",  # local-use NAT64: where the IPv4 sits is the operator's choice
        "64:ff9b:1:5db8:d7:e00::",
        "100::1",  # discard-only
        "::1",
        "::",
    ],
)
async def test_unjudgeable_and_reserved_ipv6_is_refused(literal: str) -> None:
    with pytest.raises(OutboundRefused):
        await OutboundPolicy("").resolve(url_of(literal))


def test_the_table_encodes_as_the_standards_do() -> None:
    """The table's encodings decode back, with the standard library, to the IPv4 inside."""
    forms = {k: ipaddress.IPv6Address(v) for k, v in ipv6_forms(PUBLIC_TARGET).items()}
    public = ipaddress.IPv4Address(PUBLIC_TARGET)
    assert forms["ipv4-mapped"].ipv4_mapped == public
    assert forms["6to4"].sixtofour == public
    assert forms["teredo-client"].teredo == (ipaddress.IPv4Address(PUBLIC_SERVER), public)
    teredo_server = forms["teredo-server"].teredo
    assert teredo_server is not None
    assert teredo_server[0] == public
