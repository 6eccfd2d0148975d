"""One JSON error shape for the whole API, and the schema that documents it on every operation.

Every error answer looks like::

    {"status": 400, "code": "invalid", "detail": "Check the fields below.", "fields": {"price": ["…"]}}

`fields` holds messages per input field (empty when the error is not about a field). Services raise
domain errors (influencers.kernel.errors); this handler turns them into the statuses the schema promises:
DomainError 400, NotAllowed 403, Conflict 409, a Django ValidationError 400, a missing object 404.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from influencers.kernel.errors import Conflict, DomainError, NotAllowed

NON_FIELD_KEYS = ("non_field_errors", "__all__")


class ConflictError(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = _("Someone else changed this first. Reload and try again.")
    default_code = "conflict"


def _as_api_exception(exc: Exception) -> Exception:
    """Domain and Django exceptions as the DRF exception with the status the API documents."""
    if isinstance(exc, Conflict):
        return ConflictError(_field_detail(exc.message, exc.field), code="conflict")
    if isinstance(exc, NotAllowed):
        return exceptions.PermissionDenied(_field_detail(exc.message, exc.field))
    if isinstance(exc, DomainError):
        return exceptions.ValidationError(_field_detail(exc.message, exc.field))
    if isinstance(exc, DjangoValidationError):
        if hasattr(exc, "error_dict"):
            return exceptions.ValidationError(exc.message_dict)
        return exceptions.ValidationError({"non_field_errors": exc.messages})
    if isinstance(exc, Http404 | ObjectDoesNotExist):
        return exceptions.NotFound()
    if isinstance(exc, PermissionDenied):
        return exceptions.PermissionDenied()
    return exc


def _field_detail(message: str, field: str | None) -> Any:
    return {field: [message]} if field else message


def _flatten(detail: Any) -> list[str]:
    if isinstance(detail, dict):
        return [message for value in detail.values() for message in _flatten(value)]
    if isinstance(detail, list):
        return [message for value in detail for message in _flatten(value)]
    return [str(detail)]


def error_body(*, status_code: int, code: str, detail: str, fields: dict | None = None) -> dict:
    return {"status": status_code, "code": code, "detail": detail, "fields": fields or {}}


def _body_for(exc: exceptions.APIException, status_code: int) -> dict:
    detail = exc.detail
    codes = exc.get_codes()
    if isinstance(detail, dict):
        fields = {key: value for key, value in detail.items() if key not in NON_FIELD_KEYS}
        general = [message for key in NON_FIELD_KEYS for message in _flatten(detail.get(key, []))]
        first_code = next(iter(_flatten(codes)), exc.default_code) if isinstance(codes, dict) else codes
        text = " ".join(general) or _("Check the fields below.")
        return error_body(status_code=status_code, code=str(first_code), detail=text, fields=fields)
    if isinstance(detail, list):
        code = next(iter(_flatten(codes)), exc.default_code)
        return error_body(status_code=status_code, code=str(code), detail=" ".join(_flatten(detail)))
    return error_body(status_code=status_code, code=str(codes), detail=str(detail))


def api_exception_handler(exc: Exception, context: dict) -> Response | None:
    """DRF's handler (it adds WWW-Authenticate and Retry-After), then our one error shape."""
    exc = _as_api_exception(exc)
    response = drf_exception_handler(exc, context)
    if response is None or not isinstance(exc, exceptions.APIException):
        return response  # an unexpected exception: a 500, logged by Django
    response.data = _body_for(exc, response.status_code)
    return response


@csrf_exempt  # answers every method with 404; a CSRF 403 page here would be HTML, not the error shape
def api_not_found(request: HttpRequest, *args: Any, **kwargs: Any) -> JsonResponse:
    """Any /api/v1/ address that matches no endpoint (also in DEBUG, where Django would answer HTML)."""
    body = error_body(status_code=404, code="not_found", detail=_("No API endpoint at this address."))
    return JsonResponse(body, status=404)


# --- Schema ---------------------------------------------------------------------------------

ERROR_COMPONENT = "Error"
ERROR_SCHEMA: dict = {
    "type": "object",
    "description": "The one shape of every error answer.",
    "properties": {
        "status": {"type": "integer", "description": "The HTTP status, repeated for convenience."},
        "code": {"type": "string", "description": "A stable machine-readable code, e.g. invalid, not_found."},
        "detail": {"type": "string", "description": "A message a person can act on."},
        "fields": {
            "type": "object",
            "additionalProperties": {},
            "description": "Messages per input field (lists of strings; nested for nested input). Empty otherwise.",
        },
    },
    "required": ["status", "code", "detail", "fields"],
}

ERROR_DESCRIPTIONS: dict[str, str] = {
    "400": "Invalid input or a business rule refused it; `fields` names the fields.",
    "401": "No valid credentials: send `Authorization: Token <key>` (or log in for the browsable API).",
    "403": "Authenticated, but this role may not do this.",
    "404": "Not found, or not yours (someone else's object is reported as missing).",
    "409": "Conflict: someone changed the object first, or it already exists.",
    "429": "Too many requests; wait the number of seconds in Retry-After.",
}
WRITE_METHODS = frozenset({"post", "put", "patch", "delete"})


def _error_response(code: str) -> dict:
    response: dict = {
        "description": ERROR_DESCRIPTIONS[code],
        "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{ERROR_COMPONENT}"}}},
    }
    if code == "429":
        response["headers"] = {
            "Retry-After": {
                "description": "Seconds to wait before the next request.",
                "required": True,
                "schema": {"type": "integer"},
            }
        }
    if code == "401":
        response["headers"] = {
            "WWW-Authenticate": {
                "description": "The authentication scheme to use (Token).",
                "required": True,
                "schema": {"type": "string"},
            }
        }
    return response


BLANK_STRING = {"type": "string", "maxLength": 0}


def _blank_alternatives_as_any_of(node: Any) -> None:
    """drf-spectacular writes "pattern, or empty" as oneOf; "" matches both branches, so it must be anyOf."""
    if isinstance(node, dict):
        alternatives = node.get("oneOf")
        if isinstance(alternatives, list) and BLANK_STRING in alternatives:
            node["anyOf"] = node.pop("oneOf")
        for value in node.values():
            _blank_alternatives_as_any_of(value)
    elif isinstance(node, list):
        for value in node:
            _blank_alternatives_as_any_of(value)


def add_error_responses(result: dict, generator: Any, request: Any, public: bool) -> dict:
    """drf-spectacular postprocessing hook: every operation documents the errors it can answer."""
    _blank_alternatives_as_any_of(result)
    result.setdefault("components", {}).setdefault("schemas", {})[ERROR_COMPONENT] = ERROR_SCHEMA
    for path_item in result.get("paths", {}).values():
        for method, operation in path_item.items():
            if method not in {"get", "head", *WRITE_METHODS}:
                continue
            # 401 even on public operations: an invalid token is refused wherever it is sent.
            codes = ["400", "401", "403", "404", "429"]
            if method in WRITE_METHODS:
                codes.insert(4, "409")
            responses = operation.setdefault("responses", {})
            for code in codes:
                responses.setdefault(code, _error_response(code))
    return result
