from crispy_forms_gds.layout import Field, Fieldset, Size, Submit
from django import forms
from django.db.models import Q

from riskreg.forms import filter_form_helper, form_helper
from riskreg.models import User
from riskreg.roles import Role


def role_field() -> forms.MultipleChoiceField:
    return forms.MultipleChoiceField(
        label="Roles",
        choices=[(role.value, role.label) for role in Role],
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="Select all that apply. With no role, they see only a page saying whom to ask.",
        error_messages={"invalid_choice": "Select roles from the list"},
    )


class RolesForm(forms.Form):
    roles = role_field()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = form_helper(
            Fieldset(Field.checkboxes("roles"), legend="Roles", legend_size=Size.MEDIUM), Submit("submit", "Save roles")
        )


class InviteForm(forms.Form):
    first_name = forms.CharField(
        label="First name", max_length=150, error_messages={"required": "Enter their first name"}
    )
    last_name = forms.CharField(label="Last name", max_length=150, error_messages={"required": "Enter their last name"})
    email = forms.EmailField(
        label="Email address",
        max_length=254,
        help_text="The invitation goes to this address",
        error_messages={
            "required": "Enter their email address",
            "invalid": "Enter an email address in the correct format, like name@example.org",
        },
    )
    username = forms.CharField(
        label="Username (optional)",
        max_length=150,
        required=False,
        help_text="What they type to sign in. Leave it empty to use their email address",
    )
    roles = role_field()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = form_helper(
            Field.text("first_name", field_width=20),
            Field.text("last_name", field_width=20),
            Field.text("email", field_width=30),
            Field.text("username", field_width=20),
            Field.checkboxes("roles"),
            Submit("submit", "Send the invitation"),
        )

    def clean_email(self):
        email = self.cleaned_data["email"].strip().lower()
        if User.objects.filter(email__iexact=email).exists():
            raise forms.ValidationError("Someone in the register already has this email address")
        return email

    def clean(self):
        cleaned = super().clean()
        username = (cleaned.get("username") or cleaned.get("email") or "").strip()
        if username:
            try:
                User.username_validator(username)
            except forms.ValidationError:
                self.add_error("username", "A username can only have letters, digits and @ . + - _")
                return cleaned
            if User.objects.filter(username__iexact=username).exists():
                self.add_error("username" if cleaned.get("username") else "email", "This username is already taken")
        cleaned["username"] = username
        return cleaned


class PeopleFilterForm(forms.Form):
    text = forms.CharField(label="Name, username or email", required=False, max_length=200)
    role = forms.ChoiceField(label="Role", required=False)
    status = forms.ChoiceField(
        label="Status",
        required=False,
        choices=[("", "Active and deactivated"), ("active", "Active"), ("inactive", "Deactivated")],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = [("", "Any role"), ("none", "No role"), *Role.choices]
        self.fields["role"].error_messages["invalid_choice"] = "Select a role from the list"
        self.fields["status"].error_messages["invalid_choice"] = "Select a status from the list"
        self.helper = filter_form_helper(
            "Filter people", Field.text("text", field_width=20), Field.select("role"), Field.select("status")
        )

    def filter(self, people):
        data = self.cleaned_data
        for word in data.get("text", "").split():
            people = people.filter(
                Q(username__icontains=word)
                | Q(email__icontains=word)
                | Q(first_name__icontains=word)
                | Q(last_name__icontains=word)
            )
        if data.get("role") == "none":
            people = people.filter(groups__isnull=True, is_superuser=False)
        elif data.get("role"):
            people = people.filter(groups__name=data["role"])
        if data.get("status"):
            people = people.filter(is_active=data["status"] == "active")
        return people
