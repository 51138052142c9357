"""Every operation of the API, driven through the Python SDK (``clients/python``) against a
server process: the generated operations for what the document describes, the hand-written
layer for QUERY, the chat stream, OAuth client credentials, token renewal and logout. A
recorder on the SDK's HTTP clients maps each request to its operationId; the test fails if any
operation of the served document was not exercised and answered successfully."""

from __future__ import annotations

import io
import json
import re
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

import httpx
import pytest
from websockets.sync.client import connect

from petstore_client.api.auth import (
    create_o_auth_client,
    delete_o_auth_client,
    get_authorization_server_metadata,
    get_jwks,
    get_o_auth_client,
    list_o_auth_clients,
    login,
    refresh_token,
)
from petstore_client.api.chat import create_chat_completion
from petstore_client.api.payments import (
    create_order_payment,
    get_order_payment,
    get_receipt,
    list_order_payments,
)
from petstore_client.api.pet import (
    create_pet,
    delete_pet,
    delete_pet_image,
    get_pet,
    get_pet_image,
    list_pets,
    patch_pet,
    search_pets_by_post,
    update_pet,
    upload_pet_photo,
)
from petstore_client.api.store import (
    callback_order,
    create_order,
    delete_order,
    get_inventory,
    get_order,
    get_store_inventory,
    list_orders,
    update_order_status,
)
from petstore_client.api.support import (
    close_support_conversation,
    get_support_conversation,
    list_support_conversations,
    list_support_messages,
    take_over_support_conversation,
)
from petstore_client.api.user import (
    create_user,
    delete_user,
    get_current_user,
    get_user_by_id,
    update_user,
)
from petstore_client.api.webhooks import (
    create_webhook,
    delete_webhook,
    get_webhook,
    list_webhook_deliveries,
    list_webhooks,
    ping_webhook,
    redeliver_webhook_delivery,
    rotate_webhook_secret,
    update_webhook,
)
from petstore_client.api.webhooks import (
    test_webhook as send_test_event,
)
from petstore_client.models import (
    AuthorizationServerMetadata,
    CallbackAccepted,
    CallbackRequest,
    ChatCompletion,
    ChatRequest,
    Conversation,
    ConversationCollection,
    ConversationStatus,
    DeliveryCollection,
    DeliveryOut,
    InventorySummary,
    LoginRequest,
    Message,
    MessageCollection,
    OAuthClient,
    OAuthClientCollection,
    OAuthClientCreate,
    OAuthClientWithSecret,
    Order,
    OrderCollection,
    OrderCreate,
    OrderPatch,
    Payment,
    PaymentCollection,
    PaymentCreate,
    Pet,
    PetCollection,
    PetPatch,
    PetSearch,
    PetWrite,
    Receipt,
    RefreshRequest,
    SecretOut,
    TokenResponse,
    UploadPetPhotoBody,
    UploadResult,
    User,
    UserCreate,
    UserUpdate,
    Webhook,
    WebhookCollection,
    WebhookCreate,
    WebhookUpdate,
    WebhookWithSecret,
)
from petstore_client.models import (
    TestEventOut as WebhookTestEvent,
)
from petstore_client.sdk import Petstore, PetstoreError, Tokens, succeeded, unwrap
from petstore_client.types import File
from tests.support.accounts import PASSWORD, new_username
from tests.support.images import blank_png
from tests.support.payments import VISA, card
from tests.support.pets import PET
from tests.support.servers import (
    RunningServer,
    create_staff,
    petstore,
    run_server,
    server_env,
    wait_for,
)
from tests.support.webhooks import Receiver

pytestmark = [pytest.mark.e2e]

TENANT = str(uuid.uuid4())
STAFF = "sdkstaff"


