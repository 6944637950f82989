"""Core's own predicates. Roles are asked through the user (accounts.User), never imported.

The rule for refusals, in every app, on the pages and in the API (the one place it is written):

- Existence is the selector's. An object the user's selector does not return is a 404, whatever
  the reason: another organization's, a draft, sealed before the opening, a proposal an evaluator is
  recused from, an id that never existed. The answer is the same in each case, so it tells nothing.
- An object the selector returns is one the user already knows exists. A part of it or an action on
  it that their rights do not reach is a 403 whose message says why, and when it opens if it
  ever will for them ("the price envelope opens at the price opening"). The 403 reveals nothing the
  404 would hide: the user can read the object itself.
- A page or endpoint that a role lacks as a whole (an officer's screen asked by a responder) is a
  403 before any lookup, for every id alike: it depends on the role, never on the object.
"""


def can_view_audit(user) -> bool:
    return user.is_authenticated and user.has_role("program_admin")




def can_review_translations(user) -> bool:
    """Translation reviewers (community reviewers of the resident languages) and program admins."""
    return user.is_authenticated and (user.has_role("translation_reviewer") or user.has_role("program_admin"))
