"""The Create interaction dialog (reference 2.1, 2.2): create an interaction from a contact, a
salesperson or the interaction log, or resume a postponed one, in the same dialog.

* Entry points pass what they fix as query parameters, with the log's filter names:
  `contact_no` (from a contact), `salesperson_code` (from a salesperson), `company_no` and
  `campaign_no` (from a filtered log) lock those values; `template_code` only pre-fills.
  `next` is where to go afterwards.
* Choosing a template (or another contact) fills the details at once: htmx posts the form to
  `interaction-fill`, which answers the fields again with the template's values
  (`services.template_defaults_apply`, the one home of reference 2.1.3/2.1.4).
* Finish logs (`interaction_create` / `interaction_resume`). Cancel asks NAV's question "finish
  this interaction later?": Yes saves a postponed draft, No discards, Back returns to the form.
* Opened from a link with `data-dialog`, the dialog comes over the page in a modal (htmx);
  opened as a plain link it is a page of its own. Both post to the same URL.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, QueryDict
from django.shortcuts import render
from django.urls import NoReverseMatch, URLPattern, path, reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.views import View

from rapport.campaigns.models import Campaign
from rapport.contacts import selectors as contact_selectors
from rapport.contacts.models import Contact, Salesperson
from rapport.core import permissions
from rapport.core.errors import DomainError
from rapport.core.forms import without_nul
from rapport.core.views import CapabilityRequiredMixin, add_domain_error
from rapport.interactions import selectors, services
from rapport.interactions.forms.dialog import (
    InteractionForm,
    contact_label,
    contact_options,
    find_contact,
)
from rapport.interactions.models import InteractionLogEntry, InteractionTemplate
from rapport.interactions.views.log import check_may_open_form

# Query parameters of an entry point (the log's filter names) and the field each one locks.
LOCKING_PARAMETERS = {
    "contact_no": "contact",
    "salesperson_code": "salesperson",
    "campaign_no": "campaign",
}


def _reverse_or_none(name: str, **kwargs: Any) -> str | None:
    try:
        return reverse(name, kwargs=kwargs or None)
    except NoReverseMatch:
        return None


class EntryPoint:
    """What the page the dialog was opened from fixes (reference 2.1.1): locked field values,
    a company the contact must belong to, a pre-filled template, and where to go back to."""

    def __init__(self, request: HttpRequest) -> None:
        params = request.GET
        self.locked: dict[str, Any] = {}
        self.company: Contact | None = None
        self.template: InteractionTemplate | None = None
        contact_no = params.get("contact_no", "").strip()
        if contact_no:
            self.locked["contact"] = self._get(Contact, "no", contact_no, _("contact"))
        salesperson_code = params.get("salesperson_code", "").strip()
        if salesperson_code:
            self.locked["salesperson"] = self._get(
                Salesperson, "code", salesperson_code, _("salesperson")
            )
        campaign_no = params.get("campaign_no", "").strip()
        if campaign_no:
            self.locked["campaign"] = self._get(Campaign, "no", campaign_no, _("campaign"))
        company_no = params.get("company_no", "").strip()
        if company_no:
            self.company = self._get(Contact, "no", company_no, _("company"))
        template_code = params.get("template_code", "").strip()
        if template_code:
            self.template = self._get(InteractionTemplate, "code", template_code, _("template"))
        self.query = {
            name: params[name]
            for name in (*LOCKING_PARAMETERS, "company_no", "template_code", "next")
            if params.get(name)
        }
        self.next_url = self._next(request)

    @staticmethod
    def _get(model: Any, key: str, value: str, name: str) -> Any:
        found = model._default_manager.filter(**{key: value.upper()[:20]}).first()
        if found is None:
            raise Http404(_("There is no %(name)s %(key)s.") % {"name": name, "key": value[:20]})
        return found

    def _next(self, request: HttpRequest) -> str:
        target = request.GET.get("next", "")
        if target and url_has_allowed_host_and_scheme(
            target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            return target
        contact = self.locked.get("contact")
        if contact is not None:
            return contact.get_absolute_url()
        salesperson = self.locked.get("salesperson")
        if salesperson is not None:
            return salesperson.get_absolute_url()
        return _reverse_or_none("interactions:log-list") or reverse("home")

    def check_contact(self, form: InteractionForm) -> None:
        """With a company fixed, the contact must be that company or one of its persons."""
        contact = form.cleaned_data.get("contact")
        company = self.company
        if company is None or contact is None:
            return
        if contact.pk != company.pk and contact.company_id != company.pk:
            form.add_error(
                "contact",
                _("Choose company %(no)s or one of its persons.") % {"no": company.no},
            )


def default_salesperson(user: Any, contact: Contact | None) -> Salesperson | None:
    """Reference 2.1.1: the salesperson linked to the user, else the contact's."""
    own = contact_selectors.salesperson_for_user(user)
    if own is not None:
        return own
    if contact is not None and contact.salesperson_id:
        return contact.salesperson
    return None


