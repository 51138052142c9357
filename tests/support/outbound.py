"""IPv6 encodings of an IPv4 address, for the SSRF guard's tests (pure and through HTTP)."""

from __future__ import annotations

import ipaddress

PUBLIC_SERVER = "65.54.227.120"  # a public Teredo server
PRIVATE_TARGETS = ["127.0.0.1", "10.0.0.1", "169.254.169.254"]
PUBLIC_TARGET = "93.184.215.14"


def ipv6_forms(ipv4: str) -> dict[str, str]:
    """Every IPv6 form that carries ``ipv4``, by name (the guard judges each by it)."""
    v4 = int(ipaddress.IPv4Address(ipv4))
    server = int(ipaddress.IPv4Address(PUBLIC_SERVER))

    def v6(value: int) -> str:
        return str(ipaddress.IPv6Address(value))

    return {
        "ipv4-mapped": v6(0xFFFF << 32 | v4),
        "ipv4-compatible": v6(v4),
        "ipv4-translated": v6(0xFFFF << 48 | v4),
        "6to4": v6(0x2002 << 112 | v4 << 80 | 1),
        "teredo-client": v6(0x20010000 << 96 | server << 64 | (~v4 & 0xFFFFFFFF)),
        "teredo-server": v6(0x20010000 << 96 | v4 << 64 | (~server & 0xFFFFFFFF)),
        "nat64": v6(0x0064FF9B << 96 | v4),
    }


def url_of(ipv6: str, port: int = 8080) -> str:
    return f"http://[{ipv6}]:{port}/hook"


# (form, IPv4, whether the guard lets it through with an empty allow-list)
FORM_TABLE = [(form, ipv4, False) for ipv4 in PRIVATE_TARGETS for form in ipv6_forms(ipv4)] + [
    (form, PUBLIC_TARGET, True) for form in ipv6_forms(PUBLIC_TARGET)
]
