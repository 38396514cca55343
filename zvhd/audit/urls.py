"""The privacy officer's screens on the access log."""

urlpatterns: list = []