def _raw_values(form: InteractionForm, data: QueryDict) -> dict[str, Any]:
    """The typed values of a posted form as initial values, so the form shows them again
    without its errors (used while filling and while asking the Cancel question)."""
    values = {}
    for name, field in form.fields.items():
        if field.disabled:
            continue
        values[name] = without_nul(
            field.widget.value_from_datadict(data, {}, form.add_prefix(name))
        )
    return values


def _resolve_contact(text: Any, locked: dict[str, Any]) -> Contact | None:
    if "contact" in locked:
        return locked["contact"]
    if not isinstance(text, str) or not text.strip():
        return None
    try:
        return find_contact(text)
    except forms.ValidationError:  # not (yet) one contact: leave the field as typed
        return None


def fill_values(
    values: dict[str, Any], *, user: Any, locked: dict[str, Any], template_changed: bool
) -> dict[str, Any]:
    """The dialog's values after a template or contact was chosen (reference 2.1.3, 2.1.4):
    a new template fills every detail from it (the description only while blank); a new
    contact changes what depends on the contact (language, correspondence type) and the
    salesperson when none is chosen."""
    values = dict(values)
    contact = _resolve_contact(values.get("contact"), locked)
    if contact is not None and "contact" not in locked:
        values["contact"] = contact_label(contact)
    if not values.get("salesperson") and "salesperson" not in locked:
        salesperson = default_salesperson(user, contact)
        values["salesperson"] = salesperson.code if salesperson is not None else ""
    code = str(values.get("template") or "").strip()
    template = selectors.interaction_template_list().filter(code=code).first() if code else None
    if template is None:
        return values
    # Language and correspondence type follow the contact always; the other details only when
    # the template is newly chosen (the description only while blank, a locked campaign stays).
    keep = {"group"}
    if not template_changed and values.get("filled_template") == template.code:
        keep.update(services.TEMPLATE_DEFAULT_FIELDS)
        keep -= {"language", "correspondence_type"}
    if "campaign" in locked:
        keep.add("campaign")
    services.template_defaults_apply(values, template, contact=contact, keep=keep, as_keys=True)
    values["filled_template"] = template.code
    # Reference 2.1.6 step 5: deliver by default when there is a correspondence type.
    values["deliver"] = bool(values.get("correspondence_type"))
    return values


