"""Attempt limits: counted before Logto is asked, atomically, per user and per real client IP."""

from __future__ import annotations

import threading
from types import SimpleNamespace
from typing import Any

import pytest
import responses
from django.contrib.auth import get_user_model
from django.contrib.sessions.backends.cache import SessionStore
from django.test import Client, RequestFactory
from django.urls import reverse

from account_center import ratelimit
from account_center.adapter import DefaultAccountCenterAdapter
from account_center.site_adapter import get_adapter
from account_center.flows import audit, verification
from account_center.flows.errors import FlowError
from account_center.models import AuditEvent, LogtoIdentity
from tests.helpers import ENDPOINT, SUB, USER_URL, USERS_URL, calls, logto_user, signed_in

VERIFY_URL = f"{USER_URL}/password/verify"
CODES = f"{ENDPOINT}/api/verification-codes"
STEP_UP = "account_center:step_up"


@pytest.mark.parametrize(
    "limits",
    [
        "5/15m/user,100/15m/ip",
        # The address rule, though it keeps failures only, takes its slot before the check too.
        "100/15m/user,5/15m/ip",
    ],
)
def test_parallel_wrong_passwords_reach_logto_at_most_the_limit(
    logto_mock, settings, monkeypatch, limits
):
    """40 threads at once, limit 5: Logto sees 5 password checks, the others are refused."""
    settings.ACCOUNT_CENTER_RATE_LIMITS = {"step_up_password": limits}
    threads = 40
    start = threading.Barrier(threads)
    lock, through, all_through = threading.Lock(), [0], threading.Event()
    consume = ratelimit.consume

    def counted_consume(*args: Any, **kwargs: Any) -> ratelimit.Attempt:
        try:
            return consume(*args, **kwargs)
        finally:
            with lock:
                through[0] += 1
                if through[0] == threads:
                    all_through.set()

    def logto_checks(request: Any) -> tuple[int, dict[str, str], str]:
        # Hold every password check at Logto until all 40 attempts went through the limiter, so
        # the attempts truly overlap (a limiter that counts after Logto answers lets all in).
        all_through.wait(timeout=10)
        return 422, {}, '{"code": "session.invalid_credentials", "message": "x"}'

    monkeypatch.setattr(ratelimit, "consume", counted_consume)
    monkeypatch.setattr(audit, "record", lambda *a, **k: None)
    logto_mock.add_callback("POST", VERIFY_URL, callback=logto_checks)
    outcomes: list[str] = []

    def attempt() -> None:
        request = RequestFactory().post("/", REMOTE_ADDR="192.0.2.10")
        request.user = SimpleNamespace(
            is_authenticated=True, logto_identity=SimpleNamespace(sub=SUB)
        )
        request.session = SessionStore()
        start.wait()
        try:
            verification.verify_password(request, "wrong")
        except ratelimit.RateLimited:
            outcomes.append("limited")
        except FlowError:
            outcomes.append("wrong")

    workers = [threading.Thread(target=attempt) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=30)
    assert len(calls(logto_mock, "POST", VERIFY_URL)) == 5
    assert sorted(outcomes) == ["limited"] * 35 + ["wrong"] * 5


def _second_user() -> Any:
    other = get_user_model().objects.create_user(username="bob-local")
    LogtoIdentity.objects.create(user=other, sub="u2")
    return other


def _wrong_passwords(logto_mock: Any) -> None:
    logto_mock.get(USER_URL, json=logto_user())
    logto_mock.get(f"{USERS_URL}/u2", json=logto_user(id="u2"))
    for sub in (SUB, "u2"):
        logto_mock.post(
            f"{USERS_URL}/{sub}/password/verify",
            status=422,
            json={"code": "session.invalid_credentials", "message": "x"},
        )


