from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from zvhd.health.selectors import database_ok, worker_last_seen


@never_cache
@require_GET
def health(request: HttpRequest) -> JsonResponse:
    """Liveness for load balancers and docker-compose: 200 when the database answers."""
    db = database_ok()
    last_seen = worker_last_seen() if db else None
    payload = {
        "database": "ok" if db else "unavailable",
        "worker_last_seen": last_seen.isoformat() if last_seen else None,
    }
    return JsonResponse(payload, status=200 if db else 503)
