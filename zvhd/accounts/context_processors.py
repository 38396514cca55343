from django.http import HttpRequest

from zvhd.accounts.capabilities import Capability, user_has_capability


def capabilities(request: HttpRequest) -> dict[str, object]:
    """`can.<capability>` for templates, so menus only offer what the role may use."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"can": {}}
    return {"can": {capability.value: user_has_capability(user, capability) for capability in Capability}}
