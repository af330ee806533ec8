"""The SSRF guard's pure rules: which target URLs parse, which spellings name which address, which are refused."""

from __future__ import annotations

import ipaddress

import pytest

from tandem.domain.errors import ValidationError
from tandem.domain.webhooks import literal_ip, parse_target, refusal

LOOPBACK_SPELLINGS = [
    "127.0.0.1",
    "2130706433",  # decimal
    "0x7f000001",  # hex
    "0x7f.0.0.1",
    "0177.0.0.1",  # octal
    "0177.0.0.01",
    "127.1",  # short form
    "127.0.1",
    "127.0.0.1.",  # trailing dot
    "[::1]",
    "[::ffff:127.0.0.1]",  # IPv4-mapped
    "[::ffff:7f00:1]",
    "[0:0:0:0:0:ffff:127.0.0.1]",
    "[2002:7f00:1::]",  # 6to4 around 127.0.0.1
    "[64:ff9b::127.0.0.1]",  # NAT64 around 127.0.0.1
]

FORBIDDEN = [
    *LOOPBACK_SPELLINGS,
    "10.0.0.1",
    "10.255.255.255",
    "172.16.0.1",
    "172.31.255.254",
    "192.168.1.1",
    "[fd12:3456::1]",  # unique local
    "169.254.169.254",
    "0xa9fea9fe",  # 169.254.169.254 in hex
    "2852039166",  # 169.254.169.254 in decimal
    "[fd00:ec2::254]",
    "[::ffff:169.254.169.254]",
    "[64:ff9b::a9fe:a9fe]",
    "169.254.1.1",
    "[fe80::1]",
    "224.0.0.1",
    "239.255.255.250",
    "[ff02::1]",
    "0.0.0.0",
    "0",
    "[::]",
    "100.64.0.1",
    "100.127.255.254",
    "240.0.0.1",
    "255.255.255.255",
    "192.0.2.1",
    "[2001:db8::1]",
]

METADATA = ["169.254.169.254", "[fd00:ec2::254]", "[::ffff:169.254.169.254]", "[::ffff:a9fe:a9fe]", "2852039166"]


def _ip(host: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address:
    ip = literal_ip(host)
    assert ip is not None, f"{host} was not read as an address"
    return ip


@pytest.mark.parametrize("host", LOOPBACK_SPELLINGS)
def test_every_spelling_of_loopback_is_read_as_a_loopback_address(host: str) -> None:
    # Given an attacker's spelling of the local host / When read / Then it is 127.0.0.1 or ::1 (possibly wrapped)
    ip = _ip(host)
    assert refusal(ip, allow_private=False) is not None
    assert "loopback" in (refusal(ip, allow_private=False) or "")


@pytest.mark.parametrize("host", FORBIDDEN)
def test_forbidden_addresses_are_refused(host: str) -> None:
    assert refusal(_ip(host), allow_private=False) is not None


@pytest.mark.parametrize(
    ("host", "expected"),
    [
        ("2130706433", "127.0.0.1"),
        ("0x7f000001", "127.0.0.1"),
        ("0177.0.0.1", "127.0.0.1"),
        ("127.1", "127.0.0.1"),
        ("10.1", "10.0.0.1"),
        ("192.168.257", "192.168.1.1"),
        ("[::1]", "::1"),
        ("8.8.8.8", "8.8.8.8"),
    ],
)
def test_literal_ip_reads_legacy_ipv4_forms_like_inet_aton(host: str, expected: str) -> None:
    assert literal_ip(host) == ipaddress.ip_address(expected)


@pytest.mark.parametrize("host", ["example.com", "1.2.3.4.5", "256.0.0.1", "0x", "08.0.0.1", "4294967296", "[zz::1]"])
def test_literal_ip_returns_none_for_names_and_impossible_addresses(host: str) -> None:
    assert literal_ip(host) is None


PUBLIC = ["8.8.8.8", "1.1.1.1", "[2606:4700:4700::1111]", "[::ffff:8.8.8.8]", "[64:ff9b::8.8.8.8]"]


@pytest.mark.parametrize("host", PUBLIC)
def test_public_addresses_are_allowed(host: str) -> None:
    assert refusal(_ip(host), allow_private=False) is None


@pytest.mark.parametrize("host", ["127.0.0.1", "[::1]", "10.0.0.1", "172.16.5.4", "192.168.0.10", "[::ffff:10.0.0.1]"])
def test_allow_private_admits_loopback_and_private_ranges(host: str) -> None:
    # Given the local stack's switch / Then loopback and private targets are admitted (and refused without it)
    assert refusal(_ip(host), allow_private=True) is None
    assert refusal(_ip(host), allow_private=False) is not None


@pytest.mark.parametrize("host", METADATA)
def test_metadata_addresses_are_refused_even_when_private_targets_are_allowed(host: str) -> None:
    reason = refusal(_ip(host), allow_private=True)
    assert reason is not None and "metadata" in reason


ALWAYS_REFUSED = ["[fe80::1]", "169.254.1.1", "100.64.0.1", "224.0.0.1", "0.0.0.0", "[::]", "240.0.0.1"]


@pytest.mark.parametrize("host", ALWAYS_REFUSED)
def test_allow_private_still_refuses_link_local_cgnat_multicast_unspecified_and_reserved(host: str) -> None:
    assert refusal(_ip(host), allow_private=True) is not None


def test_the_reason_names_the_kind_and_the_address() -> None:
    assert refusal(_ip("10.0.0.1"), allow_private=False) == "private address 10.0.0.1"


# --- URLs ------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://hooks.example.com/in?x=1", ("https", "hooks.example.com", 443)),
        ("http://hooks.example.com", ("http", "hooks.example.com", 80)),
        ("HTTPS://Hooks.Example.COM:8443/x", ("https", "hooks.example.com", 8443)),
        ("http://[::1]:8080/", ("http", "::1", 8080)),
        ("http://127.0.0.1:9000/hook", ("http", "127.0.0.1", 9000)),
    ],
)
def test_parse_target_gives_scheme_host_and_port(url: str, expected: tuple[str, str, int]) -> None:
    assert parse_target(url) == expected


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "ftp://example.com/x",
        "gopher://127.0.0.1:6379/_FLUSHALL",
        "dict://127.0.0.1:11211/",
        "javascript:alert(1)",
        "//example.com/no-scheme",
        "example.com/no-scheme",
        "http://user:pw@example.com/",
        "http://user@example.com/",
        "http://example.com@127.0.0.1/",
        "http:///no-host",
        "http://example.com:99999/",
        "http://example.com:abc/",
        "http://exa mple.com/",
        "http://example.com/\r\nX-Injected: 1",
        "http://127%2e0%2e0%2e1/",
        "http://[fe80::1%25eth0]/",
        "",
        "https://example.com/" + "a" * 3000,
    ],
)
def test_parse_target_refuses_other_schemes_credentials_and_malformed_urls(url: str) -> None:
    with pytest.raises(ValidationError) as caught:
        parse_target(url)
    assert caught.value.details == {"field": "target_url"}
