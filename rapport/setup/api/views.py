from __future__ import annotations

from rest_framework import generics
from rest_framework.response import Response

from rapport.core import permissions
from rapport.core.api.views import NoticesMixin
from rapport.setup import selectors, services
from rapport.setup.api.serializers import MarketingSetupSerializer


class MarketingSetupView(NoticesMixin, generics.RetrieveUpdateAPIView):
    """Marketing Setup, the singleton: GET to read, PUT or PATCH to change (administrators)."""

    serializer_class = MarketingSetupSerializer
    write_capability = permissions.SETUP

    def get_object(self):  # type: ignore[no-untyped-def]
        return selectors.marketing_setup_get()

    def update(self, request, *args, **kwargs):  # type: ignore[no-untyped-def]
        partial = kwargs.pop("partial", False)
        serializer = self.get_serializer(self.get_object(), data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        setup = services.marketing_setup_update(**serializer.validated_data)
        return Response(self.get_serializer(setup).data)
