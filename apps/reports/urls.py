from django.urls import path

from . import views

app_name = "reports"

urlpatterns = [
    path("", views.report_list, name="report-list"),
    path("new/", views.report_kind_list, name="report-kind-list"),
    path("new/<slug:kind>/", views.report_create, name="report-create"),
    path("<int:pk>/", views.report_detail, name="report-detail"),
    path("<int:pk>/status/", views.report_status, name="report-status"),
    path("<int:pk>/download/", views.report_download, name="report-download"),
    path("<int:pk>/preview.png", views.report_preview, name="report-preview"),
    path("<int:pk>/rerun/", views.report_rerun, name="report-rerun"),
    path("subscriptions/<slug:kind>/", views.subscription_set, name="subscription-set"),
]
