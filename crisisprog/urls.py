from csp.constants import UNSAFE_INLINE
from csp.decorators import csp_update
from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from apps.core import installable
from apps.core.views import favicon, healthz

# A database outage raised outside a view is answered 503, like one inside a view.
handler500 = "apps.core.views.server_error"
# Under /api/ a URL that matches no route is answered with the API's JSON error body.
handler404 = "apps.core.api.errors.not_found"

admin.site.site_header = "crisisprog administration"
admin.site.site_title = "crisisprog admin"

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("favicon.ico", favicon, name="favicon"),
    path("manifest.webmanifest", installable.manifest, name="manifest"),
    path("sw.js", installable.service_worker, name="service-worker"),
    path("offline/", installable.offline, name="offline"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/", include("allauth.urls")),
    path("admin/", admin.site.urls),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # Swagger UI sets inline styles from its own script; only this page relaxes style-src for it.
    path("api/docs/", csp_update({"style-src": [UNSAFE_INLINE]})(
        SpectacularSwaggerSplitView.as_view(url_name="api-schema")), name="api-docs"),
    path("api/v1/", include("crisisprog.api_urls")),
    path("", include("apps.accounts.urls")),
    path("", include("apps.notifications.urls")),
    path("procurement/", include("apps.procurement.urls")),
    path("training/", include("apps.training.urls")),
    path("shifts/", include("apps.scheduling.urls")),
    path("", include("apps.engagement.urls")),
    path("ops/", include("apps.operations.urls")),
    path("reports/", include("apps.reports.urls")),
    path("", include("apps.core.urls")),
]
