from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET, require_http_methods

from commitments.models import ReportingPeriod
from committee import rendering, services
from committee.forms import PaperForm, PublishForm, WordTemplateForm
from committee.models import CARRIED_FORWARD, Paper, PublishedPaper, WordTemplate
from committee.report import risk_sentences
from committee.shown import shown_paper
from riskreg.forms import posted


@require_GET
def paper_list(request):
    periods = list(ReportingPeriod.objects.started().order_by("-financial_year", "-quarter"))
    papers = {
        paper.period_id: paper
        for paper in Paper.objects.filter(period__in=periods).prefetch_related(
            Prefetch("versions", queryset=PublishedPaper.objects.defer("content"))
        )
    }
    rows = []
    for period in periods:
        paper = papers.get(period.pk)
        versions = sorted(paper.versions.all(), key=lambda v: v.version) if paper else []
        if versions or request.user.is_staff_member():
            rows.append((period, paper, versions))
    context = {"rows": rows, "can_manage": services.can_manage_papers(request.user)}
    return render(request, "committee/paper_list.html", context)


# Where the paper's body goes in the page. Autoescaped text cannot contain "<", so no
# user's words can look like it.
BODY_MARK = "<!-- the paper's body -->"


@require_GET
def paper_detail(request, fy, q):
    shown = shown_paper(request, fy, q)
    body = shown.body()
    page = render_to_string(
        "committee/paper.html",
        {
            "shown": shown,
            "heading": shown.heading,
            "body": mark_safe(BODY_MARK),
            "downloads": shown.download_links(),
            "query": request.GET.urlencode(),
            "can_manage": services.can_manage_papers(request.user),
        },
        request,
    )
    # The page around the body is rendered per request (navigation, sign-out form, messages);
    # the body (3 MB at 100 times the real data) goes in as bytes. Passed through the
    # template it is copied and re-encoded several times: half the page's time at that size.
    before, after = page.split(BODY_MARK)
    return HttpResponse([before.encode(), body, after.encode()])


@require_GET
def paper_download(request, fy, q, filename):
    download = rendering.DOWNLOADS.get(filename)
    if download is None:
        raise Http404("No such download.")
    shown = shown_paper(request, fy, q)
    return file_response(
        request,
        shown,
        download,
        list_url=reverse("committee:papers"),
        list_title="Committee papers",
        page_url=reverse("committee:paper", args=[fy, q]),
        what="paper",
    )


def file_response(request, shown, download, **pending) -> HttpResponse:
    """A published file (the paper's or the Panel report's) as an attachment; one not
    rendered yet is never rendered in the request (a large PDF takes minutes): a page
    saying it is being prepared, or that it failed, and when to ask again. `pending`
    names the pages that page links to (list_url, list_title, page_url) and what it is."""
    file = shown.download(download)
    if isinstance(file, services.Pending):
        context = {"shown": shown, "heading": shown.heading, "download": download, "pending": file, **pending}
        response = render(request, "committee/file_pending.html", context, status=503)
        response["Retry-After"] = str(file.retry_after)
        add_never_cache_headers(response)
        return response
    response = HttpResponse(file.content, content_type=file.content_type)
    response["Content-Disposition"] = f'attachment; filename="{file.name}"'
    return response


@require_http_methods(["GET", "POST"])
def paper_edit(request, fy, q):
    if not services.can_manage_papers(request.user):
        raise PermissionDenied
    period = ReportingPeriod.objects.from_url_or_404(fy, q)
    paper = Paper.objects.filter(period=period).first() or _new_paper(period)
    form = PaperForm(posted(request), instance=paper, risk_sentences=risk_sentences(period))
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, f"The {period.label} paper was saved.")
        return redirect("committee:paper", fy=fy, q=q)
    return render(request, "committee/paper_edit.html", {"form": form, "period": period})


def _new_paper(period) -> Paper:
    """A new quarter's paper starts from the previous quarter's paragraphs and meeting details."""
    previous = Paper.objects.filter(period=period.previous()).first()
    paper = Paper(period=period)
    if previous:
        for name in CARRIED_FORWARD:
            setattr(paper, name, getattr(previous, name))
    return paper


@require_http_methods(["GET", "POST"])
def paper_publish(request, fy, q):
    if not services.can_manage_papers(request.user):
        raise PermissionDenied
    period = ReportingPeriod.objects.from_url_or_404(fy, q)
    paper = Paper.objects.filter(period=period).first()
    if paper is None:
        messages.error(request, "Write the paper's meeting details before publishing it.")
        return redirect("committee:paper_edit", fy=fy, q=q)
    correcting = paper.versions.exists()
    form = PublishForm(posted(request), correcting=correcting)
    if request.method == "POST" and form.is_valid():
        try:
            published = services.paper_publish(
                paper=paper, by=request.user, correction_reason=form.cleaned_data.get("correction_reason", "")
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"Version {published.version} of the {period.label} paper is published.")
            return redirect("committee:paper", fy=fy, q=q)
    return render(
        request,
        "committee/paper_publish.html",
        {"form": form, "period": period, "paper": paper, "correcting": correcting},
    )


@require_http_methods(["GET", "POST"])
def word_template(request):
    """The office's Word template, which every paper's Word file is built on."""
    if not services.can_manage_papers(request.user):
        raise PermissionDenied
    if request.method == "POST" and "remove" in request.POST:
        services.word_template_remove(by=request.user)
        messages.success(request, "Papers' Word files are now built in the register's own house style.")
        return redirect("committee:word_template")
    form = WordTemplateForm(posted(request), request.FILES if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        services.word_template_upload(filename=upload.name, content=form.content, by=request.user)
        messages.success(request, f"Papers' Word files are now built on {upload.name}.")
        return redirect("committee:word_template")
    in_use = WordTemplate.objects.defer("content").select_related("uploaded_by").order_by("-uploaded_at").first()
    return render(request, "committee/word_template.html", {"form": form, "in_use": in_use})
