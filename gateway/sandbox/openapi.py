"""The OpenAPI 3 description of the simulated OMI endpoints (and the admin routes)."""

from __future__ import annotations

from typing import Any

__all__ = ["openapi_document"]

_REF = "#/components/schemas/"
_BEARER: list[dict[str, list[str]]] = [{"bearer": []}]


def _json_body(schema: str, required: bool) -> dict[str, Any]:
    return {
        "required": required,
        "content": {"application/json": {"schema": {"$ref": _REF + schema}}},
    }


def _answers(payload: dict[str, Any] | None, *, auth: bool = True) -> dict[str, Any]:
    envelope: dict[str, Any] = {"$ref": _REF + "Envelope"}
    if payload is not None:
        envelope = {
            "allOf": [
                {"$ref": _REF + "Envelope"},
                {"type": "object", "properties": {"payload": payload}},
            ]
        }
    answers: dict[str, Any] = {
        "200": {
            "description": "Success (status_code 9999) or a business error (status_code "
            "-9999, the code in message).",
            "content": {"application/json": {"schema": envelope}},
        }
    }
    if auth:
        answers["401"] = {"$ref": "#/components/responses/Unauthorized"}
    return answers


def _query(name: str, schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {
        "name": name,
        "in": "query",
        "required": True,
        "schema": schema,
        "description": description,
    }


def _omi_paths() -> dict[str, Any]:
    return {
        "/api/auth": {
            "get": {
                "operationId": "auth",
                "summary": "Exchange an API key for an access token (24 h by default).",
                "parameters": [_query("apiKey", {"type": "string"}, "The partner's API key.")],
                "responses": _answers({"$ref": _REF + "AccessToken"}, auth=False),
            }
        },
        "/api/partner/tenant/add": {
            "post": {
                "operationId": "tenantAdd",
                "summary": "Create a tenant; it activates after a delay.",
                "security": _BEARER,
                "requestBody": _json_body("NewTenant", True),
                "responses": _answers({"type": "object", "properties": {"id": {"type": "string"}}}),
            }
        },
        "/api/partner/tenant/list": {
            "post": {
                "operationId": "tenantList",
                "summary": "A page of the partner's tenants, optionally by keyword.",
                "security": _BEARER,
                "parameters": [
                    _query("size", {"type": "integer", "minimum": 1, "maximum": 100}, "Page size."),
                    _query("page", {"type": "integer", "minimum": 1}, "Page, from 1."),
                ],
                "requestBody": _json_body("ListFilter", False),
                "responses": _answers({"$ref": _REF + "TenantPage"}),
            }
        },
        "/api/partner/tenant/info": {
            "get": {
                "operationId": "tenantInfo",
                "summary": "One of the partner's tenants.",
                "security": _BEARER,
                "parameters": [_query("id", {"type": "string"}, "The tenant's id.")],
                "responses": _answers({"$ref": _REF + "TenantDetail"}),
            }
        },
        "/api/partner/tenant/update_balance": {
            "post": {
                "operationId": "tenantUpdateBalance",
                "summary": "Top up a tenant's balance (not idempotent).",
                "security": _BEARER,
                "requestBody": _json_body("TopUp", True),
                "responses": _answers(None),
            }
        },
    }


def _admin_paths() -> dict[str, Any]:
    ok = {"200": {"description": "OK", "content": {"application/json": {"schema": {}}}}}
    fault_body = _json_body("Fault", True)
    return {
        "/_sandbox/faults": {
            "get": {"operationId": "listFaults", "responses": ok},
            "post": {
                "operationId": "addFault",
                "requestBody": fault_body,
                "responses": {"201": ok["200"], "400": {"description": "Invalid fault"}},
            },
            "delete": {"operationId": "clearFaults", "responses": ok},
        },
        "/_sandbox/stats": {
            "get": {"operationId": "getStats", "responses": ok},
            "delete": {"operationId": "resetStats", "responses": ok},
        },
    }


def _schemas() -> dict[str, Any]:
    string, integer, boolean = {"type": "string"}, {"type": "integer"}, {"type": "boolean"}
    ms = {"type": "integer", "format": "int64", "description": "epoch milliseconds"}
    nullable_ms = {**ms, "nullable": True}
    summary = {k: string for k in ("id", "full_name", "email", "domain", "status", "phone")}
    return {
        "Envelope": {
            "type": "object",
            "required": ["status_code"],
            "properties": {
                "status_code": {"type": "integer", "enum": [9999, -9999]},
                "message": {"type": "string", "description": "The error code on failure."},
                "instance_id": string,
                "instance_name": string,
                "instance_version": string,
                "payload": {},
                "key_enabled": boolean,
            },
        },
        "AccessToken": {
            "type": "object",
            "properties": {
                "access_token": string,
                "access_type": {"type": "string", "enum": ["normal", "bussiness"]},
                "token_type": string,
            },
        },
        "NewTenant": {
            "type": "object",
            "required": ["email", "password", "fullName", "ownerName", "phone"],
            "properties": {
                "email": {"type": "string", "format": "email"},
                "password": {"type": "string", "minLength": 8},
                "fullName": {"type": "string", "maxLength": 254},
                "ownerName": {"type": "string", "maxLength": 254},
                "phone": string,
                "isAutoActive": boolean,
            },
        },
        "ListFilter": {"type": "object", "properties": {"keyword": string}},
        "TenantSummary": {"type": "object", "properties": {**summary, "enabled": boolean}},
        "TenantPage": {
            "type": "object",
            "properties": {
                "items": {"type": "array", "items": {"$ref": _REF + "TenantSummary"}},
                "page_number": integer,
                "page_size": integer,
                "total_items": integer,
                "total_pages": integer,
                "has_next": boolean,
                "next_page": {"type": "integer", "nullable": True},
                "has_previous": boolean,
                "previous_page": {"type": "integer", "nullable": True},
            },
        },
        "TenantDetail": {
            "type": "object",
            "properties": {
                **{k: string for k in ("full_name", "email", "description", "domain")},
                **{k: string for k in ("domain_fusion", "phone", "status", "paid_type")},
                **{k: string for k in ("nation", "currency", "language", "api_key")},
                "enabled": boolean,
                "domain_expire": ms,
                "effective_date": nullable_ms,
                "expire_date": ms,
                "balance": {"type": "integer", "format": "int64"},
                "public_numbers": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "properties": {
                            "number": string,
                            "provider": string,
                            "expire_date": ms,
                            "status": string,
                        },
                    },
                },
                "service_package": {
                    "type": "object",
                    "properties": {
                        "code_name": string,
                        "service_name": string,
                        "staff_num": integer,
                        "customer_num": integer,
                        "expiry_date": ms,
                        "cashback": {"type": "integer", "format": "int64"},
                    },
                },
            },
        },
        "TopUp": {
            "type": "object",
            "required": ["email", "amount", "description"],
            "properties": {
                "email": string,
                "amount": {"type": "integer", "format": "int64", "minimum": 10000},
                "description": {"type": "string", "minLength": 50},
            },
        },
    }


