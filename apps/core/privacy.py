"""Masking of personal details in free text, used for residents' public feedback (engagement) and for the
short notes of the encounter log (operations), and the threshold under which a count is suppressed. It
lives in core because operations must not import engagement."""

import re

# A count of people under 5 could point at a person: public and evaluator figures show "<5" instead
# (engagement's public counts and exports, the encounter evaluation, the reports).
SUPPRESSION_THRESHOLD = 5

# --- masking -------------------------------------------------------------------------------------
#
# Residents write in English, Spanish, Portuguese, French and Haitian Creole, and write contact
# details the way they say them: "jane dot doe at gmail dot com", "+1 617 555 0123", "Calle Falsa
# 123". Masking errs toward hiding (a hidden street number costs a quote nothing), but ordinary
# numbers stay: "3 times in 2024", "a 911 call", "7:30 pm", "$20". tests/engagement/masking_cases.py
# holds the cases both ways. Measured on them, presidio-analyzer (pattern recognizers: no spaCy
# model installs offline) hid 33 of 69 and changed 5 of 40 ordinary sentences; scrubadub hid 31
# and changed 2. Neither has street addresses without a model or libpostal, nor Spanish "arroba".

# Spelled-out separators: "at"/"arroba"/"arobase"/"arobas", "dot"/"punto"/"ponto"/"point"/"pwen",
# bare or in brackets ("(at)", "[dot]").
_AT_WORDS = r"at|arroba|arobase|arobas"
_DOT_WORDS = r"dot|punto|ponto|point|pwen"
_SPELLED_AT = rf"(?:\s*[(\[{{]\s*(?:{_AT_WORDS})\s*[)\]}}]\s*|\s+(?:{_AT_WORDS})\s+)"
_SPELLED_DOT = rf"(?:\s*[(\[{{]\s*(?:{_DOT_WORDS})\s*[)\]}}]\s*|\s+(?:{_DOT_WORDS})\s+)"
_DOT = rf"(?:\.|{_SPELLED_DOT})"
_TLD = r"com|org|net|edu|gov|info|io|co|us|uk|ca|mx|es|br|pt|fr|ht|do|pr|cv|me"
# Free mail providers: "ana at gmail.com" is an address, "the info at boston.gov" is a website.
_MAIL_PROVIDERS = {"gmail", "googlemail", "yahoo", "hotmail", "outlook", "live", "msn", "aol", "icloud", "me",
                   "comcast", "verizon", "att", "proton", "protonmail", "gmx", "ymail", "uol", "bol", "terra",
                   "orange", "free", "laposte", "wanadoo", "prodigy", "telmex"}

EMAIL_RE = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
SPELLED_EMAIL_RE = re.compile(
    # Bounded repetitions: an unbounded "x dot x dot ..." would be tried again from every word.
    rf"(?<![\w.@])(?P<local>[\w+-]+(?:{_DOT}[\w+-]+){{0,4}})(?P<at>{_SPELLED_AT})"
    rf"(?P<domain>[\w-]+(?:{_DOT}[\w-]+){{0,4}}{_DOT}(?:{_TLD}))(?![\w@])",
    re.IGNORECASE,
)

_SEP = r"[ \t.-]*"  # between groups of a phone number: spaces, dots or dashes, any number of them
PHONE_RE = re.compile(
    # North American: optional +1 / 1, area code (parentheses or not), exchange, line.
    rf"(?<![\w+$.,/:])(?:\+?1{_SEP})?(?:\(\s*[2-9]\d\d\s*\)|[2-9]\d\d){_SEP}[2-9]\d\d{_SEP}\d{{4}}(?![\w$%/:]|[.,]\d)"
    # International with a country code: +CC and 6 to 13 more digits in groups.
    r"|(?<![\w+])\+(?:[2-9]\d{0,2})(?:[ \t.-]*\(?\d{1,5}\)?){2,6}(?![\w$%/:]|[.,]\d)"
    # Brazil with its area code, "(11) 91234-5678"; France, "06 12 34 56 78".
    r"|(?<![\w+])\(\d\d\)\s*9?\d{4}[ .-]?\d{4}(?![\w$%/:]|[.,]\d)"
    r"|(?<![\w+$.,/:-])0[1-9](?:[ .-]\d\d){4}(?![\w$%/:-]|[.,]\d)"
    # A local seven-digit number written with a dash or dot: 555-0123.
    r"|(?<![\w+$.,/:-])[2-9]\d\d[.-]\d{4}(?![\w$%/:-]|[.,]\d)"
)

_APT = (r"(?:,?\s*(?:(?:apt|apartment|apto|apartamento|depto|dpto|departamento|piso|unit|unidad|suite|ste|fl|floor|"
        r"bloco|bloque|casa|int|interior|app|appartement)\b\.?|#)\s*#?\s*[\w-]{1,5}\b"
        # a Spanish floor and door: "3º izquierda", "2º B"
        r"|,?\s*\d{1,2}\s*[º°ª](?:\s*(?:izquierda|izq|derecha|dcha|der|[A-Z]\b))?)?")
