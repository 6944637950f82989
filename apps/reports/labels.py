"""Words printed in the PDFs, in the report's language.

Every label is marked for the project's catalog. Until the Spanish catalog carries a label, the
Spanish given here is used, so a Spanish report is Spanish from the day it ships.
"""

from django.utils import translation
from django.utils.translation import gettext
from django.utils.translation import gettext_noop as N_

# key: (English, Spanish)
COMMON: dict[str, tuple[str, str]] = {
    "page": (N_("Page"), "Página"),
    "of": (N_("of"), "de"),
    "generated": (N_("Generated"), "Generado"),
    "requested_by": (N_("Requested by"), "Solicitado por"),
    "program": (N_("Community Responder Program"), "Programa de Respuesta Comunitaria"),
    "city": (N_("City Health and Human Services"), "Salud y Servicios Humanos de la Ciudad"),
    "parameters": (N_("Parameters"), "Parámetros"),
    "contents": (N_("Contents"), "Contenido"),
    "none": (N_("None."), "Ninguno."),
    "suppressed_note": (N_("Counts under 5 are not shown (“<5”) so that no one can be identified."),
                        "Los conteos menores de 5 no se muestran (“<5”) para que nadie pueda ser identificado."),
    "total": (N_("Total"), "Total"),
    "confidential": (N_("Confidential: for the people named on the cover."),
                     "Confidencial: para las personas nombradas en la portada."),
}


def labels(language: str, extra: dict[str, tuple[str, str]] | None = None) -> dict[str, str]:
    """All labels in `language`: the catalog's translation when it has one, else the built-in Spanish."""
    table = {**COMMON, **(extra or {})}
    out = {}
    with translation.override(language):
        for key, (english, spanish) in table.items():
            text = gettext(english)
            if language == "es" and text == english:
                text = spanish
            out[key] = text
    return out
