from django.core.cache import cache

from zvhd.reference.models import House

_HOUSE_CACHE_KEY = "zvhd:reference:house"


def house_get() -> House | None:
    """The house this installation serves; cached because every page shows its name."""
    house = cache.get(_HOUSE_CACHE_KEY)
    if house is None:
        house = House.objects.first()
        if house is not None:
            cache.set(_HOUSE_CACHE_KEY, house, timeout=300)
    return house


def house_cache_clear() -> None:
    cache.delete(_HOUSE_CACHE_KEY)