# Words after a number that mean it is a count, not a house: "Bus 28 on Blue Hill Avenue".
_NOT_A_NAME = (r"(?!(?:on|at|in|into|near|by|from|to|and|or|the|of|for|with|is|was|were|are|times|minutes|hours|days|"
               r"calls|people|en|a|al|la|el|de|y|o)\b)")
# "Dr" before a capitalized name is a doctor ("2 nurses then Dr Lee"), unless the word is a unit.
_EN_SUFFIX = (r"St|Street|Ave|Av|Avenue|Rd|Road|Blvd|Boulevard|Dr\b(?!\.?\s+(?!(?:apt|unit|suite|ste)\b)(?-i:[A-Z]))|"
              r"Drive|Ln|Lane|Way|Pl|Place|Ct|Court|Sq|Square|Ter|Terrace|Pkwy|Parkway|Hwy|Highway|Cir|Circle|Row|"
              r"Hts|Heights")
# English order: number, up to four name words, a street suffix ("12 Blue Hill Ave.", "40 W 3rd Street").
STREET_RE = re.compile(
    rf"\b\d{{1,5}}[A-Za-z]?\s+(?:{_NOT_A_NAME}[\w'.-]+\s+){{1,4}}(?:{_EN_SUFFIX})\b\.?"
    rf"(?:\s+(?:NW|NE|SW|SE)\b)?{_APT}",
    re.IGNORECASE,
)
# Street words that come before the name: Spanish, Portuguese, French, Haitian Creole.
_PREFIX = (r"calle|c/|avenida|avda\.?|av\.?|paseo|camino|carrera|cra\.?|diagonal|transversal|bulevar|rua|"
           r"travessa|estrada|alameda|rue|avenue|boulevard|bd|chemin|allée|impasse|quai|ri|lari|wout")
_ARTICLE = r"(?:(?:de|del|de la|de los|de las|da|do|das|dos|du|des|de l'|la|le|les)\s+)?"
_NUMBER = r"(?:(?:n[oº°]|núm(?:ero)?|nro|#)\.?\s*)?\d{1,5}[A-Za-z]?(?:\s*[-–]\s*\d{1,4})?"
# A name word in capitals, or a numbered street ("Calle 8 #23-45") whose number is not the house's.
_CAPITAL_NAME = r"(?:[A-ZÀ-Ý][\w'.-]*|\d{1,3}\b(?!,))"
_ANY_NAME = rf"{_NOT_A_NAME}[^\W\d][\w'.-]*"
SPANISH_ORDER_RE = re.compile(
    # "Calle Falsa 123", "Rua das Flores, 123", "Avenida Centre 45 apto 3", "Calle 8 #23-45": the
    # name in capitals, or in lower case when the number ends the phrase ("vivo en calle falsa 123").
    rf"\b(?i:{_PREFIX})\s+(?:{_ARTICLE}{_CAPITAL_NAME}(?:\s+{_ARTICLE}{_CAPITAL_NAME}){{0,3}},?\s+{_NUMBER}"
    rf"|(?i:{_ANY_NAME}(?:\s+{_ANY_NAME}){{0,2}})\s+\d{{1,5}}(?=\s*(?:[,.;:!?)]|$)))(?i:{_APT})"
)
# Number first, street word second: "12 rue de la Paix", "12 ri Bowdoin", "123 Calle Falsa".
NUMBER_FIRST_RE = re.compile(
    rf"\b\d{{1,5}}(?:\s*(?:bis|ter))?,?\s+(?i:{_PREFIX})\s+{_ARTICLE}{_CAPITAL_NAME}"
    rf"(?:[ -]{_ARTICLE}{_CAPITAL_NAME}){{0,3}}(?i:{_APT})"
)


def _phone(match: re.Match) -> str:
    # "+20 30" is a score, not a number anyone can call: a phone has at least seven digits.
    return "[phone]" if sum(c.isdigit() for c in match[0]) >= 7 else match[0]


def _spelled_email(match: re.Match) -> str:
    at = match["at"].strip().lower()
    domain = match["domain"]
    plain = at == "at" and not re.search(_SPELLED_DOT, domain, re.IGNORECASE)
    # "the info at boston.gov" is a website: a bare "at" before a dotted domain is an address only
    # at a mail provider, or when the name before it looks like a mailbox (a dot, digit or +).
    if plain and domain.split(".")[0].lower() not in _MAIL_PROVIDERS and not re.search(r"[.\d+_]", match["local"]):
        return match[0]
    return "[email]"


def mask_personal_details(text: str) -> str:
    """Emails, phone numbers and street addresses replaced before anything is shown publicly."""
    text = EMAIL_RE.sub("[email]", text)
    text = SPELLED_EMAIL_RE.sub(_spelled_email, text)
    text = PHONE_RE.sub(_phone, text)
    text = SPANISH_ORDER_RE.sub("[address]", text)
    text = NUMBER_FIRST_RE.sub("[address]", text)
    return STREET_RE.sub("[address]", text)
