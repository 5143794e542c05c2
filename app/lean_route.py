"""``LeanRoute``: a FastAPI route documented from its signature like any other, answered without
FastAPI's per-request machinery.

For the endpoints hit once per training step (the API's busiest), FastAPI's general handling of
a request costs more than the step itself (docs/benchmarks.md): it solves the endpoint's
dependency graph, opens exit stacks for dependencies with ``yield``, reads the body through an
async generator, parses its JSON into Python objects and then validates those. A route of this
class is declared with the same decorator and signature as any other, on an ``APIRouter`` made
with ``route_class=LeanRoute``, and FastAPI builds its OpenAPI operation from them as usual. Its
handler reads what that signature declares directly: path parameters as the strings the path
holds, dependencies that take only the connection, and one JSON body validated straight from its
bytes by the declared Pydantic type. A signature with anything else is refused when the route is
declared, so the documented operation is the one that answers.

Errors go to the application's exception handlers, as everywhere else: a bad body raises the
``RequestValidationError`` FastAPI's own parsing would, located in ``body``. The body is read as
JSON whatever its ``Content-Type``. Dependencies given to ``include_router`` are not seen by the
handler: include a router of these routes without them.
"""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any

from fastapi.dependencies.models import Dependant
from fastapi.exceptions import RequestValidationError
from fastapi.routing import APIRoute
from pydantic import TypeAdapter, ValidationError
from starlette.requests import ClientDisconnect, Request
from starlette.responses import Response
from starlette.types import ASGIApp, Receive, Scope, Send

Handler = Callable[[Request], Coroutine[Any, Any, Response]]


class LeanRoute(APIRoute):
    """An ``APIRoute`` answered by ``lean_handler`` (see the module's docstring).

    Declared on the application's own router, the route calls the handler itself, without the
    per-request exit stacks FastAPI opens for dependencies with ``yield`` (a lean endpoint has
    none) and without the route's own exception wrapper (the application's
    ``ExceptionMiddleware`` sends errors to the same handlers). In an included router FastAPI
    wraps the same handler as it does any other.
    """

    def __init__(self, path: str, endpoint: Callable[..., Any], **kwargs: Any) -> None:
        super().__init__(path, endpoint, **kwargs)
        if self.max_body_size is not None:  # the application's limit applies
            raise TypeError(f"{self.name}: a LeanRoute takes no max_body_size of its own")
        self.app = _asgi(self.get_route_handler())

    def get_route_handler(self) -> Handler:
        return lean_handler(self.dependant)


def _asgi(handler: Handler) -> ASGIApp:
    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        response = await handler(Request(scope, receive, send))
        await response(scope, receive, send)

    return app


def lean_handler(dependant: Dependant) -> Handler:
    """The endpoint of ``dependant`` as a request handler; ``TypeError`` if its signature has
    what the handler does not read (query, header or cookie parameters, a path parameter that
    is not a plain ``str``, a dependency of more than the connection, more than one body
    parameter, an embedded or constrained one, a return type that is not a ``Response``)."""
    endpoint = dependant.call
    assert endpoint is not None
    name = getattr(endpoint, "__qualname__", repr(endpoint))

    def refuse(what: str) -> TypeError:
        return TypeError(f"{name}: a LeanRoute endpoint cannot have {what}")

    if dependant.query_params or dependant.header_params or dependant.cookie_params:
        raise refuse("query, header or cookie parameters")
    if len(dependant.body_params) > 1:
        raise refuse("more than one body parameter")
    if (
        dependant.websocket_param_name
        or dependant.response_param_name
        or dependant.background_tasks_param_name
        or dependant.security_scopes_param_name
    ):
        raise refuse("a WebSocket, Response, BackgroundTasks or SecurityScopes parameter")
    path_names = []
    for field in dependant.path_params:
        if field.field_info.annotation is not str or field.field_info.metadata:
            raise refuse(f"a path parameter {field.name!r} that is not a plain str")
        path_names.append(field.name)
    dependencies = [_connection_dependency(sub, refuse) for sub in dependant.dependencies]
    if not _returns_response(endpoint):
        raise refuse("a return type that is not a Response")
    read_body = _body_reader(dependant) if dependant.body_params else None
    request_names = [
        key for key in (dependant.request_param_name, dependant.http_connection_param_name) if key
    ]

    async def handle(request: Request) -> Response:
        path_params = request.path_params
        values: dict[str, Any] = {key: path_params[key] for key in path_names}
        for key, call in dependencies:
            values[key] = await call(request)
        for key in request_names:
            values[key] = request
        if read_body is not None:
            key, value = await read_body(request)
            values[key] = value
        response: Response = await endpoint(**values)
        return response

    return handle


def _connection_dependency(
    sub: Dependant, refuse: Callable[[str], TypeError]
) -> tuple[str, Callable[[Request], Awaitable[Any]]]:
    """The name and call of a dependency that takes the connection (``Request`` or
    ``HTTPConnection``) and nothing else."""
    connection = sub.request_param_name or sub.http_connection_param_name
    others = (
        sub.path_params,
        sub.query_params,
        sub.header_params,
        sub.cookie_params,
        sub.body_params,
        sub.dependencies,
    )
    if (
        sub.name is None
        or sub.call is None
        or connection is None
        or any(others)
        or not inspect.iscoroutinefunction(sub.call)
    ):
        raise refuse(f"a dependency {sub.name!r} that takes more than the connection")
    call = sub.call

    async def solve(request: Request) -> Any:
        return await call(**{connection: request})

    return sub.name, solve


def _returns_response(endpoint: Callable[..., Any]) -> bool:
    returned = inspect.signature(endpoint, eval_str=True).return_annotation
    return inspect.isclass(returned) and issubclass(returned, Response)


def _body_reader(
    dependant: Dependant,
) -> Callable[[Request], Coroutine[Any, Any, tuple[str, Any]]]:
    """Reads the body parameter: its declared type validated from the body's JSON bytes; no body
    (or only whitespace) is the parameter's default."""
    (field,) = dependant.body_params
    annotation = field.field_info.annotation
    if annotation is None or field.field_info.is_required():
        raise TypeError(f"{field.name}: a LeanRoute body parameter needs a type and a default")
    if field.field_info.metadata or getattr(field.field_info, "embed", False):
        # the handler validates the whole body by the type alone
        raise TypeError(
            f"{field.name}: a LeanRoute body parameter is neither embedded nor "
            "constrained beyond its type"
        )
    key, default = field.name, field.field_info.get_default(call_default_factory=True)
    adapter: TypeAdapter[Any] = TypeAdapter(annotation)

    async def read(request: Request) -> tuple[str, Any]:
        body = await _body(request)
        if not body.strip():
            return key, default
        try:
            return key, adapter.validate_json(body)
        except ValidationError as e:
            errors = e.errors(include_url=False)
            raise RequestValidationError(
                [{**error, "loc": ("body", *error["loc"])} for error in errors]
            ) from None

    return read


async def _body(request: Request) -> bytes:
    """The request's body, read from its ASGI messages as ``Request.body`` does, but without
    its async generator (a measurable share of a one-step request: docs/benchmarks.md)."""
    chunks = []
    while True:
        message = await request.receive()
        if message["type"] == "http.disconnect":
            raise ClientDisconnect()
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            return b"".join(chunks)
