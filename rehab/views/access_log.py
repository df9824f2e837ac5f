"""Access-log review (logguppföljning) for the system administrator.

The log names citizens only by their pseudonymous ``public_id``. A personnummer typed by
the administrator arrives in a POST form, never in a URL: the server resolves it to the
citizen's ``public_id`` and keeps that in the session behind an opaque token, so links and
redirects carry only the token.
"""

import itertools
import secrets

from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from .. import selectors
from ..accesslog import log_access, purpose_of
from ..csv_export import SafeWriter
from ..forms.access_log import FilterForm, PersonalNumberForm
from ..models import AccessLogEntry
from ..paging import TimeCursor, keyset_page
from ..permissions import permission_required
from ..roles import Role

PERMISSION = "rehab.review_access_log"
PER_PAGE = 50
EXPORT_CHUNK = 2000
SESSION_KEY = "access_log_citizens"
MAX_TOKENS = 20
CSV_COLUMNS = [
    "at",
    "user",
    "roles",
    "action",
    "view",
    "ip_address",
    "citizen_ref",
    "protected",
    "outside_team",
    "full_name",
    "purpose",
    "reason",
]
ROLE_LABELS = {role.value: role.label for role in Role}


def _remember_citizen(request, citizen_ref) -> str:
    tokens = dict(request.session.get(SESSION_KEY, {}))
    token = secrets.token_urlsafe(12)
    tokens[token] = str(citizen_ref)
    request.session[SESSION_KEY] = dict(list(tokens.items())[-MAX_TOKENS:])
    return token


def _citizen_for_token(request, token: str):
    """The public_id behind a token; an unknown token gives False (matches nothing)."""
    if not token:
        return None
    return request.session.get(SESSION_KEY, {}).get(token, False)


def _filtered(request):
    """The filter form, the filtered entries, the citizen token and whether it is known."""
    form = FilterForm(request.GET or None)
    token = request.GET.get("c", "")
    citizen_ref = _citizen_for_token(request, token)
    filters = {}
    if form.is_bound:
        if not form.is_valid():
            return form, AccessLogEntry.objects.none(), token, citizen_ref
        filters = form.cleaned_data
    if citizen_ref is False:
        return form, AccessLogEntry.objects.none(), token, citizen_ref
    entries = selectors.access_log_entries(
        citizen_ref=citizen_ref,
        user=filters.get("user"),
        date_from=filters.get("date_from"),
        date_to=filters.get("date_to"),
        flagged=bool(filters.get("flagged")),
    )
    return form, entries, token, citizen_ref


def _annotate(entries) -> None:
    """Set the pseudonymous reference, the role names and the purpose on each entry; its
    flags are those recorded with it (ADR 0014)."""
    for entry in entries:
        entry.short_ref = str(entry.citizen_ref)[:8]
        entry.role_labels = [ROLE_LABELS.get(name, name) for name in entry.roles.split(",") if name]
        entry.protected = entry.protected_identity
        entry.user_name = entry.user.get_full_name() or entry.user.username
        # Rows written before purposes were recorded take the view's purpose of today.
        entry.purpose_text = entry.purpose or purpose_of(entry.view) or entry.view


def _citizen_name(request, citizen_ref) -> str:
    """The filtered citizen's name as the reviewer may see it; showing it is a read."""
    if not citizen_ref:
        return ""
    facts = selectors.citizen_facts([citizen_ref], viewer=request.user)
    citizen = next(iter(facts.values()), None)
    if citizen is None:
        return ""
    log_access(request, [citizen.public_id], AccessLogEntry.Action.READ)
    return citizen.name


@permission_required(PERMISSION)
@never_cache
@require_http_methods(["GET", "POST"])
def access_log(request):
    citizen_form = PersonalNumberForm(request.POST or None, viewer=request.user)
    if request.method == "POST":
        if "clear" in request.POST:
            return redirect(_url_with(request, c=None))
        if citizen_form.is_valid():
            token = _remember_citizen(request, citizen_form.citizen_ref)
            return redirect(_url_with(request, c=token))
    form, entries, token, citizen_ref = _filtered(request)
    # Newer / older pages from the last row seen, not page numbers: the log is long.
    page = keyset_page(
        entries,
        per_page=PER_PAGE,
        after=request.GET.get("older"),
        before=request.GET.get("newer"),
        cursor=TimeCursor(),
    )
    _annotate(page)
    query = request.GET.copy()
    query.pop("older", None)
    query.pop("newer", None)
    return render(
        request,
        "rehab/access_log.html",
        {
            "form": form,
            "citizen_form": citizen_form if request.method == "POST" else PersonalNumberForm(),
            "page": page,
            "citizen_token": token,
            "citizen_short_ref": str(citizen_ref)[:8] if citizen_ref else "",
            "citizen_name": _citizen_name(request, citizen_ref),
            "unknown_token": citizen_ref is False,
            "export_query": query.urlencode(),
            "clear_citizen_url": _url_with(request, c=None),
        },
    )


