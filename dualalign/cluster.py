"""Connecting to Ray (extra ``ray``): the one place that starts or joins a cluster.

``--ray-address local`` starts an in-process cluster with one CPU per worker, ``auto`` joins
the cluster ``ray start --head`` started on this machine, and ``HOST:PORT`` joins that head
(checked with a plain TCP connection first, so a wrong address fails in one line, at once,
instead of Ray's long retry loop).
"""

from __future__ import annotations

import logging
import os
import socket
from typing import Any

from dualalign.errors import ConfigError

__all__ = ["INSTALL_HINT", "check_address", "connect", "import_ray"]

INSTALL_HINT = "pip install 'dualalign[ray]'"


def import_ray() -> Any:
    """The ``ray`` module, or one line saying how to install it."""
    # the driver's C++ core logs warnings (such as its failed probe for an outside address) to
    # stderr; errors still reach the user as exceptions
    os.environ.setdefault("RAY_BACKEND_LOG_LEVEL", "fatal")
    try:
        import ray
    except ImportError as exc:
        raise ConfigError(f"--executor ray needs the 'ray' package: {INSTALL_HINT}") from exc
    return ray


def _host_port(address: str) -> tuple[str, int]:
    host, sep, port = address.rpartition(":")
    if not sep or not host or not port.isdigit() or not 0 < int(port) < 65536:
        raise ConfigError(
            f"--ray-address {address!r} is not auto, local or HOST:PORT; give e.g. "
            "127.0.0.1:6379 (the address `ray start --head` prints)"
        )
    return host.strip("[]"), int(port)


def _reachable(host: str, port: int, timeout: float = 3.0) -> bool:
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


def check_address(address: str) -> None:
    """Refuse, before any work, a missing ``ray`` package, a malformed address, or a
    ``HOST:PORT`` where no head answers.

    Raises:
        ConfigError: what is wrong and how to fix it.
    """
    import_ray()
    if address in ("auto", "local"):
        return
    host, port = _host_port(address)
    if not _reachable(host, port):
        raise ConfigError(
            f"no Ray head answers at {host}:{port}; start one with `ray start --head "
            f"--port {port}` or use --ray-address local"
        )


def connect(address: str, workers: int) -> Any:
    """Start or join a Ray cluster (once per process); returns the ``ray`` module.

    Raises:
        ConfigError: Ray is not installed, the address is malformed, or no head answers there.
    """
    ray = import_ray()
    if ray.is_initialized():
        return ray
    quiet: dict[str, Any] = {"logging_level": logging.ERROR, "log_to_driver": False}
    if address == "local":
        ray.init(num_cpus=workers, include_dashboard=False, **quiet)
        return ray
    check_address(address)
    try:
        ray.init(address=address, **quiet)
    except ConnectionError as exc:
        raise ConfigError(
            f"could not join a Ray cluster at --ray-address {address} ({exc}); start one "
            "with `ray start --head` or use --ray-address local"
        ) from exc
    return ray