@dataclass
class Recorder:
    """Which documented operations answered 2xx, found from each request's method and path."""

    routes: list[tuple[str, re.Pattern[str], str]]
    answered: set[str] = field(default_factory=set)

    @classmethod
    def of(cls, document: dict[str, Any]) -> Recorder:
        routes = []
        for path, item in document["paths"].items():
            pattern = re.compile("^" + re.sub(r"\{[^}]+\}", "[^/]+", path) + "$")
            for method, operation in item.items():
                if isinstance(operation, dict) and "operationId" in operation:
                    routes.append((method.upper(), pattern, operation["operationId"]))
        return cls(routes)

    def __call__(self, response: httpx.Response) -> None:
        if response.status_code >= 300:
            return
        method, path = response.request.method, response.request.url.path
        for verb, pattern, operation_id in self.routes:
            if verb == method and pattern.match(path):
                self.answered.add(operation_id)

    def missing(self) -> set[str]:
        return {operation_id for _, _, operation_id in self.routes} - self.answered


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    root = tmp_path_factory.mktemp("sdk")
    env = server_env(
        f"sqlite+aiosqlite:///{root / 'sdk.db'}",
        PETSTORE_OUTBOUND_ALLOW="127.0.0.0/8",
        PETSTORE_WORKER_ENABLED="true",
        PETSTORE_WORKER_POLL_SECONDS="0.2",
    )
    petstore(env, "migrate")
    create_staff(env, STAFF, PASSWORD, TENANT)
    with run_server(env, root / "server.log") as running:
        yield running


@pytest.fixture
def recorder(server: RunningServer) -> Recorder:
    return Recorder.of(httpx.get(f"{server.base_url}/v1/openapi.json", timeout=30).json())


def session(server: RunningServer, recorder: Recorder) -> Petstore:
    return Petstore(server.base_url, tenant=TENANT, event_hooks={"response": [recorder]})


def test_every_operation_through_the_sdk(server: RunningServer, recorder: Recorder) -> None:
    with (
        session(server, recorder) as staff,
        session(server, recorder) as customer,
        Receiver() as receiver,
    ):
        discovery(staff)
        customer_id = sign_up_and_log_in(customer)
        staff.login(STAFF, PASSWORD)
        pet, kept = catalog(staff)
        search(customer, kept)
        order = buy(customer, staff, kept, receiver)
        users(customer, customer_id)
        webhooks(customer, receiver)
        oauth_clients(staff, server, recorder)
        chat(customer)
        support(customer, staff, server)
        renewal(customer)
        assert unwrap(get_pet.sync_detailed(pet.id, client=customer.api), Pet).name == "Rex"
        assert order.pet_id == kept.id
        revoked = customer.auth.tokens
        assert revoked is not None
        customer.logout()
        customer.use_token(revoked.access)
        with pytest.raises(PetstoreError) as refused:
            unwrap(get_current_user.sync_detailed(client=customer.api), User)
        assert refused.value.status == 401
    assert recorder.missing() == set()


def discovery(store: Petstore) -> None:
    metadata = unwrap(
        get_authorization_server_metadata.sync_detailed(client=store.api),
        AuthorizationServerMetadata,
    )
    assert metadata.token_endpoint.endswith("/oauth/token")
    keys = get_jwks.sync_detailed(client=store.api)
    assert keys.status_code == 200
    assert httpx.Response(200, content=keys.content).json()["keys"]


def sign_up_and_log_in(store: Petstore) -> uuid.UUID:
    username = new_username()
    body = UserCreate(username=username, email=f"{username}@example.com", password=PASSWORD)
    user = unwrap(create_user.sync_detailed(client=store.api, body=body), User)
    # The reference's login alias, then the SDK's login (createToken), which keeps the tokens.
    alias = login.sync_detailed(
        client=store.api, body=LoginRequest(username=username, password=PASSWORD)
    )
    assert unwrap(alias, TokenResponse).user.username == username
    assert store.login(username, PASSWORD).user.id == user.id
    return user.id


