"""The program administrator and the coordinators on accounts and reports: a report subscription,
invitations sent and answered."""

from datetime import timedelta

from django.urls import reverse

from apps.accounts.roles import Role

from .world import NONPROFIT_1, SIM_DOMAIN, World, random_name


def subscribe_to_monthly_report(world: World) -> None:
    path = reverse("reports:subscription-set", args=["program_monthly"])
    world.http("report subscribe", world.users["admin"], "POST", path, {"active": "1"})


def invitations(world: World) -> None:
    """Now and then a coordinator invites a new responder; most accept within days, some never."""
    from apps.accounts.models import Invitation
    from apps.accounts.services import invitation_accept, invitation_create

    org = world.organizations[NONPROFIT_1]
    if world.chance(0.08):
        n = world.next_number()
        world.do("accounts.invitation_create", invitation_create, by=world.coordinators[org.pk],
                 email=f"invitee-{n}@{SIM_DOMAIN}", organization=org, role=Role.RESPONDER, full_name=random_name(world))
    for invitation in Invitation.objects.filter(status=Invitation.Status.PENDING, email__endswith=SIM_DOMAIN,
                                                created_at__lt=world.now - timedelta(days=2)):
        if invitation.pk % 3 == 0:
            continue  # never answered: beat expires it
        world.do("accounts.invitation_accept", invitation_accept, invitation=invitation, full_name=invitation.full_name
                 or "New Responder", password="simulated-password-1234")

