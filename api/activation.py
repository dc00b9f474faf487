"""One-time activation of a business account: a signed, expiring token (PyJWT, the same
key as bearer tokens) naming the account and the token version it was issued under.

Activating moves the account's version on, so a token works once; renewing it moves
the version on too, so only the newest works. The audience claim keeps an activation
token from ever passing as a bearer token, and a bearer token from activating.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import jwt

from adapters.accounts import Account

AUDIENCE = "complaint-desk:activation"
ALGORITHM = "HS256"
DAYS = 7


class ActivationTokens:
    def __init__(self, key: str, days: int = DAYS) -> None:
        self._key = key
        self.lifetime = timedelta(days=days)

    def issue(self, account: Account, *, now: datetime | None = None) -> str:
        now = now or datetime.now(UTC)
        claims = {"sub": account.username, "ver": account.token_version, "aud": AUDIENCE,
                  "iat": now, "exp": now + self.lifetime}
        return jwt.encode(claims, self._key, algorithm=ALGORITHM)

    def read(self, token: str) -> tuple[str, int] | None:
        """(username, token version) of a valid, unexpired activation token; else None."""
        try:
            claims = jwt.decode(token, self._key, algorithms=[ALGORITHM], audience=AUDIENCE,
                                options={"require": ["exp", "sub", "aud", "ver"]})
            return str(claims["sub"]), int(claims["ver"])
        except (jwt.PyJWTError, KeyError, ValueError, TypeError):
            return None
