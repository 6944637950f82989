from django.urls import path

from . import i18n_views, views

app_name = "core"

urlpatterns = [
    path("", views.home, name="dashboard"),
    path("audit/", views.audit_list, name="audit-list"),
    path("translations/", i18n_views.translation_list, name="translation-list"),
    path("translations/<str:code>/", i18n_views.translation_detail, name="translation-detail"),
    path("translations/<str:code>/status/", i18n_views.translation_status, name="translation-status"),
    path("translations/<str:code>/import/", i18n_views.translation_import, name="translation-import"),
]