def catalog(staff: Petstore) -> tuple[Pet, Pet]:
    """Pets CRUD and images; returns a pet renamed "Rex" and a second one kept for sale."""
    made = unwrap(create_pet.sync_detailed(client=staff.api, body=PetWrite.from_dict(PET)), Pet)
    kept = unwrap(create_pet.sync_detailed(client=staff.api, body=PetWrite.from_dict(PET)), Pet)
    doomed = unwrap(create_pet.sync_detailed(client=staff.api, body=PetWrite.from_dict(PET)), Pet)
    replaced = PetWrite.from_dict({**PET, "name": "Rexy"})
    assert unwrap(update_pet.sync_detailed(made.id, client=staff.api, body=replaced), Pet)
    renamed = unwrap(
        patch_pet.sync_detailed(made.id, client=staff.api, body=PetPatch(name="Rex")), Pet
    )
    assert renamed.name == "Rex"
    photo = File(payload=io.BytesIO(blank_png(64, 48)), file_name="rex.png", mime_type="image/png")
    upload = upload_pet_photo.sync_detailed(
        made.id, client=staff.api, body=UploadPetPhotoBody(file=photo)
    )
    image = unwrap(upload, UploadResult).image
    fetched = get_pet_image.sync_detailed(made.id, image.id, client=staff.api)
    assert fetched.status_code == 200
    assert fetched.content[:4] in {b"\x89PNG", b"\xff\xd8\xff\xe0", b"RIFF"}
    succeeded(delete_pet_image.sync_detailed(made.id, image.id, client=staff.api))
    succeeded(delete_pet.sync_detailed(doomed.id, client=staff.api))
    gone = get_pet.sync_detailed(doomed.id, client=staff.api)
    assert gone.status_code == 404
    page = unwrap(list_pets.sync_detailed(client=staff.api, limit=50), PetCollection)
    assert {made.id, kept.id} <= {p.id for p in page.data}
    return renamed, kept


def search(store: Petstore, kept: Pet) -> None:
    """The QUERY search at both paths (hand-written) and its POST fallback (generated)."""
    criteria = PetSearch.from_dict({"criteria": {"species": ["DOG"]}, "pagination": {"limit": 50}})
    for path in ("/v1/pets", "/v1/pets/search"):
        assert kept.id in {p.id for p in store.search_pets(criteria, path=path).data}
    by_post = search_pets_by_post.sync_detailed(client=store.api, body=criteria)
    assert kept.id in {p.id for p in unwrap(by_post, PetCollection).data}


def buy(customer: Petstore, staff: Petstore, pet: Pet, receiver: Receiver) -> Order:
    """Orders, payments, the receipt, the callback example, inventory, and a cancellation."""
    order = unwrap(create_order.sync_detailed(client=customer.api, body=OrderCreate(pet.id)), Order)
    pay = PaymentCreate.from_dict(
        {"amount": order.total_amount, "currency": order.currency, "source": card(VISA)}
    )
    payment = unwrap(
        create_order_payment.sync_detailed(order.id, client=customer.api, body=pay), Payment
    )
    assert payment.status == "SUCCEEDED"
    again = get_order_payment.sync_detailed(order.id, payment.id, client=customer.api)
    assert unwrap(again, Payment).source.to_dict()["last4"] == VISA[-4:]
    listed = list_order_payments.sync_detailed(order.id, client=customer.api)
    assert [p.id for p in unwrap(listed, PaymentCollection).data] == [payment.id]
    assert isinstance(payment.receipt_id, uuid.UUID)
    receipt = unwrap(get_receipt.sync_detailed(payment.receipt_id, client=customer.api), Receipt)
    assert receipt.order_id == order.id
    callback = CallbackRequest.from_dict(
        {
            "amount": order.total_amount,
            "currency": order.currency,
            "timestamp": "2026-12-04T10:00:00Z",
            "callbackUrl": receiver.url("/callback"),
        }
    )
    assert unwrap(
        callback_order.sync_detailed(order.id, client=customer.api, body=callback),
        CallbackAccepted,
    )
    shipped = update_order_status.sync_detailed(
        order.id, client=staff.api, body=OrderPatch.from_dict({"status": "SHIPPED"})
    )
    assert unwrap(shipped, Order).status == "SHIPPED"
    assert unwrap(get_order.sync_detailed(order.id, client=customer.api), Order).status == "SHIPPED"
    mine = unwrap(list_orders.sync_detailed(client=customer.api), OrderCollection)
    assert order.id in {o.id for o in mine.data}
    cancel_another(customer, staff)
    summary = unwrap(get_store_inventory.sync_detailed(client=customer.api), InventorySummary)
    assert summary.total >= 2
    counts = get_inventory.sync_detailed(client=customer.api)
    assert counts.status_code == 200
    return order


