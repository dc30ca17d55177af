"""What reaches a log line of the serial traffic: the secrets never, the B-route ID only by its last 4."""

from __future__ import annotations

from hems_desktop.device.skstack_port import redact

ROUTE_B_ID = "0123456789ABCDEF0123456789ABCDEF"


def test_a_password_with_spaces_is_masked_whole_in_the_skstack_log() -> None:
    # check_password accepts any printable ASCII, spaces included; masking SKSETPWD's first word
    # before the secret itself left the rest of such a password in --debug output
    password = "ZXCV BNM ASD"
    for line in (f"SKSETPWD C {password}", f"SKSETPWD C {password}\\r\\n", f"<< SKSETPWD C {password}"):
        text = redact(line, [password])
        assert "BNM" not in text and "ASD" not in text and "ZXCV" not in text, text
        assert "SKSETPWD C ********" in text


def test_skstack_log_masks_an_unknown_setpwd_argument_and_shortens_the_id() -> None:
    assert redact("SKSETPWD C SECRETSECRET", []) == "SKSETPWD C ********"  # even one not registered
    text = redact(f"SKSETRBID {ROUTE_B_ID}", [], [ROUTE_B_ID])
    assert ROUTE_B_ID not in text and text.endswith("CDEF") and text.startswith("SKSETRBID ****")
    assert redact("SKSENDTO 1 FE80::1 0E1A 1 0 000E", ["ZXCV BNM ASD"]) == "SKSENDTO 1 FE80::1 0E1A 1 0 000E"
