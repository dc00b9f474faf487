"""Signing in, for the API's token route and the login page alike: attempt limits per
account and per client address (the `limits` library), the bounded password check,
and the record of every attempt.

Per address every attempt counts; per account only failures count, so the holder of
an account is not kept out by their own successful sign-ins. A refused attempt is
never checked against the password at all: that is what keeps a flood cheap.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

from limits import RateLimitItem, parse
from limits.storage import storage_from_string
from limits.strategies import MovingWindowRateLimiter

from adapters.accounts import Account, Accounts, TooBusy


class TooManyAttempts(Exception):
    """Refused before any password check; try again after `retry_after` seconds."""

    def __init__(self, retry_after: int, scope: str) -> None:
        super().__init__(f"too many sign-in attempts for this {scope}; "
                         f"try again in {retry_after} s")
        self.retry_after = retry_after
        self.scope = scope


class SignInBusy(Exception):
    """Every password check slot stayed busy."""


@dataclass(frozen=True)
class Attempt:
    username: str
    password: str
    address: str


class SignIn:
    def __init__(self, *, per_account: str = "5/minute", per_address: str = "30/minute",
                 storage: str = "memory://") -> None:
        self.per_account: RateLimitItem = parse(per_account)
        self.per_address: RateLimitItem = parse(per_address)
        self.limiter = MovingWindowRateLimiter(storage_from_string(storage))

    def __call__(self, accounts: Accounts, attempt: Attempt) -> Account | None:
        """The account, or None for a wrong password; raises when refused unchecked."""
        if not self.limiter.hit(self.per_address, "address", attempt.address):
            raise TooManyAttempts(self._wait(self.per_address, "address", attempt.address),
                                  "address")
        if not self.limiter.test(self.per_account, "account", attempt.username):
            raise TooManyAttempts(self._wait(self.per_account, "account", attempt.username),
                                  "account")
        try:
            account = accounts.authenticate(attempt.username, attempt.password,
                                            address=attempt.address)
        except TooBusy:
            raise SignInBusy() from None
        if account is None:
            self.limiter.hit(self.per_account, "account", attempt.username)
        return account

    def _wait(self, item: RateLimitItem, *identifiers: str) -> int:
        reset = self.limiter.get_window_stats(item, *identifiers).reset_time
        return max(1, math.ceil(reset - time.time()))

    def forget(self, username: str) -> None:
        """After a password reset, the account's failures no longer count."""
        self.limiter.clear(self.per_account, "account", username)
