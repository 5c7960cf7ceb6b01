from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from simple_history.admin import SimpleHistoryAdmin

from riskreg.models import User


@admin.register(User)
class UserAdmin(BaseUserAdmin, SimpleHistoryAdmin):
    list_display = ["username", "first_name", "last_name", "email", "is_active", "is_staff"]
    list_filter = ["groups", "is_active", "is_staff"]
