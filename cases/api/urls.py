from django.urls import include, path

from cases.api import views

urlpatterns = [
    path("referrals/", views.ReferralListCreateView.as_view(), name="api-referral-list"),
    path("cases/", views.CaseListView.as_view(), name="api-case-list"),
    path("cases/<int:pk>/", views.CaseDetailView.as_view(), name="api-case-detail"),
    path("", include("cases.api.urls_procesregie")),
    path("", include("cases.api.urls_notifications")),
]
