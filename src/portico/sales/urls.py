from django.urls import path

from portico.sales import views

app_name = "sales"

urlpatterns = [
    path(
        "attachments/<uuid:attachment_id>/",
        views.attachment_download,
        name="attachment_download",
    ),
]