class InteractionDialogView(CapabilityRequiredMixin, View):
    """Create interaction (reference 2.1). GET shows the dialog; POST finishes, postpones,
    asks the Cancel question or discards, according to the button (`action`)."""

    write_capability = permissions.INTERACTIONS
    entry: InteractionLogEntry | None = None

    # -- what differs between creating and resuming

    def title(self) -> str:
        return _("Create interaction")

    def initial_values(self, entry_point: EntryPoint) -> dict[str, Any]:
        user = self.request.user
        contact = entry_point.locked.get("contact")
        values: dict[str, Any] = {
            "date": user.effective_work_date,  # type: ignore[union-attr]
            "time": services.now_rounded_up(),
            "successful": True,
            "cost": 0,
            "duration": 0,
            "deliver": False,
        }
        if contact is not None:
            values["contact"] = contact_label(contact)
        if "salesperson" not in entry_point.locked:
            salesperson = default_salesperson(user, contact)
            values["salesperson"] = salesperson.code if salesperson is not None else ""
        if entry_point.template is not None:
            values["template"] = entry_point.template.code
            values = fill_values(
                values, user=user, locked=entry_point.locked, template_changed=True
            )
        return values

    def save(self, values: dict[str, Any], *, postpone: bool) -> InteractionLogEntry:
        return services.interaction_create(actor=self.request.user, postpone=postpone, **values)

    @staticmethod
    def service_values(form: InteractionForm, *, postpone: bool) -> dict[str, Any]:
        """The form's values for the service; a draft is never delivered (Deliver counts
        only for Finish)."""
        values = form.service_values()
        if postpone:
            values.pop("deliver")
        return values

    def discard_message(self) -> str:
        return _("The interaction was not saved.")

    # -- the request cycle

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.entry_point = EntryPoint(request)
        return super().dispatch(request, *args, **kwargs)

    def form(self, **kwargs: Any) -> InteractionForm:
        return InteractionForm(locked=self.entry_point.locked, **kwargs)

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        form = self.form(initial=self.initial_values(self.entry_point))
        return self.respond(form)

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        action = request.POST.get("action", "finish")
        if action == "discard":
            messages.info(request, self.discard_message())
            return self.redirect(self.entry_point.next_url)
        if action in ("cancel", "back"):
            shown = self.form(initial=_raw_values(self.form(), request.POST))
            return self.respond(shown, asking=action == "cancel")
        postpone = action == "postpone"
        form = self.form(data=request.POST)
        if not form.is_valid():
            return self.respond(form, asking=False)
        self.entry_point.check_contact(form)
        if form.errors:
            return self.respond(form)
        if not postpone and form.template_changed_unfilled():
            values = fill_values(
                _raw_values(form, request.POST),
                user=request.user,
                locked=self.entry_point.locked,
                template_changed=True,
            )
            note = _(
                "The details were filled in from interaction template %(code)s. Check them and "
                "choose Finish."
            ) % {"code": values.get("filled_template", "")}
            return self.respond(self.form(initial=values), note=note)
        try:
            entry = self.save(self.service_values(form, postpone=postpone), postpone=postpone)
        except DomainError as error:
            add_domain_error(form, error)
            return self.respond(form)
        messages.success(request, self.saved_message(entry, postpone=postpone))
        return self.redirect(self.entry_point.next_url)

    def saved_message(self, entry: InteractionLogEntry, *, postpone: bool) -> str:
        contact = entry.contact.name if entry.contact is not None else ""
        if postpone:
            return _(
                "Interaction %(no)s with %(contact)s was saved for later: find it under "
                "Postponed interactions."
            ) % {"no": entry.entry_no, "contact": contact}
        return _("Interaction %(no)s with %(contact)s was logged.") % {
            "no": entry.entry_no,
            "contact": contact,
        }

    def redirect(self, url: str) -> HttpResponse:
        if getattr(self.request, "htmx", False):
            response = HttpResponse(status=204)
            response["HX-Redirect"] = url
            return response
        return HttpResponseRedirect(url)

    def context(self, form: InteractionForm, *, asking: bool, note: str) -> dict[str, Any]:
        query = urlencode(self.entry_point.query)
        if asking:
            # The question is about saving for later: nothing is delivered then.
            form.fields["deliver"].widget.attrs["disabled"] = True
        return {
            "form": form,
            "title": self.title(),
            "entry": self.entry,
            "asking": asking,
            "note": note,
            "post_url": self.request.path + (f"?{query}" if query else ""),
            "fill_url": reverse("interactions:interaction-fill") + (f"?{query}" if query else ""),
            "options_url": reverse("interactions:interaction-contact-options"),
            "cancel_url": self.entry_point.next_url,
            "general": [form[name] for name in form.GENERAL],
            "details": [form[name] for name in form.DETAILS],
            "campaign": [form[name] for name in form.CAMPAIGN],
        }

    def respond(
        self, form: InteractionForm, *, asking: bool = False, note: str = ""
    ) -> HttpResponse:
        context = self.context(form, asking=asking, note=note)
        htmx = getattr(self.request, "htmx", None)
        if htmx and htmx.target == "dialog-host":
            template = "interactions/dialog/modal.html"
        elif htmx:
            template = "interactions/dialog/form.html"
        else:
            template = "interactions/dialog/page.html"
        status = 422 if form.is_bound and form.errors and not htmx else 200
        return render(self.request, template, context, status=status)


