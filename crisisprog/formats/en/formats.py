"""English date and time formats: Django's, with times written "6:30 PM" instead of "6:30 p.m.".

A time often ends a sentence ("Scores are due Dec. 9, 2026, 5:00 PM.", "…from 10:00 AM to 4:00 PM."),
and in the AP style a sentence-ending time reads "p.m..". One format here fixes every page, email, SMS and
PDF at once; Spanish keeps its 24-hour clock ("18:30").
"""

from django.conf.locale.en.formats import *  # noqa: F403

TIME_FORMAT = "g:i A"
DATETIME_FORMAT = "N j, Y, g:i A"
SHORT_DATETIME_FORMAT = "m/d/Y g:i A"
