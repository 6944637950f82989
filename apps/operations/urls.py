from django.urls import path  # noqa: F401  (each part appends its routes below)

from .views import tokens

app_name = "operations"

urlpatterns: list = [
    # BOARD: team status and the on-duty board

    # DISPATCH: service tokens (program admin pages)
    path("service-tokens/", tokens.token_list, name="service-token-list"),
    path("service-tokens/new/", tokens.token_create, name="service-token-create"),
    path("service-tokens/<int:pk>/revoke/", tokens.token_revoke, name="service-token-revoke"),

    # ENCOUNTERS: the encounter log and the evaluation
]
