"""Contains all the data models used in inputs/outputs"""

from .age_range import AgeRange
from .assistant_message import AssistantMessage
from .attempt import Attempt
from .authorization_server_metadata import AuthorizationServerMetadata
from .bank_account_out import BankAccountOut
from .bank_account_source import BankAccountSource
from .bank_account_source_accounttype import BankAccountSourceAccounttype
from .billing_address import BillingAddress
from .callback_accepted import CallbackAccepted
from .callback_request import CallbackRequest
from .callback_request_currency import CallbackRequestCurrency
from .card_out import CardOut
from .card_out_billing_address_type_0 import CardOutBillingAddressType0
from .card_source import CardSource
from .chat_completion import ChatCompletion
from .chat_request import ChatRequest
from .choice import Choice
from .choice_finishreason import ChoiceFinishreason
from .collection_links import CollectionLinks
from .compatibility import Compatibility
from .conversation import Conversation
from .conversation_collection import ConversationCollection
from .conversation_status import ConversationStatus
from .delivery_collection import DeliveryCollection
from .delivery_out import DeliveryOut
from .delivery_out_status import DeliveryOutStatus
from .gender import Gender
from .get_inventory_response_getinventory import GetInventoryResponseGetinventory
from .get_pet_image_size import GetPetImageSize
from .image_out import ImageOut
from .inventory_summary import InventorySummary
from .inventory_summary_byspecies import InventorySummaryByspecies
from .login_request import LoginRequest
from .logout_request import LogoutRequest
from .medical_criteria import MedicalCriteria
from .medical_info import MedicalInfo
from .medical_info_out import MedicalInfoOut
from .message import Message
from .message_collection import MessageCollection
from .model import Model
from .o_auth_client import OAuthClient
from .o_auth_client_collection import OAuthClientCollection
from .o_auth_client_create import OAuthClientCreate
from .o_auth_client_create_grant_types_item import OAuthClientCreateGrantTypesItem
from .o_auth_client_links import OAuthClientLinks
from .o_auth_client_with_secret import OAuthClientWithSecret
from .o_auth_client_with_secret_links import OAuthClientWithSecretLinks
from .order import Order
from .order_collection import OrderCollection
from .order_create import OrderCreate
from .order_created_event import OrderCreatedEvent
from .order_data import OrderData
from .order_links import OrderLinks
from .order_patch import OrderPatch
from .order_processed import OrderProcessed
from .order_processed_result import OrderProcessedResult
from .order_processed_status import OrderProcessedStatus
from .order_status import OrderStatus
from .order_status_changed_data import OrderStatusChangedData
from .order_status_changed_event import OrderStatusChangedEvent
from .pagination import Pagination
from .payment import Payment
from .payment_collection import PaymentCollection
from .payment_create import PaymentCreate
from .payment_create_currency import PaymentCreateCurrency
from .payment_failed_data import PaymentFailedData
from .payment_failed_event import PaymentFailedEvent
from .payment_links import PaymentLinks
from .payment_refunded_data import PaymentRefundedData
from .payment_refunded_event import PaymentRefundedEvent
from .payment_status import PaymentStatus
from .payment_succeeded_data import PaymentSucceededData
from .payment_succeeded_event import PaymentSucceededEvent
from .pet import Pet
from .pet_adopted_data import PetAdoptedData
from .pet_adopted_event import PetAdoptedEvent
from .pet_available_event import PetAvailableEvent
from .pet_collection import PetCollection
from .pet_created_event import PetCreatedEvent
from .pet_data import PetData
from .pet_links import PetLinks
from .pet_patch import PetPatch
from .pet_patch_currency import PetPatchCurrency
from .pet_search import PetSearch
from .pet_status import PetStatus
from .pet_status_changed_data import PetStatusChangedData
from .pet_status_changed_event import PetStatusChangedEvent
from .pet_write import PetWrite
from .pet_write_currency import PetWriteCurrency
from .preferences import Preferences
from .preferences_out import PreferencesOut
from .problem import Problem
from .problem_errors_item import ProblemErrorsItem
from .receipt import Receipt
from .receipt_links import ReceiptLinks
from .receipt_ref import ReceiptRef
from .refresh_request import RefreshRequest
from .refund import Refund
from .refund_reason import RefundReason
from .role import Role
from .search_criteria import SearchCriteria
from .search_pagination import SearchPagination
from .search_sort import SearchSort
from .secret_out import SecretOut
from .sender_role import SenderRole
from .size import Size
from .sort_field import SortField
from .sort_order import SortOrder
from .species import Species
from .species_counts import SpeciesCounts
from .support_message import SupportMessage
from .test_event_out import TestEventOut
from .token_response import TokenResponse
from .token_user import TokenUser
from .upload_pet_photo_body import UploadPetPhotoBody
from .upload_result import UploadResult
from .usage import Usage
from .user import User
from .user_create import UserCreate
from .user_links import UserLinks
from .user_update import UserUpdate
from .webhook import Webhook
from .webhook_collection import WebhookCollection
from .webhook_create import WebhookCreate
from .webhook_create_events_item import WebhookCreateEventsItem
from .webhook_links import WebhookLinks
from .webhook_status import WebhookStatus
from .webhook_update import WebhookUpdate
from .webhook_update_events_item import WebhookUpdateEventsItem
from .webhook_update_status import WebhookUpdateStatus
from .webhook_with_secret import WebhookWithSecret
from .webhook_with_secret_links import WebhookWithSecretLinks
from .webhook_with_secret_status import WebhookWithSecretStatus

