"""The admin's shared base, and the core app's own models.

Django's admin filters a change list by any lookup on the model's own fields named in the query
string (`?price__total__startswith=9`, `?text__regex=^A`), whether or not the page shows the field.
An answer that changes with the value (a count, an empty page, a redirect) reads the field one guess
at a time: sealed proposals, prices, residents' contacts and secrets alike. StrictLookupsMixin, used by
every ModelAdmin on the site (tests/security/test_admin_lookups.py checks), accepts only the
parameters the admin's own declared list filters and date hierarchy use, and refuses everything else
the same way (400, before any query), whatever its value.
"""

from django.contrib import admin
from django.contrib.admin.filters import FieldListFilter, ListFilter, SimpleListFilter
from django.contrib.admin.utils import get_fields_from_path
from django.contrib.admin.widgets import url_params_from_lookup_dict
from django.db.models import Field

from .models import AuditEvent, Language, Neighborhood

_CACHE_ATTR = "_crisisprog_declared_lookups"


class StrictLookupsMixin:
    """Only the declared filters filter. Mix in before the ModelAdmin class (third-party admins too)."""

    def declared_lookups(self, request) -> frozenset[str]:
        """The query-string parameters the declared list filters and date hierarchy read, exactly as
        Django's filter classes name them (`status__exact`, `organization__id__exact`, `x__isnull`,
        `starts_at__year`...)."""
        cache = getattr(request, _CACHE_ATTR, None) if request is not None else None
        if cache is not None and id(self) in cache:
            return cache[id(self)]
        names = set()
        if self.date_hierarchy:
            names |= {f"{self.date_hierarchy}__{part}" for part in ("year", "month", "day")}
        list_filter = self.get_list_filter(request) if request is not None else self.list_filter
        for item in list_filter:
            names |= set(self._filter_parameters(request, item))
        declared = frozenset(names)
        if request is not None:
            if cache is None:
                cache = {}
                setattr(request, _CACHE_ATTR, cache)
            cache[id(self)] = declared
        return declared

    def _filter_parameters(self, request, item) -> list[str]:
        if isinstance(item, type) and issubclass(item, SimpleListFilter):
            return [item.parameter_name]
        if isinstance(item, type) and issubclass(item, ListFilter):
            spec = item(request, {}, self.model, self)
            return list(spec.expected_parameters())
        if isinstance(item, (list, tuple)):
            field, filter_class = item
        else:
            field, filter_class = item, FieldListFilter.create
        field_path = None
        if not isinstance(field, Field):
            field_path = field
            field = get_fields_from_path(self.model, field_path)[-1]
        spec = filter_class(field, request, {}, self.model, self, field_path=field_path)
        return list(spec.expected_parameters())

    def lookup_allowed(self, lookup, value, request=None):
        # The raw-id popup's limit_choices_to pairs, fixed in code (none today): allowed as Django does.
        for fk_lookup in self.model._meta.related_fkey_lookups:
            if callable(fk_lookup):
                fk_lookup = fk_lookup()
            if (lookup, value) in url_params_from_lookup_dict(fk_lookup).items():
                return True
        return lookup in self.declared_lookups(request)


class StrictLookupsAdmin(StrictLookupsMixin, admin.ModelAdmin):
    pass


def strict_lookups_everywhere(site=admin.site) -> list[str]:
    """Re-register, with the mixin, every admin registered so far that lacks it: the ones Django,
    allauth and django-celery-beat register (auth's groups, e-mail addresses, authenticators whose
    `data` holds the TOTP secret, periodic tasks). Called below: those apps come before apps.core in
    INSTALLED_APPS, so their admin modules have run. Returns the models it re-registered."""
    done = []
    for model, model_admin in list(site._registry.items()):
        if isinstance(model_admin, StrictLookupsMixin):
            continue
        cls = type(model_admin)
        strict = type(f"Strict{cls.__name__}", (StrictLookupsMixin, cls), {"__module__": __name__})
        site.unregister(model)
        site.register(model, strict)
        done.append(model._meta.label)
    return done


strict_lookups_everywhere()


@admin.register(Neighborhood)
class NeighborhoodAdmin(StrictLookupsAdmin):
    list_display = ["name", "slug", "is_active", "sort_order"]
    list_editable = ["is_active", "sort_order"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Language)
class LanguageAdmin(StrictLookupsAdmin):
    list_display = ["name", "code", "native_name", "is_signed", "is_active", "sort_order"]
    list_editable = ["is_active", "sort_order"]
    search_fields = ["name", "code"]


@admin.register(AuditEvent)
class AuditEventAdmin(StrictLookupsAdmin):
    """Read-only: the log is append-only and hash-chained."""

    list_display = ["created_at", "actor_label", "action", "target_label"]
    list_filter = ["action"]
    search_fields = ["actor_label", "action", "target_label", "target_id"]
    readonly_fields = [f.name for f in AuditEvent._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