def test_behind_a_trusted_proxy_one_users_failures_do_not_lock_out_another(
    user, logto_mock, clock, settings
) -> None:
    settings.ACCOUNT_CENTER_TRUSTED_PROXY_COUNT = 1
    settings.ACCOUNT_CENTER_RATE_LIMITS = {"step_up_password": "5/15m/user,3/15m/ip"}
    _wrong_passwords(logto_mock)
    alice, bob = Client(), Client()
    signed_in(alice, user)
    signed_in(bob, _second_user())
    url = reverse(STEP_UP)
    proxy = {"REMOTE_ADDR": "10.0.0.2"}
    for _ in range(4):
        alice.post(
            url,
            {"action": "password", "password": "x"},
            HTTP_X_FORWARDED_FOR="203.0.113.5",
            **proxy,
        )
    response = bob.post(
        url, {"action": "password", "password": "x"}, HTTP_X_FORWARDED_FOR="198.51.100.7", **proxy
    )
    html = response.content.decode()
    assert "This password is not correct" in html and "Try again in" not in html
    assert len(calls(logto_mock, "POST", f"{USERS_URL}/u2/password/verify")) == 1
    # The audit trail names the clients, not the proxy.
    ips = set(AuditEvent.objects.filter(action="step_up").values_list("ip_address", flat=True))
    assert ips == {"203.0.113.5", "198.51.100.7"}


def test_forged_forwarded_for_is_ignored_without_a_trusted_proxy(
    user, logto_mock, clock, settings
) -> None:
    settings.ACCOUNT_CENTER_RATE_LIMITS = {"step_up_password": "5/15m/user,3/15m/ip"}
    _wrong_passwords(logto_mock)
    alice, bob = Client(), Client()
    signed_in(alice, user)
    signed_in(bob, _second_user())
    url = reverse(STEP_UP)
    for n in range(3):
        alice.post(
            url,
            {"action": "password", "password": "x"},
            REMOTE_ADDR="192.0.2.1",
            HTTP_X_FORWARDED_FOR=f"198.51.100.{n}",
        )
    # Same address, another account, a new forged header: the address is still out of tries.
    response = bob.post(
        url,
        {"action": "password", "password": "x"},
        REMOTE_ADDR="192.0.2.1",
        HTTP_X_FORWARDED_FOR="198.51.100.99",
    )
    assert "Too many password attempts. Try again in 15 minutes." in response.content.decode()
    assert not calls(logto_mock, "POST", f"{USERS_URL}/u2/password/verify")
    ips = set(AuditEvent.objects.filter(action="step_up").values_list("ip_address", flat=True))
    assert ips == {"192.0.2.1"}


@pytest.mark.parametrize(
    ("count", "header", "expected"),
    [
        (0, "198.51.100.1", "192.0.2.1"),  # no proxy: the header is never trusted
        (1, "198.51.100.1", "198.51.100.1"),
        (1, "6.6.6.6, 198.51.100.1", "198.51.100.1"),  # what the client wrote is ignored
        (2, "6.6.6.6, 198.51.100.1, 10.0.0.3", "198.51.100.1"),
        (2, "198.51.100.1", "192.0.2.1"),  # fewer entries than proxies: not what our proxies wrote
        (1, "not-an-ip", "192.0.2.1"),
        (1, "", "192.0.2.1"),
        (1, " 2001:DB8::1 ", "2001:db8::1"),
    ],
)
def test_client_ip_reads_forwarded_for_from_the_right(settings, count, header, expected) -> None:
    settings.ACCOUNT_CENTER_TRUSTED_PROXY_COUNT = count
    request = RequestFactory().get("/", REMOTE_ADDR="192.0.2.1", HTTP_X_FORWARDED_FOR=header)
    assert get_adapter().get_client_ip(request) == expected


class _CdnAdapter(DefaultAccountCenterAdapter):
    def get_client_ip(self, request: Any) -> str | None:
        return request.META.get("HTTP_CF_CONNECTING_IP") or super().get_client_ip(request)


def test_adapter_setting_names_the_class_and_is_reread_when_changed(settings) -> None:
    assert type(get_adapter()) is DefaultAccountCenterAdapter
    settings.ACCOUNT_CENTER_ADAPTER = f"{__name__}._CdnAdapter"
    assert type(get_adapter()) is _CdnAdapter
    assert get_adapter() is get_adapter()
    request = RequestFactory().get(
        "/", REMOTE_ADDR="192.0.2.1", HTTP_CF_CONNECTING_IP="203.0.113.9"
    )
    assert ratelimit.client_ip(request) == "203.0.113.9"


