from django.utils.translation import gettext_lazy as _

from apps.core.registry import NavItem, register_nav

register_nav(NavItem(key="notifications", label=_("Notifications"), url_name="notifications:inbox", order=5))