def cancel_another(customer: Petstore, staff: Petstore) -> None:
    """A second order, placed with an explicit idempotency key: the retry replays it, then
    the customer cancels it (``deleteOrder``) and the pet is for sale again."""
    pet = unwrap(create_pet.sync_detailed(client=staff.api, body=PetWrite.from_dict(PET)), Pet)
    key = str(uuid.uuid4())
    first = create_order.sync_detailed(
        client=customer.api, body=OrderCreate(pet.id), idempotency_key=key
    )
    replay = create_order.sync_detailed(
        client=customer.api, body=OrderCreate(pet.id), idempotency_key=key
    )
    assert replay.headers.get("Idempotent-Replayed") == "true"
    order = unwrap(first, Order)
    assert unwrap(replay, Order).id == order.id
    succeeded(delete_order.sync_detailed(order.id, client=customer.api))
    assert unwrap(get_pet.sync_detailed(pet.id, client=customer.api), Pet).status == "AVAILABLE"


def users(store: Petstore, user_id: uuid.UUID) -> None:
    """Profile reads and a change; then a second account deletes itself."""
    assert unwrap(get_current_user.sync_detailed(client=store.api), User).id == user_id
    changed = update_user.sync_detailed(
        user_id, client=store.api, body=UserUpdate(first_name="Ada")
    )
    assert unwrap(changed, User).first_name == "Ada"
    assert unwrap(get_user_by_id.sync_detailed(user_id, client=store.api), User).first_name == "Ada"
    with Petstore(store.base_url, tenant=TENANT, event_hooks=store.http.event_hooks) as other:
        other_id = sign_up_and_log_in(other)
        succeeded(delete_user.sync_detailed(other_id, client=other.api))


def webhooks(store: Petstore, receiver: Receiver) -> None:
    """A subscription's life: test and ping events delivered, one redelivered, deleted."""
    body = WebhookCreate.from_dict({"url": receiver.url("/hooks"), "events": ["order.created"]})
    made = unwrap(create_webhook.sync_detailed(client=store.api, body=body), WebhookWithSecret)
    assert made.secret
    listed = unwrap(list_webhooks.sync_detailed(client=store.api), WebhookCollection)
    assert made.id in {w.id for w in listed.data}
    assert unwrap(get_webhook.sync_detailed(made.id, client=store.api), Webhook).url == made.url
    patch = WebhookUpdate.from_dict({"description": "SDK test"})
    changed = update_webhook.sync_detailed(made.id, client=store.api, body=patch)
    assert unwrap(changed, Webhook).description == "SDK test"
    rotated = unwrap(rotate_webhook_secret.sync_detailed(made.id, client=store.api), SecretOut)
    assert rotated.secret not in (None, made.secret)
    unwrap(send_test_event.sync_detailed(made.id, client=store.api), WebhookTestEvent)
    unwrap(ping_webhook.sync_detailed(made.id, client=store.api), WebhookTestEvent)

    def delivered() -> list[DeliveryOut] | None:
        answer = list_webhook_deliveries.sync_detailed(made.id, client=store.api)
        done = [d for d in unwrap(answer, DeliveryCollection).data if d.status == "SUCCEEDED"]
        return done if len(done) >= 2 else None

    first = wait_for("the test and ping deliveries", delivered, timeout=60)[0]
    again = redeliver_webhook_delivery.sync_detailed(made.id, first.id, client=store.api)
    assert unwrap(again, DeliveryOut).event_id == first.event_id
    succeeded(delete_webhook.sync_detailed(made.id, client=store.api))
    assert len(receiver.hits("/hooks")) >= 2