def _url_with(request, **changes) -> str:
    query = request.GET.copy()
    query.pop("older", None)
    query.pop("newer", None)
    for key, value in changes.items():
        query.pop(key, None)
        if value:
            query[key] = value
    url = reverse("access_log")
    return f"{url}?{query.urlencode()}" if query else url


def _csv_response(filename: str):
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response, SafeWriter(response)


def _csv_rows(entries):
    """The export's lines, read from the database in chunks (a server-side cursor on
    PostgreSQL), so memory stays flat whatever the number of rows."""
    buffer = _Lines()
    writer = SafeWriter(buffer)
    writer.writerow(CSV_COLUMNS)
    yield buffer.take()
    for entry in entries.iterator(chunk_size=EXPORT_CHUNK):
        _annotate([entry])
        writer.writerow(
            [
                timezone.localtime(entry.at).isoformat(),
                entry.user.username,
                entry.roles,
                entry.action,
                entry.view,
                entry.ip_address or "",
                entry.citizen_ref,
                int(entry.protected_identity),
                int(entry.outside_team),
                entry.user_name,
                entry.purpose_text,
                entry.reason,
            ]
        )
        if len(buffer.parts) >= EXPORT_CHUNK:
            yield buffer.take()
    yield buffer.take()


class _Lines:
    """A file-like sink for the CSV writer whose text is taken line by line."""

    def __init__(self):
        self.parts: list[str] = []

    def write(self, text: str) -> int:
        self.parts.append(text)
        return len(text)

    def take(self) -> bytes:
        text, self.parts = "".join(self.parts), []
        return text.encode("utf-8")


@permission_required(PERMISSION)
@never_cache
@require_GET
def access_log_export(request):
    _form, entries, _token, _ref = _filtered(request)
    # The rows as they stood when the export began (its own log rows come after).
    entries = entries.filter(at__lt=timezone.now())
    citizens = entries.order_by().values_list("citizen_ref", flat=True).distinct()
    refs = citizens.iterator(chunk_size=EXPORT_CHUNK)
    while chunk := list(itertools.islice(refs, EXPORT_CHUNK)):
        log_access(request, chunk, AccessLogEntry.Action.EXPORT)
    response = StreamingHttpResponse(_csv_rows(entries), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="access-log.csv"'
    return response


@permission_required(PERMISSION)
@never_cache
@require_http_methods(["GET", "POST"])
def citizen_access_report(request):
    """Who has read a citizen's record (a GDPR request): every entry for that citizen."""
    form = PersonalNumberForm(request.POST or None, viewer=request.user)
    entries = None
    if request.method == "POST" and form.is_valid():
        citizen_ref = form.citizen_ref
        entries = list(selectors.access_log_entries(citizen_ref=citizen_ref))
        _annotate(entries)
        log_access(request, [citizen_ref], AccessLogEntry.Action.EXPORT)
        if request.POST.get("format") == "csv":
            response, writer = _csv_response("access-report.csv")
            writer.writerow(
                ["at", "user", "full_name", "roles", "action", "purpose", "reason", "view"]
            )
            for entry in entries:
                writer.writerow(
                    [
                        timezone.localtime(entry.at).isoformat(),
                        entry.user.username,
                        entry.user_name,
                        ", ".join(str(label) for label in entry.role_labels),
                        entry.get_action_display(),
                        entry.purpose_text,
                        entry.reason,
                        entry.view,
                    ]
                )
            return response
    return render(
        request,
        "rehab/access_log.html",
        {
            "report": True,
            "citizen_form": form,
            "entries": entries,
            "citizen_name": form.citizen.name if entries is not None else "",
            "citizen_short_ref": str(form.citizen_ref)[:8] if entries is not None else "",
        },
    )
