def public_page(view):
    """Mark a view as open to everyone, signed in or not (residents' pages).

    The staff safeguards (second factor) do not stand in front of such a page, so it must show
    nothing that only staff may see.
    """
    view.crisisprog_public = True
    return view
