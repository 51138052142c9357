"""The tools answered by a Petstore server's REST API: ``petstore mcp`` with
``PETSTORE_API_BASE`` (e.g. ``https://petstore.example.com/v1``), signed in with
``PETSTORE_API_KEY``, the reference's desktop-assistant configuration. Each tool is the REST
call of the operation it mirrors; a refusal is that call's problem document, unchanged."""

from __future__ import annotations

import uuid
from typing import Any
from urllib.parse import urlsplit

import httpx
import orjson

from petstore import __version__
from petstore.mcp.backend import Image, Json, ToolFailure
from petstore.mcp.local import test_card_payment
from petstore.payments.schemas import TestCard
from petstore.pets.schemas import PetSearch, PetStatus, PetWrite, Species
from petstore.store.schemas import OrderStatus

TIMEOUT_SECONDS = 30.0


def unreachable(base: str, exc: Exception) -> ToolFailure:
    return ToolFailure(
        {
            "type": "about:blank",
            "title": "Bad Gateway",
            "status": 502,
            "detail": f"The Petstore API at {base} could not be reached ({type(exc).__name__}).",
        }
    )


class RestBackend:
    def __init__(self, base: str, api_key: str | None, tenant: str | None) -> None:
        self.base = base.rstrip("/")
        headers = {"User-Agent": f"petstore-mcp/{__version__}", "Accept": "application/json"}
        if api_key:
            headers["Authorization"] = f"Bearer {api_key}"
        if tenant:
            headers["X-Tenant-ID"] = tenant
        self.http = httpx.AsyncClient(base_url=self.base, headers=headers, timeout=TIMEOUT_SECONDS)

    async def aclose(self) -> None:
        await self.http.aclose()

    async def _send(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        try:
            response = await self.http.request(method, path, **kwargs)
        except httpx.HTTPError as exc:
            raise unreachable(self.base, exc) from None
        if response.status_code >= 400:
            raise ToolFailure(_problem_of(response))
        return response

    async def _json(self, method: str, path: str, **kwargs: Any) -> Json:
        body = (await self._send(method, path, **kwargs)).json()
        if not isinstance(body, dict):
            raise ToolFailure({"title": "Bad Gateway", "status": 502, "detail": "not an object"})
        return body

    async def _page(self, path: str, params: dict[str, Any]) -> Json:
        body = await self._json("GET", path, params={k: v for k, v in params.items() if v})
        return {"data": body["data"], "pagination": body["pagination"]}

    async def search_pets(self, search: PetSearch) -> Json:
        query = search.model_dump(mode="json", exclude_none=True)
        body = await self._json("POST", "/pets/search", json=query)
        return {"data": body["data"], "pagination": body["pagination"]}

    async def get_pet(self, pet_id: uuid.UUID) -> Json:
        return await self._json("GET", f"/pets/{pet_id}")

    async def list_available_pets(self, species: Species | None, page: int, limit: int) -> Json:
        params = {"status": "AVAILABLE", "species": species, "page": page, "limit": limit}
        return await self._page("/pets", params)

    async def place_order(self, pet_id: uuid.UUID) -> Json:
        return await self._json("POST", "/orders", json={"petId": str(pet_id)})

    async def get_order(self, order_id: uuid.UUID) -> Json:
        return await self._json("GET", f"/orders/{order_id}")

    async def list_my_orders(self, status: OrderStatus | None, page: int, limit: int) -> Json:
        me = await self._json("GET", "/users/me")
        params = {"status": status, "userId": me["id"], "page": page, "limit": limit}
        return await self._page("/orders", params)

    async def cancel_order(self, order_id: uuid.UUID) -> Json:
        await self._send("DELETE", f"/orders/{order_id}")
        return await self.get_order(order_id)

    async def pay_order(self, order_id: uuid.UUID, card: TestCard) -> Json:
        order = await self.get_order(order_id)
        body = test_card_payment(order, card)
        return await self._json("POST", f"/orders/{order_id}/payment", json=body)

    async def get_inventory(self) -> Json:
        return await self._json("GET", "/inventory")

    async def ask_advisor(self, question: str) -> Json:
        body = {"messages": [{"role": "user", "content": question}]}
        done = await self._json("POST", "/chat/completions", json=body)
        return {"answer": done["choices"][0]["message"]["content"], "model": done["model"]}

    async def create_pet(self, pet: PetWrite) -> Json:
        return await self._json("POST", "/pets", json=pet.model_dump(mode="json"))

    async def update_pet_status(self, pet_id: uuid.UUID, status: PetStatus) -> Json:
        patch = orjson.dumps({"status": status.value})
        headers = {"Content-Type": "application/merge-patch+json"}
        return await self._json("PATCH", f"/pets/{pet_id}", content=patch, headers=headers)

    async def pet_image(self, pet_id: uuid.UUID) -> Image:
        """The first uploaded photo's thumbnail; only from this API's own origin (the bearer
        token goes with the request)."""
        pet = await self.get_pet(pet_id)
        origin = urlsplit(self.base)[:2]
        uploaded = [
            url
            for url in pet.get("photos", [])
            if urlsplit(url)[:2] == origin and f"/pets/{pet_id}/images/" in url
        ]
        if not uploaded:
            detail = f"The pet {pet_id} has no uploaded image."
            raise ToolFailure({"title": "Not Found", "status": 404, "detail": detail})
        response = await self._send("GET", uploaded[0], params={"size": "thumb"})
        return Image(response.content, response.headers.get("content-type", "image/jpeg"))

    async def openapi(self) -> Json:
        return await self._json("GET", "/openapi.json")


def _problem_of(response: httpx.Response) -> Json:
    try:
        body = response.json()
    except ValueError:
        body = None
    if isinstance(body, dict) and "status" in body:
        return body
    return {"title": response.reason_phrase, "status": response.status_code}
