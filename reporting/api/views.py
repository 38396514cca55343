"""Stub: being built."""

from rest_framework.views import APIView


class KeyFiguresView(APIView):
    pass
