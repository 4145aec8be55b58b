"""What counts as one mailbox, for one vote per person.

An address is put in a canonical form before it is looked up or stored as a voter's mailbox:

- the whole address in lower case (no mail system in use treats case as different people);
- the part after the first "+" removed from the local part, for every domain: "+tags" are
  how one mailbox gets many addresses (Gmail, Outlook, Fastmail, most Finnish providers);
- for gmail.com and googlemail.com, which are one service, the dots removed from the local
  part and the domain written gmail.com: Gmail ignores dots.

So liisa@gmail.com, Liisa+x@Gmail.com, l.iisa@gmail.com and liisa@googlemail.com are one
mailbox, one account and one vote. Dots elsewhere are kept: at other providers
"maija.m@" and "maijam@" can be two people.

Addresses at disposable mailbox services (the maintained list of the
``disposable-email-domains`` package; upgrading it updates the list) are refused.
"""

from disposable_email_domains import blocklist

GMAIL_DOMAINS = {"gmail.com", "googlemail.com"}


def canonical_address(address: str) -> str:
    local, _at, domain = address.strip().lower().rpartition("@")
    if not local:
        return address.strip().lower()
    local = local.split("+", 1)[0] or local
    if domain in GMAIL_DOMAINS:
        local, domain = local.replace(".", ""), "gmail.com"
    return f"{local}@{domain}"


def is_disposable(address: str) -> bool:
    """Whether the address is at a disposable mailbox service (or a subdomain of one)."""
    domain = address.strip().lower().rpartition("@")[2]
    parts = domain.split(".")
    return any(".".join(parts[i:]) in blocklist for i in range(len(parts) - 1))
