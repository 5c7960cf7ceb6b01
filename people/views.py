"""Register admins manage people at /people/: the list, a person's page (roles,
deactivate, reactivate, two-factor reset, what they lead), and invitations."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from commitments.models import Commitment
from people import services
from people.forms import InviteForm, PeopleFilterForm, RolesForm
from riskreg.forms import posted
from riskreg.models import User
from risks.models import Risk

PAGE_SIZE = 50


def _check(request) -> None:
    if not services.may_manage_people(request.user):
        raise PermissionDenied


@require_GET
def people_list(request):
    _check(request)
    form = PeopleFilterForm(request.GET or None)
    people = User.objects.prefetch_related("groups").order_by("first_name", "last_name", "username")
    if form.is_bound:
        people = form.filter(people) if form.is_valid() else people.none()
    page = Paginator(people.distinct(), PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "people/list.html", {"form": form, "page": page, "query": query.urlencode()})


def _person_context(person: User, form) -> dict:
    led = (
        Commitment.objects.filter(Q(officer_lead=person) | Q(smt_lead=person) | Q(wmp_lead_user=person))
        .select_related("plan")
        .order_by("plan", "ref")
    )
    return {
        "person": person,
        "roles": [g.name for g in person.groups.all()],
        "form": form,
        "commitments": list(led),
        "risks": list(Risk.objects.filter(owner=person).order_by("ref")),
    }


@require_http_methods(["GET", "POST"])
def person_detail(request, pk):
    _check(request)
    person = get_object_or_404(User.objects.prefetch_related("groups"), pk=pk)
    form = RolesForm(posted(request), initial={"roles": [g.name for g in person.groups.all()]})
    if request.method == "POST" and form.is_valid():
        try:
            services.person_roles_set(by=request.user, person=person, roles=form.cleaned_data["roles"])
        except ValidationError as error:
            form.add_error("roles", error)
        else:
            messages.success(request, f"{person}'s roles were saved.")
            return redirect("people:detail", pk=pk)
    return render(request, "people/detail.html", _person_context(person, form))


def _act(request, pk, action, done: str):
    _check(request)
    person = get_object_or_404(User, pk=pk)
    try:
        action(by=request.user, person=person)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, done.format(person=person))
    return redirect("people:detail", pk=pk)


@require_POST
def person_deactivate(request, pk):
    return _act(
        request,
        pk,
        services.person_deactivate,
        "{person} was deactivated: they can no longer sign in. Reassign what they lead, below.",
    )


@require_POST
def person_reactivate(request, pk):
    return _act(request, pk, services.person_reactivate, "{person} was reactivated: they can sign in again.")


@require_POST
def person_two_factor_reset(request, pk):
    return _act(
        request,
        pk,
        services.two_factor_reset,
        "{person}'s two-factor sign-in was reset: they set up their app again at their next sign-in.",
    )


@require_POST
def person_invitation_resend(request, pk):
    def resend(*, by, person):
        services.invitation_resend(request=request, by=by, person=person)

    return _act(request, pk, resend, "A new invitation was sent to {person}.")


@require_http_methods(["GET", "POST"])
def person_invite(request):
    _check(request)
    form = InviteForm(posted(request))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            person = services.person_invite(
                request=request,
                by=request.user,
                username=data["username"],
                email=data["email"],
                first_name=data["first_name"],
                last_name=data["last_name"],
                roles=data["roles"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"An invitation was sent to {person.email}.")
            return redirect("people:detail", pk=person.pk)
    return render(request, "people/invite.html", {"form": form})
