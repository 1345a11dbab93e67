from django.contrib import admin

from rapport.contacts.models import Language, Salesperson


@admin.register(Salesperson)
class SalespersonAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "email", "user")
    search_fields = ("code", "name", "email")


@admin.register(Language)
class LanguageAdmin(admin.ModelAdmin):
    list_display = ("code", "name")
