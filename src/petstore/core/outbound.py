"""The SSRF guard for every URL the server calls (webhooks and callbacks).

A target is refused when any address its host resolves to is private, loopback, link-local
(cloud metadata lives there), multicast, reserved or unspecified, unless that address or host
is allowed by ``PETSTORE_OUTBOUND_ALLOW`` (comma-separated CIDRs and host names; tests allow
their loopback receivers). The check runs when a URL is registered and again before every
delivery, after DNS resolution; redirects are never followed.

An IPv6 address that carries an IPv4 address (IPv4-mapped ``::ffff:a.b.c.d``, IPv4-compatible
``::a.b.c.d``, IPv4-translated ``::ffff:0:a.b.c.d``, 6to4 ``2002::/16``, Teredo ``2001::/32``
with its server and client, NAT64 ``64:ff9b::/96``) is judged by every IPv4 address it
carries, since the host's stack, a relay or a translator may deliver it there. The local-use
NAT64 prefix ``64:ff9b:1::/48`` places the IPv4 address where its operator chooses, so it
cannot be judged and is refused (it is not globally reachable anyway); so is every other
reserved IPv6 range (all of ``::/8``, where further embeddings live).
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from collections.abc import Iterable
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from petstore.core.errors import validation_failed

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
Network = ipaddress.IPv4Network | ipaddress.IPv6Network


class OutboundRefused(Exception):  # noqa: N818
    """The URL may not be called: its reason is safe to show to the client."""


class OutboundPolicy:
    def __init__(self, allow: str = "") -> None:
        self.networks: list[Network] = []
        self.hosts: set[str] = set()
        for item in (part.strip() for part in allow.split(",")):
            if not item:
                continue
            try:
                self.networks.append(ipaddress.ip_network(item, strict=False))
            except ValueError:
                self.hosts.add(item.lower())

    def check_syntax(self, url: str) -> tuple[str, int]:
        """Scheme, host and port of a URL we are willing to call."""
        try:
            parts = urlsplit(url)
        except ValueError as exc:
            raise OutboundRefused("the URL is malformed") from exc
        if parts.scheme not in ("http", "https"):
            raise OutboundRefused("the URL must use http or https")
        if not parts.hostname:
            raise OutboundRefused("the URL has no host")
        if parts.username or parts.password:
            raise OutboundRefused("the URL may not carry credentials")
        try:
            port = parts.port or (443 if parts.scheme == "https" else 80)
        except ValueError as exc:
            raise OutboundRefused("the URL's port is invalid") from exc
        return parts.hostname.lower(), port

    def _address_allowed(self, address: IPAddress) -> bool:
        """Allowed when listed, else judged by the IPv4 addresses it carries (all must pass),
        else public: global, not multicast, not reserved."""
        if any(address in network for network in self.networks):
            return True
        embedded = _embedded_ipv4(address)
        if embedded:
            return all(self._address_allowed(inner) for inner in embedded)
        if address in NAT64_LOCAL:
            return False
        return address.is_global and not address.is_multicast and not address.is_reserved

    async def resolve(self, url: str) -> list[IPAddress]:
        """Resolve the URL's host and refuse it if any address is off limits."""
        host, port = self.check_syntax(url)
        try:
            literal = ipaddress.ip_address(host.strip("[]"))
            addresses: list[IPAddress] = [literal]
        except ValueError:
            addresses = await _lookup(host, port)
        if host in self.hosts:
            return addresses
        refused = [a for a in addresses if not self._address_allowed(a)]
        if refused:
            raise OutboundRefused(
                f"the host resolves to a non-public address ({refused[0]}); "
                "private, loopback, link-local and metadata addresses are refused unless the "
                "server's operator allows them with PETSTORE_OUTBOUND_ALLOW (e.g. "
                f"PETSTORE_OUTBOUND_ALLOW={_allow_example(refused[0])} for a local receiver)"
            )
        return addresses


def _allow_example(address: IPAddress) -> str:
    """The allow-list entry that admits just this address."""
    return f"{address}/{address.max_prefixlen}"


NAT64_WELL_KNOWN = ipaddress.ip_network("64:ff9b::/96")  # RFC 6052: IPv4 in the last 32 bits
NAT64_LOCAL = ipaddress.ip_network("64:ff9b:1::/48")  # RFC 8215: layout chosen by the operator
IPV4_COMPATIBLE = ipaddress.ip_network("::/96")  # RFC 4291 (deprecated): ::a.b.c.d
IPV4_TRANSLATED = ipaddress.ip_network("::ffff:0:0:0/96")  # RFC 2765 (SIIT): ::ffff:0:a.b.c.d


def _embedded_ipv4(address: IPAddress) -> list[ipaddress.IPv4Address]:
    """Every IPv4 address an IPv6 address carries (none for other addresses), because each is
    somewhere a packet to it may end up: the mapped or compatible host, the 6to4 relay, the
    Teredo server and client (the client's bits are inverted), the NAT64 translation."""
    if not isinstance(address, ipaddress.IPv6Address):
        return []
    low32 = ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    if address.ipv4_mapped is not None:
        return [address.ipv4_mapped]
    if address.teredo is not None:
        server, client = address.teredo
        return [server, client]
    if address.sixtofour is not None:
        return [address.sixtofour]
    if any(address in net for net in (IPV4_COMPATIBLE, IPV4_TRANSLATED, NAT64_WELL_KNOWN)):
        return [low32]
    return []


def pinned(url: str, address: IPAddress) -> tuple[str, dict[str, str], dict[str, Any]]:
    """Address the request to the checked IP, keeping the name for ``Host`` and TLS (SNI and
    certificate check), so a second DNS answer cannot redirect it (DNS rebinding)."""
    parts = urlsplit(url)
    literal = f"[{address}]" if address.version == 6 else str(address)
    netloc = f"{literal}:{parts.port}" if parts.port else literal
    target = urlunsplit((parts.scheme, netloc, parts.path or "/", parts.query, ""))
    host_header = parts.netloc.rsplit("@", 1)[-1]
    extensions: dict[str, Any] = {}
    if parts.scheme == "https" and parts.hostname:
        extensions["sni_hostname"] = parts.hostname
    return target, {"Host": host_header}, extensions


async def _lookup(host: str, port: int) -> list[IPAddress]:
    loop = asyncio.get_running_loop()
    try:
        infos = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError, ValueError) as exc:  # gaierror, IDNA label too long, ...
        raise OutboundRefused(f"the host name '{host[:100]}' does not resolve") from exc
    return _unique(ipaddress.ip_address(info[4][0]) for info in infos)


def _unique(addresses: Iterable[IPAddress]) -> list[IPAddress]:
    seen: list[IPAddress] = []
    for address in addresses:
        if address not in seen:
            seen.append(address)
    return seen


async def check_public_url(policy: OutboundPolicy, url: str, field: str = "url") -> None:
    """A 422-style domain error naming ``field`` unless ``url`` may be called (SSRF guard)."""
    try:
        await policy.resolve(url)
    except OutboundRefused as exc:
        raise validation_failed(field, str(exc), "url_refused") from exc
