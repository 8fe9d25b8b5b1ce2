"""Password hashing with scrypt (memory-hard, in the standard library).

Stored form: ``scrypt$n$r$p$salt$hash`` (salt and hash base64), so each hash carries the cost it
was made with and older hashes still verify. New hashes use OWASP's scrypt parameters: N=2^17,
r=8, p=1 (128 MiB of memory; ``maxmem`` is passed explicitly, as Python's default of 32 MiB
would refuse it). A hash made with a lower cost (schema-1 to -5 programs used N=2^15) is made
again at sign-in (:func:`needs_rehash`, ``users.authenticate``). Sign-in costs one hash: about
0.35 s of CPU on a 2-core Xeon (``tests/benchmarks/bench_sign_in.py``).

Argon2id would be as good, but it needs ``argon2-cffi``, which this program does not depend on.
Passwords are never stored, logged or audited in plain text.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os

SCHEME = "scrypt"
N, R, P = 2**17, 8, 1  # OWASP Password Storage Cheat Sheet: N >= 2^17, r = 8, p = 1
_SALT_BYTES = 16
_HASH_BYTES = 64
MIN_LENGTH = 8
# A stored hash may ask for at most this much memory (2^20 × r=8: 1 GiB); beyond, it is refused
# rather than let a planted hash exhaust the machine.
_MAX_MEMORY = 1024 * 1024 * 1024


def hash_password(password: str) -> str:
    salt = os.urandom(_SALT_BYTES)
    digest = _scrypt(password, salt, N, R, P, _HASH_BYTES)
    return "$".join([SCHEME, str(N), str(R), str(P), _b64(salt), _b64(digest)])


def verify_password(password: str, stored: str | None) -> bool:
    params = _parse(stored)
    if params is None:
        return False
    n, r, p, salt, expected = params
    try:
        actual = _scrypt(password, salt, n, r, p, len(expected))
    except (ValueError, MemoryError):  # UnicodeEncodeError too (a lone surrogate)
        return False
    return hmac.compare_digest(actual, expected)


def needs_rehash(stored: str | None) -> bool:
    """Whether a hash that verified was made with less than today's cost (or another form)."""
    params = _parse(stored)
    if params is None:
        return False
    n, r, p, salt, _digest = params
    return n < N or r < R or p < P or len(salt) < _SALT_BYTES


def _parse(stored: str | None) -> tuple[int, int, int, bytes, bytes] | None:
    if not stored:
        return None
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
        if scheme != SCHEME:
            return None
        return int(n), int(r), int(p), base64.b64decode(salt), base64.b64decode(digest)
    except (ValueError, TypeError):
        return None


def _scrypt(password: str, salt: bytes, n: int, r: int, p: int, length: int) -> bytes:
    memory = 128 * r * (n + p + 2)  # scrypt's V and B arrays, with room to spare
    if memory > _MAX_MEMORY or length <= 0:
        raise ValueError("scrypt parameters out of range")
    return hashlib.scrypt(
        password.encode(),
        salt=salt,
        n=n,
        r=r,
        p=p,
        maxmem=memory + 1024 * 1024,
        dklen=length,
    )


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")