class InteractionResumeView(InteractionDialogView):
    """Resume a postponed interaction (reference 2.2): the dialog with the stored values and
    the date reset to the work date. Finish logs the same entry (same entry no.); Cancel →
    Yes keeps it postponed with the changes; No leaves it as it was."""

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not permissions.user_can(request.user, self.write_capability):
            raise PermissionDenied(_("Your role does not allow this change."))
        entry = InteractionLogEntry.objects.filter(
            entry_no=kwargs["entry_no"], postponed=True
        ).first()
        if entry is None:
            raise Http404(
                _("There is no postponed interaction %(no)s.") % {"no": kwargs["entry_no"]}
            )
        check_may_open_form(request.user, entry)  # another salesperson's draft: 404
        self.entry = entry
        return super().dispatch(request, *args, **kwargs)

    def title(self) -> str:
        assert self.entry is not None
        return _("Resume Interaction %(no)s") % {"no": self.entry.entry_no}

    def initial_values(self, entry_point: EntryPoint) -> dict[str, Any]:
        entry = self.entry
        assert entry is not None
        return {
            "contact": contact_label(entry.contact) if entry.contact is not None else "",
            "template": entry.template.code if entry.template is not None else "",
            "filled_template": entry.template.code if entry.template is not None else "",
            "description": entry.description,
            "salesperson": entry.salesperson.code if entry.salesperson is not None else "",
            "language": entry.language.code if entry.language is not None else "",
            "correspondence_type": entry.correspondence_type,
            "date": self.request.user.effective_work_date,  # type: ignore[union-attr]
            "time": entry.time,
            "information_flow": entry.information_flow,
            "initiated_by": entry.initiated_by,
            "evaluation": entry.evaluation,
            "successful": not entry.attempt_failed,
            "cost": entry.cost,
            "duration": entry.duration,
            "campaign": entry.campaign.no if entry.campaign is not None else "",
            "campaign_target": entry.campaign_target,
            "campaign_response": entry.campaign_response,
            "deliver": bool(entry.correspondence_type),
        }

    def context(self, form: InteractionForm, *, asking: bool, note: str) -> dict[str, Any]:
        """The dialog, with the entry's comment lines read-only and a link to edit them."""
        context = super().context(form, asking=asking, note=note)
        assert self.entry is not None
        context.update(
            comments=list(selectors.interaction_comments(self.entry)),
            comments_url=reverse("interactions:entry-comments", args=[self.entry.entry_no]),
        )
        return context

    def save(self, values: dict[str, Any], *, postpone: bool) -> InteractionLogEntry:
        assert self.entry is not None
        return services.interaction_resume(
            actor=self.request.user, entry=self.entry, postpone=postpone, **values
        )

    def discard_message(self) -> str:
        return _("Interaction %(no)s stays postponed, unchanged.") % {
            "no": self.entry.entry_no if self.entry is not None else ""
        }

    def saved_message(self, entry: InteractionLogEntry, *, postpone: bool) -> str:
        if postpone:
            return _("Interaction %(no)s stays postponed, with your changes.") % {
                "no": entry.entry_no
            }
        return super().saved_message(entry, postpone=False)


class InteractionFillView(CapabilityRequiredMixin, View):
    """htmx: the dialog's fields again after a template or contact was chosen."""

    write_capability = permissions.INTERACTIONS

    def post(self, request: HttpRequest) -> HttpResponse:
        entry_point = EntryPoint(request)
        form = InteractionForm(locked=entry_point.locked)
        trigger = getattr(request, "htmx", None) and request.htmx.trigger  # type: ignore[attr-defined]
        values = fill_values(
            _raw_values(form, request.POST),
            user=request.user,
            locked=entry_point.locked,
            template_changed=trigger != "id_contact",
        )
        filled = InteractionForm(locked=entry_point.locked, initial=values)
        context = {
            "form": filled,
            "general": [filled[name] for name in filled.GENERAL],
            "details": [filled[name] for name in filled.DETAILS],
            "campaign": [filled[name] for name in filled.CAMPAIGN],
            "fill_url": request.get_full_path(),
        }
        return render(request, "interactions/dialog/fields.html", context)


class ContactOptionsView(View):
    """htmx: the contact field's suggestions (a <datalist>'s options) for the typed text."""

    def get(self, request: HttpRequest) -> HttpResponse:
        contacts = contact_options(request.GET.get("contact", ""))
        return render(
            request,
            "interactions/dialog/contact_options.html",
            {"options": [(contact_label(c), c.get_type_display()) for c in contacts]},
        )


urlpatterns: list[URLPattern] = [
    path("interactions/new/", InteractionDialogView.as_view(), name="interaction-create"),
    path("interactions/new/fill/", InteractionFillView.as_view(), name="interaction-fill"),
    path(
        "interactions/new/contacts/",
        ContactOptionsView.as_view(),
        name="interaction-contact-options",
    ),
    path(
        "interactions/postponed/<int:entry_no>/resume/",
        InteractionResumeView.as_view(),
        name="interaction-resume",
    ),
]