__all__ = (
    "AgeRange",
    "AssistantMessage",
    "Attempt",
    "AuthorizationServerMetadata",
    "BankAccountOut",
    "BankAccountSource",
    "BankAccountSourceAccounttype",
    "BillingAddress",
    "CallbackAccepted",
    "CallbackRequest",
    "CallbackRequestCurrency",
    "CardOut",
    "CardOutBillingAddressType0",
    "CardSource",
    "ChatCompletion",
    "ChatRequest",
    "Choice",
    "ChoiceFinishreason",
    "CollectionLinks",
    "Compatibility",
    "Conversation",
    "ConversationCollection",
    "ConversationStatus",
    "DeliveryCollection",
    "DeliveryOut",
    "DeliveryOutStatus",
    "Gender",
    "GetInventoryResponseGetinventory",
    "GetPetImageSize",
    "ImageOut",
    "InventorySummary",
    "InventorySummaryByspecies",
    "LoginRequest",
    "LogoutRequest",
    "MedicalCriteria",
    "MedicalInfo",
    "MedicalInfoOut",
    "Message",
    "MessageCollection",
    "Model",
    "OAuthClient",
    "OAuthClientCollection",
    "OAuthClientCreate",
    "OAuthClientCreateGrantTypesItem",
    "OAuthClientLinks",
    "OAuthClientWithSecret",
    "OAuthClientWithSecretLinks",
    "Order",
    "OrderCollection",
    "OrderCreate",
    "OrderCreatedEvent",
    "OrderData",
    "OrderLinks",
    "OrderPatch",
    "OrderProcessed",
    "OrderProcessedResult",
    "OrderProcessedStatus",
    "OrderStatus",
    "OrderStatusChangedData",
    "OrderStatusChangedEvent",
    "Pagination",
    "Payment",
    "PaymentCollection",
    "PaymentCreate",
    "PaymentCreateCurrency",
    "PaymentFailedData",
    "PaymentFailedEvent",
    "PaymentLinks",
    "PaymentRefundedData",
    "PaymentRefundedEvent",
    "PaymentStatus",
    "PaymentSucceededData",
    "PaymentSucceededEvent",
    "Pet",
    "PetAdoptedData",
    "PetAdoptedEvent",
    "PetAvailableEvent",
    "PetCollection",
    "PetCreatedEvent",
    "PetData",
    "PetLinks",
    "PetPatch",
    "PetPatchCurrency",
    "PetSearch",
    "PetStatus",
    "PetStatusChangedData",
    "PetStatusChangedEvent",
    "PetWrite",
    "PetWriteCurrency",
    "Preferences",
    "PreferencesOut",
    "Problem",
    "ProblemErrorsItem",
    "Receipt",
    "ReceiptLinks",
    "ReceiptRef",
    "RefreshRequest",
    "Refund",
    "RefundReason",
    "Role",
    "SearchCriteria",
    "SearchPagination",
    "SearchSort",
    "SecretOut",
    "SenderRole",
    "Size",
    "SortField",
    "SortOrder",
    "Species",
    "SpeciesCounts",
    "SupportMessage",
    "TestEventOut",
    "TokenResponse",
    "TokenUser",
    "UploadPetPhotoBody",
    "UploadResult",
    "Usage",
    "User",
    "UserCreate",
    "UserLinks",
    "UserUpdate",
    "Webhook",
    "WebhookCollection",
    "WebhookCreate",
    "WebhookCreateEventsItem",
    "WebhookLinks",
    "WebhookStatus",
    "WebhookUpdate",
    "WebhookUpdateEventsItem",
    "WebhookUpdateStatus",
    "WebhookWithSecret",
    "WebhookWithSecretLinks",
    "WebhookWithSecretStatus",
)
