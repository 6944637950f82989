"""Residents' privacy: masking of personal details, the safety screen, retention. The per-client
limits (client keys without stored IPs) are in apps/core/clients.py, shared with notifications."""

import re

# The masking lives in apps/core/privacy.py (operations masks encounter notes with it too); it stays
# importable from here.
from apps.core.privacy import mask_personal_details  # noqa: F401

# --- the safety screen ---------------------------------------------------------------------------

# Phrases that describe a crisis now (harm to self or others), English and Spanish. The screen errs
# on the side of alerting: a person reads every flagged message.
CRISIS_PATTERNS = [re.compile(p, re.IGNORECASE) for p in [
    r"\bkill(ing)?\s+(my|him|her|them)sel(f|ves)\b",
    r"\bkill\s+myself\b", r"\bend\s+my\s+life\b", r"\bsuicid(e|al)\b", r"\bwant\s+to\s+die\b",
    r"\bhurt(ing)?\s+myself\b", r"\bself[-\s]?harm\b", r"\boverdos(e|ing)\b",
    r"\bgoing\s+to\s+(kill|hurt|shoot|stab)\b", r"\bno\s+reason\s+to\s+live\b",
    r"\bsuicid(io|arme|arse)\b", r"\bmatarme\b", r"\bquitarme\s+la\s+vida\b", r"\bquiero\s+morir(me)?\b",
    r"\bhacerme\s+da[ñn]o\b", r"\blastimarme\b", r"\bvoy\s+a\s+matar(lo|la|los|las)?\b",
    r"\bno\s+quiero\s+vivir\b",
]]


def describes_crisis(text: str) -> bool:
    return any(p.search(text) for p in CRISIS_PATTERNS)
