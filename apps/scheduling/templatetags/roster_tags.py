"""`{% roster_callouts shift as callouts %}`: the shift page's cancelled places a repair run can refill."""

from django import template

register = template.Library()


@register.simple_tag
def roster_callouts(shift):
    from ..views.roster import callouts

    return callouts(shift)
