from django.http import HttpRequest

from zvhd.reference.selectors import house_get


def house(request: HttpRequest) -> dict[str, object]:
    return {"house": house_get()}