_FAULT_SCHEMA = {
    "type": "object",
    "properties": {
        "endpoint": {"type": "string"},
        "latency_ms": {"type": "integer"},
        "http_status": {"type": "integer"},
        "omi_code": {"type": "string"},
        "mode": {"type": "string", "enum": ["hang", "drop", "drop_after", "garbage"]},
        "times": {"type": "integer", "minimum": 1},
        "probability": {"type": "number", "minimum": 0, "maximum": 1},
    },
}


def openapi_document(*, admin: bool) -> dict[str, Any]:
    """The OpenAPI 3.0 document; the ``/_sandbox/`` routes only when ``admin``."""
    schemas = _schemas()
    paths = _omi_paths()
    if admin:
        paths.update(_admin_paths())
        schemas["Fault"] = _FAULT_SCHEMA
    return {
        "openapi": "3.0.3",
        "info": {
            "title": "OMI partner tenant API (sandbox)",
            "version": "1.0.0",
            "description": "An in-memory simulator of the OMI CRM partner API.",
        },
        "paths": paths,
        "components": {
            "schemas": schemas,
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
            "responses": {
                "Unauthorized": {
                    "description": "Missing or unknown token: the bare text Unauthorized. "
                    "Expired token: the envelope with message token_expired.",
                    "content": {
                        "text/plain": {"schema": {"type": "string", "enum": ["Unauthorized"]}},
                        "application/json": {"schema": {"$ref": _REF + "Envelope"}},
                    },
                }
            },
        },
    }
