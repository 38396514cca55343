from django.urls import path

from reporting.api import views

urlpatterns = [
    path("figures/<int:year>/", views.KeyFiguresView.as_view(), name="api-figures"),
]
