from datetime import timedelta

import factory
from django.utils import timezone

from apps.accounts.roles import Role
from apps.core.models import Language, Neighborhood
from apps.engagement.models import CommunitySession, FeedbackItem, Registration, Theme
from tests.factories import CityDepartmentFactory, user_with_role


def language(code: str = "en") -> Language:
    return Language.objects.get(code=code)


def neighborhood(name: str = "Dorchester") -> Neighborhood:
    return Neighborhood.objects.get(name=name)


class SessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CommunitySession

    organization = factory.SubFactory(CityDepartmentFactory)
    kind = CommunitySession.Kind.LISTENING
    status = CommunitySession.Status.PUBLISHED
    class Params:
        # The Spanish text, as the tests name it; stored in `translations` (other languages: pass it).
        title_es = factory.Sequence(lambda n: f"Sesión para escuchar {n}")
        description_es = "Díganos cómo se deben atender las llamadas de crisis."
        transit_notes_es = ""

    title = factory.Sequence(lambda n: f"Listening session {n}")
    description = "Tell us how crisis calls should be answered."
    translations = factory.LazyAttribute(lambda o: {"es": {k: v for k, v in (
        ("title", o.title_es), ("description", o.description_es), ("transit_notes", o.transit_notes_es)) if v}})
    neighborhood = factory.LazyFunction(neighborhood)
    format = CommunitySession.Format.IN_PERSON
    venue_name = "Kroc Center"
    venue_address = "650 Dudley St, Boston"
    starts_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=7))
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + timedelta(hours=2))
    capacity = 10
    reserved_seats = 0
    published_at = factory.LazyFunction(timezone.now)


class RegistrationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Registration

    session = factory.SubFactory(SessionFactory)
    name = factory.Sequence(lambda n: f"Resident {n}")
    language = factory.LazyFunction(language)
    status = Registration.Status.REGISTERED
    code = factory.Sequence(lambda n: f"C{n:05d}")


class FeedbackFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FeedbackItem

    channel = FeedbackItem.Channel.ONLINE
    text = factory.Sequence(lambda n: f"Send trained neighbors, comment {n}.")
    language = factory.LazyFunction(language)


class ThemeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Theme

    class Params:
        name_es = factory.Sequence(lambda n: f"Tema {n}")

    name = factory.Sequence(lambda n: f"Theme {n}")
    translations = factory.LazyAttribute(lambda o: {"es": {"name": o.name_es}} if o.name_es else {})


def moderator_of(organization=None, **kwargs):
    return user_with_role(Role.MODERATOR, organization or CityDepartmentFactory(), **kwargs)
