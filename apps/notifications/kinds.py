"""The kinds of message crisisprog sends. Each app registers its own kinds from AppConfig.ready().

A kind names its template (templates/emails/<template>_subject.txt, _body.txt, _body.html and,
for SMS, templates/sms/<template>.txt), the channels it goes out on, and whether the recipient may
turn it off. Legal and transactional notices (award letters, receipts, password resets) may not.
"""

from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    EMAIL = "email", _("Email")
    SMS = "sms", _("Text message")
    IN_APP = "in_app", _("In crisisprog")


@dataclass(frozen=True)
class Kind:
    key: str
    label: str
    template: str
    channels: tuple[str, ...] = (Channel.EMAIL, Channel.IN_APP)
    optional: bool = True  # False: a legal or transactional notice, always sent

    def __post_init__(self):
        unknown = set(self.channels) - set(Channel.values)
        if unknown:
            raise ValueError(f"Kind {self.key}: unknown channels {sorted(unknown)}")


_kinds: dict[str, Kind] = {}


def register_kind(kind: Kind) -> Kind:
    _kinds[kind.key] = kind
    return kind


def get_kind(key: str) -> Kind:
    try:
        return _kinds[key]
    except KeyError:
        raise LookupError(f"Unknown notification kind {key!r}: register it with register_kind()") from None


def all_kinds() -> list[Kind]:
    return sorted(_kinds.values(), key=lambda k: k.key)


def optional_kinds() -> list[Kind]:
    return [k for k in all_kinds() if k.optional]
