"""Two-factor staff sign-in: the code step, compulsory setup, backup codes."""

from __future__ import annotations

import re
from base64 import b32decode

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import HttpResponse
from django.test import RequestFactory
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from helpdesk.accounts.views import staff_required
from tests.conftest import PASSWORD

VERIFY = reverse("scp:verify")
SETUP = reverse("scp:2fa_setup")
TICKETS = reverse("scp:tickets")
HOME = reverse("scp:home")


@pytest.fixture
def device(alice) -> TOTPDevice:
    return TOTPDevice.objects.create(user=alice.user, name="Phone", confirmed=True)


def code_of(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key):0{device.digits}d}"


def code_for_secret(secret: str) -> str:
    return f"{totp(b32decode(secret.replace(' ', ''))):06d}"


def sign_in(client, email: str = "alice@example.com"):
    return client.post(reverse("scp:login"), {"username": email, "password": PASSWORD})


def test_agent_with_a_device_is_sent_to_the_code_step_after_the_password(client, device):
    response = sign_in(client)

    assert response.status_code == 302
    assert response.url == f"{VERIFY}?next=%2Fscp%2Fhome%2F"


def test_agent_with_a_device_must_pass_the_code_step_before_the_ticket_list(client, device):
    sign_in(client)

    response = client.get(TICKETS)

    assert response.status_code == 302
    assert response.url.startswith(VERIFY)


def test_code_step_asks_for_the_code(client, device):
    sign_in(client)

    response = client.get(VERIFY)

    assert response.status_code == 200
    assert 'name="code"' in response.text
    assert 'autocomplete="one-time-code"' in response.text


def test_right_code_lets_the_agent_in(client, device):
    sign_in(client)

    response = client.post(VERIFY, {"code": code_of(device), "next": TICKETS}, follow=True)

    assert response.redirect_chain == [(TICKETS, 302)]
    assert "Open tickets" in response.text


def test_a_code_cannot_be_used_twice(client, device):
    code = code_of(device)
    sign_in(client)
    client.post(VERIFY, {"code": code})
    client.post(reverse("scp:logout"))
    sign_in(client)

    response = client.post(VERIFY, {"code": code})

    assert response.status_code == 200
    assert "That code is not valid." in response.text


def test_wrong_code_is_refused(client, device):
    sign_in(client)
    wrong = f"{(int(code_of(device)) + 1) % 1_000_000:06d}"

    response = client.post(VERIFY, {"code": wrong})

    assert response.status_code == 200
    assert "That code is not valid." in response.text
    assert client.get(TICKETS).url.startswith(VERIFY)


def test_five_wrong_codes_sign_the_agent_out_and_lock_the_sign_in(client, device):
    sign_in(client)
    for _attempt in range(4):
        assert client.post(VERIFY, {"code": "000000x"}).status_code == 200

    client.post(VERIFY, {"code": "000000x"})

    assert "_auth_user_id" not in client.session
    assert client.get(TICKETS).url == f"{reverse('scp:login')}?next=/scp/"
    assert sign_in(client).status_code == 429


def test_backup_code_lets_the_agent_in_once(client, device):
    backup = StaticDevice.objects.create(user=device.user, name="Backup codes")
    backup.token_set.create(token="abcd2345")
    backup.token_set.create(token="efgh6789")
    sign_in(client)

    response = client.post(VERIFY, {"code": "ABCD 2345"}, follow=True)

    assert response.redirect_chain == [(HOME, 302)]
    assert "You have 1 left." in response.text
    assert list(backup.token_set.values_list("token", flat=True)) == ["efgh6789"]


def test_staff_require_2fa_sends_a_device_less_agent_to_setup(client, alice, settings):
    settings.STAFF_REQUIRE_2FA = True

    response = sign_in(client)

    assert response.url == f"{SETUP}?next=%2Fscp%2Fhome%2F"
    assert client.get(TICKETS).url.startswith(SETUP)


def test_agent_flag_requires_2fa_for_that_agent_only(client, alice, bob):
    alice.require_2fa = True
    alice.save(update_fields=["require_2fa"])

    assert sign_in(client).url.startswith(SETUP)
    client.post(reverse("scp:logout"))
    assert sign_in(client, "bob@example.com").url == HOME


def test_setup_shows_a_qr_code_and_the_secret(client, alice, settings):
    settings.STAFF_REQUIRE_2FA = True
    sign_in(client)

    response = client.get(SETUP)

    assert response.status_code == 200
    assert 'src="data:image/svg+xml' in response.text
    assert re.search(r'class="totp-secret"[^>]*>[A-Z2-7 ]{32,}<', response.text)
    assert not TOTPDevice.objects.exists()


def test_setup_confirms_the_app_and_shows_ten_backup_codes_once(client, alice, settings):
    settings.STAFF_REQUIRE_2FA = True
    sign_in(client)
    secret = client.get(SETUP).context["secret"]

    response = client.post(SETUP, {"code": code_for_secret(secret), "next": TICKETS})

    assert response.status_code == 200
    assert len(response.context["codes"]) == 10
    assert StaticToken.objects.filter(device__user=alice.user).count() == 10
    assert TOTPDevice.objects.get(user=alice.user).confirmed
    assert client.get(TICKETS).status_code == 200
    assert client.get(SETUP).status_code == 302


def test_setup_refuses_a_wrong_code(client, alice, settings):
    settings.STAFF_REQUIRE_2FA = True
    sign_in(client)
    client.get(SETUP)

    response = client.post(SETUP, {"code": "12345"})

    assert response.status_code == 200
    assert "Enter the 6 digits the app shows." in response.text
    assert not TOTPDevice.objects.exists()


def test_setup_keeps_the_same_secret_until_confirmed(client, alice, settings):
    settings.STAFF_REQUIRE_2FA = True
    sign_in(client)

    assert client.get(SETUP).context["secret"] == client.get(SETUP).context["secret"]


def test_agent_with_a_device_is_sent_from_setup_to_the_code_step(client, device, settings):
    settings.STAFF_REQUIRE_2FA = True
    sign_in(client)

    assert client.get(SETUP).url.startswith(VERIFY)


def test_staff_required_sends_anonymous_users_to_sign_in(rf: RequestFactory):
    request = rf.get("/scp/somewhere")
    request.user = AnonymousUser()

    response = staff_required(lambda request: HttpResponse("secret"))(request)

    assert response.status_code == 302
    assert response["Location"] == "/scp/login?next=/scp/somewhere"
