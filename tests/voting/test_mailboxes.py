"""What counts as one mailbox (voting/mailboxes.py)."""

import pytest

from voting.mailboxes import canonical_address, is_disposable


@pytest.mark.parametrize(
    ("address", "canonical"),
    [
        ("Liisa@Gmail.com", "liisa@gmail.com"),
        ("liisa+aanestys@gmail.com", "liisa@gmail.com"),
        ("l.i.i.s.a@googlemail.com", "liisa@gmail.com"),
        ("maija.m+x@talentia.fi", "maija.m@talentia.fi"),
        ("MAIJA.M@Talentia.FI", "maija.m@talentia.fi"),
        ("+alku@example.fi", "+alku@example.fi"),
    ],
)
def test_the_canonical_form_of_an_address(address, canonical):
    assert canonical_address(address) == canonical


@pytest.mark.parametrize(
    ("address", "disposable"),
    [
        ("a@mailinator.com", True),
        ("a@sub.mailinator.com", True),
        ("a@yopmail.com", True),
        ("a@talentia.fi", False),
        ("a@gmail.com", False),
    ],
)
def test_disposable_domains_come_from_the_maintained_list(address, disposable):
    assert is_disposable(address) is disposable