def oauth_clients(staff: Petstore, server: RunningServer, recorder: Recorder) -> None:
    """Register a service client, act as it with client credentials, then delete it."""
    body = OAuthClientCreate.from_dict(
        {"name": "SDK sync", "grantTypes": ["client_credentials"], "scope": "read:pets"}
    )
    made = unwrap(
        create_o_auth_client.sync_detailed(client=staff.api, body=body), OAuthClientWithSecret
    )
    listed = unwrap(list_o_auth_clients.sync_detailed(client=staff.api), OAuthClientCollection)
    assert made.id in {c.id for c in listed.data}
    fetched = unwrap(get_o_auth_client.sync_detailed(made.id, client=staff.api), OAuthClient)
    assert fetched.client_id == made.client_id
    assert isinstance(made.client_secret, str)
    with session(server, recorder) as service:
        service.use_client_credentials(made.client_id, made.client_secret, "read:pets")
        page = unwrap(list_pets.sync_detailed(client=service.api), PetCollection)
        assert page.data
        denied = create_pet.sync_detailed(client=service.api, body=PetWrite.from_dict(PET))
        assert denied.status_code == 403
    succeeded(delete_o_auth_client.sync_detailed(made.id, client=staff.api))


def chat(store: Petstore) -> None:
    """The advisor as JSON (generated) and as an event stream (hand-written)."""
    ask = ChatRequest(messages=[Message.from_dict({"role": "USER", "content": "A calm dog?"})])
    answer = unwrap(
        create_chat_completion.sync_detailed(client=store.api, body=ask), ChatCompletion
    )
    assert answer.choices[0].message.content
    chunks = list(store.stream_chat(ask))
    assert chunks[0]["object"] == "chat.completion.chunk"
    text = "".join(c["choices"][0]["delta"].get("content", "") for c in chunks)
    assert text.strip()
    assert any(c["choices"][0].get("finish_reason") for c in chunks)


def support(customer: Petstore, staff: Petstore, server: RunningServer) -> None:
    """A conversation opened over the chat socket, then read, taken over and closed here."""
    tokens = customer.auth.tokens
    assert tokens is not None
    query = urlencode({"token": tokens.access, "tenant": TENANT})
    with connect(server.base_url.replace("http", "ws", 1) + f"/v1/ws/chat?{query}") as socket:
        socket.send(json.dumps({"type": "message", "clientId": "sdk", "text": "Hello?"}))
        while (frame := json.loads(socket.recv(timeout=30)))["type"] != "ack":
            pass
    conversation_id = uuid.UUID(frame["conversationId"])
    api = customer.api
    mine = unwrap(
        list_support_conversations.sync_detailed(client=customer.api), ConversationCollection
    )
    assert [c.id for c in mine.data] == [conversation_id]
    one = unwrap(
        get_support_conversation.sync_detailed(conversation_id, client=customer.api), Conversation
    )
    assert one.status == ConversationStatus.WAITING
    history = unwrap(
        list_support_messages.sync_detailed(conversation_id, client=api), MessageCollection
    )
    assert history.data[0].text == "Hello?"
    taken = unwrap(
        take_over_support_conversation.sync_detailed(conversation_id, client=staff.api),
        Conversation,
    )
    assert taken.status == ConversationStatus.ACTIVE
    closed = unwrap(
        close_support_conversation.sync_detailed(conversation_id, client=api), Conversation
    )
    assert closed.status == ConversationStatus.CLOSED


def renewal(store: Petstore) -> None:
    """The SDK renews a token about to expire, and one the server refuses (401), with the
    single-use refresh token; the generated ``refreshToken`` works on its own too."""
    tokens = store.auth.tokens
    assert tokens is not None
    assert tokens.refresh is not None
    store.auth.replace(Tokens(tokens.access, expires_at=0.0, refresh=tokens.refresh))
    assert unwrap(get_current_user.sync_detailed(client=store.api), User)
    renewed = store.auth.tokens
    assert renewed is not None
    assert renewed.access != tokens.access
    assert renewed.refresh != tokens.refresh
    store.auth.replace(Tokens.lasting("not-a-token", 3600, renewed.refresh))
    assert unwrap(get_current_user.sync_detailed(client=store.api), User)
    current = store.auth.tokens
    assert current is not None
    assert current.access != "not-a-token"
    assert current.refresh is not None
    pair = refresh_token.sync_detailed(
        client=store.api, body=RefreshRequest(refresh_token=current.refresh)
    )
    fresh = unwrap(pair, TokenResponse)
    store.auth.replace(Tokens.lasting(fresh.token, fresh.expires_in, fresh.refresh_token))
