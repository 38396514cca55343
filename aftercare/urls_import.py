from django.urls import path

from aftercare import views_import

urlpatterns = [
    path("nazorg/import/", views_import.notice_import, name="aftercare-import"),
    path("nazorg/import/<int:batch_pk>/", views_import.import_result, name="aftercare-import-result"),
]