def test_checking_taken_addresses_is_not_called_too_many_attempts_nor_blocks_codes(
    stepped_up, logto_mock, htmx_headers, clock, settings
) -> None:
    """A user who typed taken addresses but sent no code and failed nothing can still ask for a
    code, and the check's own limit says what was done too often."""
    settings.ACCOUNT_CENTER_RATE_LIMITS = {
        "address_check": "3/15m/user,50/15m/ip",
        "code_send": "3/15m/user,50/15m/ip",
    }
    logto_mock.get(USER_URL, json=logto_user())
    logto_mock.post(CODES, status=204)
    logto_mock.replace(responses.GET, USERS_URL, json=[logto_user(id="someone-else")])
    url = reverse("account_center:email")
    for n in range(2):
        html = stepped_up.post(
            url, {"action": "send", "email": f"t{n}@example.com"}, **htmx_headers
        ).content.decode()
        assert "already used by another account" in html
    logto_mock.replace(responses.GET, USERS_URL, json=[])
    sent = stepped_up.post(url, {"action": "send", "email": "free@example.com"}, **htmx_headers)
    assert "We sent a code" in sent.content.decode()
    assert len(calls(logto_mock, "POST", CODES)) == 1
    over = stepped_up.post(url, {"action": "send", "email": "t9@example.com"}, **htmx_headers)
    html = over.content.decode()
    assert "You tried too many addresses. Try again in 15 minutes." in html
    assert "Too many attempts" not in html


def test_code_send_limit_says_codes(stepped_up, logto_mock, htmx_headers, clock, settings) -> None:
    settings.ACCOUNT_CENTER_RATE_LIMITS = {"code_send": "2/15m/user,50/15m/ip"}
    logto_mock.get(USER_URL, json=logto_user())
    logto_mock.post(CODES, status=204)
    url = reverse("account_center:email")
    for n in range(2):
        stepped_up.post(url, {"action": "send", "email": f"n{n}@example.com"}, **htmx_headers)
    response = stepped_up.post(url, {"action": "send", "email": "n9@example.com"}, **htmx_headers)
    assert "You asked for too many codes. Try again in 15 minutes." in response.content.decode()
    assert len(calls(logto_mock, "POST", CODES)) == 2


def test_right_passwords_from_one_address_never_lock_it_out(
    user, logto_mock, clock, settings
) -> None:
    """An office behind one NAT address: its people confirming it's them use up nothing of the
    address's allowance, which counts wrong passwords only."""
    settings.ACCOUNT_CENTER_RATE_LIMITS = {"step_up_password": "5/15m/user,3/15m/ip"}
    logto_mock.get(USER_URL, json=logto_user())
    logto_mock.get(f"{USERS_URL}/u2", json=logto_user(id="u2"))
    for sub in (SUB, "u2"):
        logto_mock.post(f"{USERS_URL}/{sub}/password/verify", status=204)
    alice, bob = signed_in(Client(), user), signed_in(Client(), _second_user())
    url = reverse(STEP_UP)
    office = {"REMOTE_ADDR": "192.0.2.50"}
    for n in range(10):
        colleague = (alice, bob)[n % 2]
        response = colleague.post(url, {"action": "password", "password": "right"}, **office)
        assert response.status_code == 302, response.content.decode()
    assert len(calls(logto_mock, "POST", VERIFY_URL)) == 5

    _wrong_passwords(logto_mock)
    for _ in range(3):
        wrong = alice.post(url, {"action": "password", "password": "x"}, **office)
        assert "This password is not correct" in wrong.content.decode()
    refused = bob.post(url, {"action": "password", "password": "x"}, **office)
    assert "Too many password attempts. Try again in 15 minutes." in refused.content.decode()


def test_right_codes_from_one_address_never_lock_it_out(auth_client, logto_mock, clock, settings):
    """Step-up codes: as passwords, the address counts the wrong ones only."""
    settings.ACCOUNT_CENTER_RATE_LIMITS = {"code_verify": "50/15m/user,2/15m/ip"}
    logto_mock.get(USER_URL, json=logto_user())
    logto_mock.post(CODES, status=204)
    logto_mock.post(f"{CODES}/verify", status=204)
    url = reverse(STEP_UP)
    for _ in range(4):
        auth_client.post(url, {"action": "send_email"})
        done = auth_client.post(url, {"action": "verify_email", "code": "123456"})
        assert done.status_code == 302, done.content.decode()
    logto_mock.replace(
        responses.POST,
        f"{CODES}/verify",
        status=400,
        json={"code": "verification_code.code_mismatch", "message": "x"},
    )
    auth_client.post(url, {"action": "send_email"})
    for _ in range(2):
        wrong = auth_client.post(url, {"action": "verify_email", "code": "000000"})
        assert "Too many code attempts" not in wrong.content.decode()
    refused = auth_client.post(url, {"action": "verify_email", "code": "000000"})
    assert "Too many code attempts. Try again in 15 minutes." in refused.content.decode()


