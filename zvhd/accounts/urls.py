"""Login, two-factor authentication and account reports."""

urlpatterns: list = []
