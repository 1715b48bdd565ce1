"""Shared test setup: the unit tests run offline.

An autouse fixture refuses every socket connection that is not to the loopback interface
(127.0.0.0/8, ::1, ``localhost``) or a Unix socket, so a test that would download a model
or data fails loudly instead of quietly using the network. Loopback stays open because
Jupyter kernels (nbclient) talk to the test process over it. ``tests/test_corpus.py``
proves the guard blocks. Notebooks get the same treatment from ``scripts/offline.sh``
(``unshare -rn`` where the system allows).

A second autouse fixture points ``CORPUS_UTILS_CACHE`` (the term cache of
:mod:`corpus_utils.cache`) at a fresh temporary folder for each test, so no test reads
terms another test stored, and none writes into the user's ``~/.cache/corpus-utils``.
Subprocesses and notebook kernels started by a test inherit the setting.
"""

from __future__ import annotations

import ipaddress
import socket

import pytest


class NetworkBlocked(RuntimeError):
    """Raised when a test tries to reach the network (not an OSError, so no code path
    treats it as 'offline, fall back' and carries on silently)."""


_LOOPBACK_NAMES = {"localhost", "localhost.localdomain", "ip6-localhost", "ip6-loopback"}


def _is_loopback(address) -> bool:
    if isinstance(address, (str, bytes)):  # AF_UNIX path (or abstract socket)
        return True
    if not isinstance(address, tuple) or not address:
        return False
    host = address[0]
    if isinstance(host, bytes):
        host = host.decode("ascii", "replace")
    host = str(host).strip("[]").split("%")[0].lower()
    if host in _LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:  # a host name other than localhost: never resolved here
        return False


def _guard(original, what: str):
    def guarded(sock_or_address, *args, **kwargs):
        if isinstance(sock_or_address, socket.socket):  # method: (self, address, ...)
            address = args[0] if args else kwargs.get("address")
            family = sock_or_address.family
        else:  # create_connection(address, ...)
            address, family = sock_or_address, None
        if family == getattr(socket, "AF_UNIX", object()) or _is_loopback(address):
            return original(sock_or_address, *args, **kwargs)
        raise NetworkBlocked(f"{what}({address!r}) refused: unit tests run offline "
                             "(tests/conftest.py allows loopback and Unix sockets only)")

    return guarded


def _guard_sendto(original):
    def sendto(self, data, *args):
        address = args[-1] if args else None
        if self.family != getattr(socket, "AF_UNIX", object()) and address is not None \
                and not _is_loopback(address):
            raise NetworkBlocked(f"socket.sendto({address!r}) refused: unit tests run offline")
        return original(self, data, *args)

    return sendto


@pytest.fixture(autouse=True)
def _offline(monkeypatch):
    """Refuse every non-loopback connection for the duration of each test."""
    monkeypatch.setattr(socket.socket, "connect", _guard(socket.socket.connect, "socket.connect"))
    monkeypatch.setattr(socket.socket, "connect_ex", _guard(socket.socket.connect_ex, "socket.connect_ex"))
    monkeypatch.setattr(socket.socket, "sendto", _guard_sendto(socket.socket.sendto))
    monkeypatch.setattr(socket, "create_connection", _guard(socket.create_connection, "socket.create_connection"))
    yield


@pytest.fixture(autouse=True)
def _private_cache(monkeypatch, tmp_path_factory):
    """Point the term cache at a per-test temporary folder (never the user's cache)."""
    monkeypatch.setenv("CORPUS_UTILS_CACHE", str(tmp_path_factory.mktemp("cache")))
    yield