def test_right_codes_for_a_new_address_do_not_use_up_the_addresss_allowance(
    stepped_up, logto_mock, htmx_headers, clock, settings
) -> None:
    settings.ACCOUNT_CENTER_RATE_LIMITS = {"code_verify": "50/15m/user,1/15m/ip"}
    logto_mock.get(USER_URL, json=logto_user())
    logto_mock.post(CODES, status=204)
    logto_mock.post(f"{CODES}/verify", status=204)
    logto_mock.patch(USER_URL, json=logto_user())
    url = reverse("account_center:email")
    for n in range(3):
        stepped_up.post(url, {"action": "send", "email": f"n{n}@example.com"}, **htmx_headers)
        done = stepped_up.post(url, {"action": "verify", "code": "123456"}, **htmx_headers)
        assert "Too many code attempts" not in done.content.decode()
    assert len(calls(logto_mock, "PATCH", USER_URL)) == 3


def test_a_success_gives_its_slot_back_to_the_address_only(clock, settings) -> None:
    settings.ACCOUNT_CENTER_RATE_LIMITS = {"step_up_password": "3/15m/user,2/15m/ip"}
    request = RequestFactory().post("/", REMOTE_ADDR="192.0.2.1")
    for _ in range(5):
        ratelimit.succeeded(request, ratelimit.consume(request, "step_up_password", SUB))
    ratelimit.consume(request, "step_up_password", SUB)
    ratelimit.consume(request, "step_up_password", "u2")
    with pytest.raises(ratelimit.RateLimited):
        ratelimit.consume(request, "step_up_password", "u3")


def test_a_slot_is_given_back_only_to_the_window_it_was_taken_from(clock, settings) -> None:
    settings.ACCOUNT_CENTER_RATE_LIMITS = {"step_up_password": "100/15m/user,2/15m/ip"}
    request = RequestFactory().post("/", REMOTE_ADDR="192.0.2.1")
    slow = ratelimit.consume(request, "step_up_password", SUB)
    clock[0] += 15 * 60 + 1  # the check outlived the window
    ratelimit.consume(request, "step_up_password", SUB)
    ratelimit.succeeded(request, slow)  # must not credit the new window
    ratelimit.consume(request, "step_up_password", SUB)
    with pytest.raises(ratelimit.RateLimited):
        ratelimit.consume(request, "step_up_password", SUB)


def test_success_forgets_the_users_count_but_not_the_addresss(clock, settings) -> None:
    settings.ACCOUNT_CENTER_RATE_LIMITS = {"step_up_password": "2/15m/user,3/15m/ip"}
    request = RequestFactory().post("/", REMOTE_ADDR="192.0.2.1")
    ratelimit.consume(request, "step_up_password", SUB)
    ratelimit.consume(request, "step_up_password", SUB)
    ratelimit.clear(request, "step_up_password", SUB)
    ratelimit.consume(request, "step_up_password", SUB)
    with pytest.raises(ratelimit.RateLimited) as refused:
        ratelimit.consume(request, "step_up_password", SUB)
    assert refused.value.retry_after == 15 * 60


@pytest.mark.parametrize("spec", ["5", "5/15m", "x/15m/user", "5/15m/email", "5/15w/ip"])
def test_malformed_limits_are_refused(spec) -> None:
    with pytest.raises(ValueError):
        ratelimit.parse(spec)


def test_limits_parse() -> None:
    assert ratelimit.parse("5/15m/user, 20/1h/ip") == [
        ratelimit.Rule(5, 900, "user"),
        ratelimit.Rule(20, 3600, "ip"),
    ]
    assert ratelimit.parse("") == []
