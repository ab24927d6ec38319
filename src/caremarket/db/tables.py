"""The schema. Constraints are named by convention so migrations can refer to them."""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Column,
    Date,
    Enum,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    Numeric,
    String,
    Table,
    Text,
    UniqueConstraint,
    text,
)

from caremarket.db.types import (
    Funding,
    Hours,
    Pattern,
    Policy,
    Rules,
    StringSet,
    StringTuple,
    UtcDateTime,
)
from caremarket.domain.access import Role
from caremarket.domain.changes import ChangeStatus
from caremarket.domain.ecm import Verification, VisitStatus
from caremarket.domain.hand_backs import HandBackReason
from caremarket.domain.market import (
    CommissionerKind,
    CqcRating,
    ProviderStatus,
    ServiceKind,
    Tier,
    VehicleKind,
)
from caremarket.domain.package_suspensions import SuspensionReason
from caremarket.domain.packages import PackageStatus
from caremarket.domain.priority import Risk
from caremarket.domain.procurement import AdmissionMode, ApplicationStatus
from caremarket.domain.rates import RateBasis
from caremarket.domain.sourcing import DeclineReason, Outcome, Phase

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(column_0_label)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

MONEY = Numeric(12, 2)
SHARE = Numeric(5, 2)


def _enum(enum_class: type, name: str) -> Enum:
    """Enums stored as their values, checked by a constraint rather than a native type."""
    return Enum(
        enum_class,
        name=name,
        native_enum=False,
        create_constraint=True,
        length=32,
        values_callable=lambda members: [m.value for m in members],
        validate_strings=True,
    )


commissioners = Table(
    "commissioners",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("code", String(32), nullable=False, unique=True),
    Column("name", String(200), nullable=False),
    Column("kind", _enum(CommissionerKind, "commissioner_kind"), nullable=False),
    Column("pathway_rules", Rules),
)

partnerships = Table(
    "partnerships",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("code", String(32), nullable=False, unique=True),
    Column("name", String(200), nullable=False),
    Column("lead_id", ForeignKey("commissioners.id"), nullable=False),
)

pool_shares = Table(
    "pool_shares",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("partnership_id", ForeignKey("partnerships.id", ondelete="CASCADE"), nullable=False),
    Column("commissioner_id", ForeignKey("commissioners.id"), nullable=False),
    Column("share", SHARE, nullable=False),
    UniqueConstraint("partnership_id", "commissioner_id"),
    CheckConstraint("share > 0 AND share <= 100", name="share_is_a_percentage"),
)

zones = Table(
    "zones",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("commissioner_id", ForeignKey("commissioners.id"), nullable=False),
    Column("code", String(32), nullable=False),
    Column("name", String(200), nullable=False),
    Column("areas", StringTuple, nullable=False),
    UniqueConstraint("commissioner_id", "code"),
)

service_types = Table(
    "service_types",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("code", String(32), nullable=False, unique=True),
    Column("name", String(200), nullable=False),
    Column("kind", _enum(ServiceKind, "service_kind"), nullable=False),
)

providers = Table(
    "providers",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(200), nullable=False, unique=True),
    Column("cqc_location_ids", StringTuple, nullable=False),
    Column("cqc_rating", _enum(CqcRating, "cqc_rating"), nullable=False),
    Column("status", _enum(ProviderStatus, "provider_status"), nullable=False),
)

vehicles = Table(
    "vehicles",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("code", String(32), nullable=False, unique=True),
    Column("name", String(200), nullable=False),
    Column("kind", _enum(VehicleKind, "vehicle_kind"), nullable=False),
    Column("starts_on", Date),
)

vehicle_commissioners = Table(
    "vehicle_commissioners",
    metadata,
    Column("vehicle_id", ForeignKey("vehicles.id", ondelete="CASCADE"), primary_key=True),
    Column("commissioner_id", ForeignKey("commissioners.id"), primary_key=True),
)

lots = Table(
    "lots",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("vehicle_id", ForeignKey("vehicles.id", ondelete="CASCADE"), nullable=False),
    Column("code", String(32), nullable=False),
    Column("name", String(200), nullable=False),
    Column("pathway", String(16)),
    Column("min_providers", Integer, nullable=False),
    Column("max_providers", Integer),
    UniqueConstraint("vehicle_id", "code"),
    CheckConstraint(
        "min_providers >= 0 AND (max_providers IS NULL OR max_providers >= min_providers)",
        name="provider_range",
    ),
)

lot_zones = Table(
    "lot_zones",
    metadata,
    Column("lot_id", ForeignKey("lots.id", ondelete="CASCADE"), primary_key=True),
    Column("zone_id", ForeignKey("zones.id"), primary_key=True),
)

lot_services = Table(
    "lot_services",
    metadata,
    Column("lot_id", ForeignKey("lots.id", ondelete="CASCADE"), primary_key=True),
    Column("service_type_id", ForeignKey("service_types.id"), primary_key=True),
)

memberships = Table(
    "memberships",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("lot_id", ForeignKey("lots.id", ondelete="CASCADE"), nullable=False),
    Column("provider_id", ForeignKey("providers.id"), nullable=False),
    Column("tier", _enum(Tier, "tier"), nullable=False),
    Column("lead_id", ForeignKey("providers.id")),
    Column("joined_on", Date),
    UniqueConstraint("lot_id", "provider_id"),
    CheckConstraint(
        "(tier = 'subcontractor') = (lead_id IS NOT NULL)", name="subcontractor_names_lead"
    ),
)

rate_cards = Table(
    "rate_cards",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("commissioner_id", ForeignKey("commissioners.id"), nullable=False),
    Column("name", String(200), nullable=False),
    UniqueConstraint("commissioner_id", "name"),
)

rate_lines = Table(
    "rate_lines",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("rate_card_id", ForeignKey("rate_cards.id", ondelete="CASCADE"), nullable=False),
    Column("service_type_id", ForeignKey("service_types.id"), nullable=False),
    Column("zone_id", ForeignKey("zones.id")),
    Column("basis", _enum(RateBasis, "rate_basis"), nullable=False),
    Column("amount", MONEY, nullable=False),
    Column("effective_from", Date, nullable=False),
    CheckConstraint("amount >= 0", name="amount_not_negative"),
)

people = Table(
    "people",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("commissioner_id", ForeignKey("commissioners.id"), nullable=False),
    Column("reference", String(64), nullable=False),
    Column("postcode", String(8), nullable=False),
    Column("nhs_number", String(10)),
    UniqueConstraint("commissioner_id", "reference"),
)

care_packages = Table(
    "care_packages",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("reference", String(64), nullable=False, unique=True),
    Column("person_id", ForeignKey("people.id"), nullable=False),
    Column("commissioner_id", ForeignKey("commissioners.id"), nullable=False),
    Column("zone_id", ForeignKey("zones.id"), nullable=False),
    Column("service_type_id", ForeignKey("service_types.id"), nullable=False),
    Column("pattern", Pattern, nullable=False),
    Column("pathway", String(16)),
    Column("funding", Funding, nullable=False),
    Column("status", _enum(PackageStatus, "package_status"), nullable=False, index=True),
    Column("start_on", Date, nullable=False),
    Column("end_on", Date),
    Column("lot_id", ForeignKey("lots.id")),
    Column("provider_id", ForeignKey("providers.id"), index=True),
    Column("subcontractor_id", ForeignKey("providers.id")),
    Column("risk", _enum(Risk, "risk"), nullable=False, server_default=Risk.LOW.value),
    Column("carer_breakdown", Boolean, nullable=False, server_default="0"),
    Column("fit_for_discharge_on", Date),
    CheckConstraint("end_on IS NULL OR end_on >= start_on", name="ends_after_start"),
)

gazetteer = Table(
    "postcodes",
    metadata,
    Column("postcode", String(8), primary_key=True),
    Column("latitude", Float, nullable=False),
    Column("longitude", Float, nullable=False),
    Column("lad_code", String(9), nullable=False),
    Column("ward_code", String(9)),
)

users = Table(
    "users",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("email", String(254), nullable=False, unique=True),
    Column("name", String(200), nullable=False),
    Column("role", _enum(Role, "role"), nullable=False),
    Column("provider_id", ForeignKey("providers.id")),
    Column("password_hash", String(200), nullable=False),
    Column("failed_sign_ins", Integer, nullable=False, default=0),
    Column("locked_until", UtcDateTime),
    Column("active", Boolean, nullable=False, default=True),
    CheckConstraint("(role = 'provider') = (provider_id IS NOT NULL)", name="provider_binding"),
)

api_tokens = Table(
    "api_tokens",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(200), nullable=False),
    Column("role", _enum(Role, "role"), nullable=False),
    Column("provider_id", ForeignKey("providers.id")),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("prefix", String(16), nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("created_by", String(254), nullable=False),
    Column("revoked_at", UtcDateTime),
    CheckConstraint("(role = 'provider') = (provider_id IS NOT NULL)", name="provider_binding"),
)

audit_entries = Table(
    "audit_entries",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("at", UtcDateTime, nullable=False, index=True),
    Column("actor", String(254), nullable=False, index=True),
    Column("role", _enum(Role, "role"), nullable=False),
    Column("action", String(100), nullable=False),
    Column("object_type", String(50), nullable=False),
    Column("object_ref", String(200), nullable=False),
    Column("changes", JSON, nullable=False),
    Column("reason", Text),
    Index("ix_audit_entries_object", "object_type", "object_ref"),
)


# Brokerage: the policy set for a commissioner (or one of its lots), each attempt to source a
# package (a round: the first request, then again after a hand-back), its offers and bids.
sourcing_policies = Table(
    "sourcing_policies",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("commissioner_id", ForeignKey("commissioners.id"), nullable=False),
    Column("lot_id", ForeignKey("lots.id", ondelete="CASCADE")),  # none: the commissioner's
    Column("policy", Policy, nullable=False),
    Column("set_at", UtcDateTime, nullable=False),
    Column("set_by", String(254), nullable=False),
    UniqueConstraint("commissioner_id", "lot_id"),
)

sourcings = Table(
    "sourcings",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("package_id", ForeignKey("care_packages.id"), nullable=False),
    Column("round", Integer, nullable=False),
    Column("cause", String(32), nullable=False),
    Column("policy", Policy, nullable=False),  # as it stood when the round began
    Column("candidates", JSON, nullable=False),
    Column("phase", _enum(Phase, "sourcing_phase"), nullable=False),
    Column("stage", Integer),
    Column("stage_ends_at", UtcDateTime),
    Column("due_at", UtcDateTime, index=True),  # the ticker's next work on it
    Column("queue", StringTuple, nullable=False),
    Column("rate_cap", MONEY),
    Column("awarded_to_id", ForeignKey("providers.id")),
    Column("start_on", Date),
    Column("requested_at", UtcDateTime, nullable=False),
    Column("requested_by", String(254), nullable=False),
    Column("first_offer_at", UtcDateTime),
    Column("awarded_at", UtcDateTime),
    Column("closed_at", UtcDateTime),
    Column("version", Integer, nullable=False),
    UniqueConstraint("package_id", "round"),
)

offers = Table(
    "offers",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("sourcing_id", ForeignKey("sourcings.id", ondelete="CASCADE"), nullable=False),
    Column("position", Integer, nullable=False),  # its place in the round's offers
    Column("provider_id", ForeignKey("providers.id"), nullable=False),
    Column("stage", Integer),
    Column("made_at", UtcDateTime, nullable=False),
    Column("ends_at", UtcDateTime, nullable=False),
    Column("outcome", _enum(Outcome, "offer_outcome")),
    Column("responded_at", UtcDateTime),
    Column("reason", _enum(DeclineReason, "decline_reason")),
    Column("note", Text, nullable=False),
    UniqueConstraint("sourcing_id", "position"),
    Index("ix_offers_provider_outcome", "provider_id", "outcome"),
    # The database's own guard: one acceptance per round, whatever the application does.
    Index(
        "uq_offers_one_acceptance",
        "sourcing_id",
        unique=True,
        sqlite_where=text("outcome = 'accepted'"),
        postgresql_where=text("outcome = 'accepted'"),
    ),
)

bids = Table(
    "bids",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("sourcing_id", ForeignKey("sourcings.id", ondelete="CASCADE"), nullable=False),
    Column("position", Integer, nullable=False),
    Column("provider_id", ForeignKey("providers.id"), nullable=False),
    Column("stage", Integer),
    Column("hourly_rate", MONEY, nullable=False),
    Column("earliest_start", Date, nullable=False),
    Column("made_at", UtcDateTime, nullable=False),
    Column("note", Text, nullable=False),
    UniqueConstraint("sourcing_id", "position"),
    CheckConstraint("hourly_rate > 0", name="rate_positive"),
)

notifications = Table(
    "notifications",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("at", UtcDateTime, nullable=False, index=True),
    Column("role", _enum(Role, "role")),  # for everyone in this role (brokers) ...
    Column("provider_id", ForeignKey("providers.id"), index=True),  # ... or one provider's staff
    Column("package_ref", String(64)),
    Column("subject", String(200), nullable=False),
    Column("body", Text, nullable=False),
    Column("emailed_at", UtcDateTime),
    CheckConstraint("(role IS NULL) <> (provider_id IS NULL)", name="one_audience"),
)

bridgings = Table(
    "bridgings",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("package_id", ForeignKey("care_packages.id"), nullable=False, index=True),
    Column("service", String(200), nullable=False),
    Column("starts_on", Date, nullable=False),
    Column("planned_end_on", Date, nullable=False),
    Column("ended_on", Date),
    Column("placed_at", UtcDateTime, nullable=False),
    Column("placed_by", String(254), nullable=False),
    CheckConstraint("planned_end_on >= starts_on", name="ends_after_start"),
)

hand_backs = Table(
    "hand_backs",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("package_id", ForeignKey("care_packages.id"), nullable=False, index=True),
    Column("provider_id", ForeignKey("providers.id"), nullable=False, index=True),
    Column("given_at", UtcDateTime, nullable=False),
    Column("given_by", String(254), nullable=False),
    Column("reason", _enum(HandBackReason, "hand_back_reason"), nullable=False),
    Column("note", Text, nullable=False),
    Column("notice_ends_on", Date, nullable=False),
    Column("ended_on", Date),
)

change_proposals = Table(
    "change_proposals",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("package_id", ForeignKey("care_packages.id"), nullable=False, index=True),
    Column("provider_id", ForeignKey("providers.id"), nullable=False),
    Column("pattern_before", Pattern, nullable=False),
    Column("pattern_after", Pattern, nullable=False),
    Column("effective_on", Date, nullable=False),
    Column("proposed_at", UtcDateTime, nullable=False),
    Column("proposed_by", String(254), nullable=False),
    Column("reason", Text, nullable=False),
    Column("status", _enum(ChangeStatus, "change_status"), nullable=False, index=True),
    Column("decided_at", UtcDateTime),
    Column("decided_by", String(254)),
    Column("decision_note", Text, nullable=False),
)

# A package's suspensions: days without planned visits (a hospital stay, respite); to_on is
# the last day, NULL while open.
package_suspensions = Table(
    "package_suspensions",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("package_id", ForeignKey("care_packages.id"), nullable=False, index=True),
    Column("from_on", Date, nullable=False),
    Column("to_on", Date),
    Column("reason", _enum(SuspensionReason, "suspension_reason"), nullable=False),
    Column("note", Text, nullable=False),
    Column("recorded_at", UtcDateTime, nullable=False),
    Column("recorded_by", String(254), nullable=False),
    Column("ended_at", UtcDateTime),
    Column("ended_by", String(254)),
)


# Procurement: who may join a vehicle and when, and providers' applications to join it.
vehicle_admissions = Table(
    "vehicle_admissions",
    metadata,
    Column("vehicle_id", ForeignKey("vehicles.id", ondelete="CASCADE"), primary_key=True),
    Column("mode", _enum(AdmissionMode, "admission_mode"), nullable=False),
    Column("windows", JSON, nullable=False),  # [[opens_on, closes_on], ...] as ISO dates
    Column("inadequate_allowed", Boolean, nullable=False),
    Column("required_documents", StringSet, nullable=False),
    Column("insured_until", Date),
    Column("set_at", UtcDateTime, nullable=False),
    Column("set_by", String(254), nullable=False),
)

applications = Table(
    "applications",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("vehicle_id", ForeignKey("vehicles.id", ondelete="CASCADE"), nullable=False),
    Column("provider_id", ForeignKey("providers.id")),  # once the provider is known
    Column("provider_name", String(200), nullable=False, index=True),
    Column("cqc_location_ids", StringTuple, nullable=False),
    Column("cqc_rating", _enum(CqcRating, "cqc_rating"), nullable=False),
    Column("insurance_expires_on", Date, nullable=False),
    Column("capacity", Hours, nullable=False),  # hours a week by zone code
    Column("documents", StringSet, nullable=False),
    Column("lots", StringTuple, nullable=False),
    Column("applied_on", Date, nullable=False),
    Column("applied_at", UtcDateTime, nullable=False),
    Column("applied_by", String(254), nullable=False),
    Column("status", _enum(ApplicationStatus, "application_status"), nullable=False, index=True),
    Column("tier", _enum(Tier, "tier")),  # as approved
    Column("decided_on", Date),
    Column("decided_at", UtcDateTime),
    Column("decided_by", String(254)),
    Column("reasons", StringTuple, nullable=False),
)

application_memberships = Table(
    "application_memberships",
    metadata,
    Column("application_id", ForeignKey("applications.id", ondelete="CASCADE"), primary_key=True),
    Column("membership_id", ForeignKey("memberships.id", ondelete="CASCADE"), primary_key=True),
)


# Terms and contracts: a vehicle's term (initial period and optional extensions, each decided
# once), and the contracts awarded under it — a provider's place in a lot on one
# commissioner's local terms (its rate card), with obligations and dated variations.
vehicle_terms = Table(
    "vehicle_terms",
    metadata,
    Column("vehicle_id", ForeignKey("vehicles.id", ondelete="CASCADE"), primary_key=True),
    Column("starts_on", Date, nullable=False),
    Column("initial_months", Integer, nullable=False),
    Column("extension_months", JSON, nullable=False),  # [12, 12]: two optional years
    Column("set_at", UtcDateTime, nullable=False),
    Column("set_by", String(254), nullable=False),
    CheckConstraint("initial_months > 0", name="initial_months_positive"),
)

vehicle_extensions = Table(
    "vehicle_extensions",
    metadata,
    Column("vehicle_id", ForeignKey("vehicles.id", ondelete="CASCADE"), primary_key=True),
    Column("option", Integer, primary_key=True),  # the first extension is option 1
    Column("taken", Boolean, nullable=False),
    Column("decided_on", Date, nullable=False),
    Column("decided_by", String(254), nullable=False),
    Column("reason", Text, nullable=False),
)

contracts = Table(
    "contracts",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("reference", String(64), nullable=False, unique=True),
    Column("commissioner_id", ForeignKey("commissioners.id"), nullable=False),  # local terms
    Column("lot_id", ForeignKey("lots.id"), nullable=False, index=True),
    Column("provider_id", ForeignKey("providers.id"), nullable=False, index=True),
    Column("rate_card_id", ForeignKey("rate_cards.id")),
    Column("payment_rules", String(200), nullable=False),
    Column("accept_within_hours", Numeric(6, 2), nullable=False),
    Column("ecm_compliance_percent", SHARE, nullable=False),
    Column("open_book", Boolean, nullable=False),
    Column("starts_on", Date, nullable=False),
    Column("initial_months", Integer, nullable=False),
    Column("extension_months", JSON, nullable=False),
    Column("awarded_on", Date, nullable=False),
    Column("tender_id", ForeignKey("tenders.id")),  # the tender it was awarded from, if any
    Column("ended_on", Date),  # ended early (a provider removed, a contract terminated)
    Column("end_reason", Text),
    Column("created_at", UtcDateTime, nullable=False),
    Column("created_by", String(254), nullable=False),
    UniqueConstraint("commissioner_id", "lot_id", "provider_id", "starts_on"),
    CheckConstraint("initial_months > 0", name="initial_months_positive"),
    CheckConstraint("ended_on IS NULL OR ended_on >= starts_on", name="ends_after_start"),
)

contract_variations = Table(
    "contract_variations",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("contract_id", ForeignKey("contracts.id", ondelete="CASCADE"), nullable=False),
    Column("kind", String(16), nullable=False),  # "uplift" or "extension"
    Column("percent", Numeric(6, 3)),  # an uplift's
    Column("effective_from", Date),  # an uplift's
    Column("option", Integer),  # an extension's
    Column("taken", Boolean),  # an extension's
    Column("agreed_on", Date, nullable=False),
    Column("agreed_by", String(254), nullable=False),
    Column("reason", Text, nullable=False),
    Column("recorded_at", UtcDateTime, nullable=False),
    Index("ix_contract_variations_contract", "contract_id", "agreed_on"),
    CheckConstraint(
        "(kind = 'uplift' AND percent IS NOT NULL AND effective_from IS NOT NULL"
        " AND option IS NULL AND taken IS NULL)"
        " OR (kind = 'extension' AND option IS NOT NULL AND taken IS NOT NULL"
        " AND percent IS NULL AND effective_from IS NULL)",
        name="kind_fields",
    ),
)


# Tenders: an evaluation model (criteria and weights, as data) applied to the bids for a
# vehicle's lots; each evaluator's marks kept beside the moderated mark; gates; awards by lot.
tenders = Table(
    "tenders",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("code", String(32), nullable=False, unique=True),
    Column("name", String(200), nullable=False),
    Column("vehicle_id", ForeignKey("vehicles.id"), nullable=False),
    Column("model", JSON, nullable=False),  # domain/evaluation.py writes and reads it
    Column("abnormally_low_below", MONEY),  # the cost-of-care model's hourly rate
    Column("created_at", UtcDateTime, nullable=False),
    Column("created_by", String(254), nullable=False),
)

tender_bids = Table(
    "tender_bids",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("tender_id", ForeignKey("tenders.id", ondelete="CASCADE"), nullable=False),
    Column("lot_id", ForeignKey("lots.id"), nullable=False),
    Column("bidder", String(200), nullable=False),
    Column("provider_id", ForeignKey("providers.id")),  # once the bidder is a known provider
    Column("hourly_rate", MONEY, nullable=False),
    Column("gates", JSON, nullable=False),  # {criterion: {"passed": bool, "reason": str}}
    Column("low_price_accepted", Text),  # why an abnormally low price was accepted
    Column("entered_at", UtcDateTime, nullable=False),
    Column("entered_by", String(254), nullable=False),
    UniqueConstraint("tender_id", "lot_id", "bidder"),
    CheckConstraint("hourly_rate > 0", name="rate_positive"),
)

tender_marks = Table(
    "tender_marks",
    metadata,
    Column("bid_id", ForeignKey("tender_bids.id", ondelete="CASCADE"), primary_key=True),
    Column("criterion", String(32), primary_key=True),
    Column("evaluator", String(254), primary_key=True),
    Column("mark", Integer, nullable=False),
    Column("marked_at", UtcDateTime, nullable=False),
    CheckConstraint("mark >= 0 AND mark <= 10", name="mark_on_a_scale"),
)

tender_moderations = Table(
    "tender_moderations",
    metadata,
    Column("bid_id", ForeignKey("tender_bids.id", ondelete="CASCADE"), primary_key=True),
    Column("criterion", String(32), primary_key=True),
    Column("mark", Integer, nullable=False),
    Column("agreed_at", UtcDateTime, nullable=False),
    Column("agreed_by", String(254), nullable=False),
    Column("note", Text, nullable=False),
    CheckConstraint("mark >= 0 AND mark <= 10", name="mark_on_a_scale"),
)

tender_awards = Table(
    "tender_awards",
    metadata,
    Column("tender_id", ForeignKey("tenders.id", ondelete="CASCADE"), primary_key=True),
    Column("lot_id", ForeignKey("lots.id"), primary_key=True),
    Column("awarded_bidders", StringTuple, nullable=False),  # including ties decided
    Column("tie_decision", Text),  # why, where a tie at the cut-off was decided
    Column("awarded_on", Date, nullable=False),
    Column("awarded_at", UtcDateTime, nullable=False),
    Column("awarded_by", String(254), nullable=False),
)


# Delivery and payment: payment rules by name (a contract names its rules), ECM files and the
# visit records they bring (every version kept), queries held for a finance officer, payment
# runs with one line per visit (immutable once approved; corrections are adjustment lines in a
# later run), and providers' invoices matched against a run.
payment_rule_sets = Table(
    "payment_rule_sets",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(200), nullable=False, unique=True),
    Column("rules", JSON, nullable=False),  # domain/payments.py writes and reads it
    Column("set_at", UtcDateTime, nullable=False),
    Column("set_by", String(254), nullable=False),
)

ecm_files = Table(
    "ecm_files",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("provider_id", ForeignKey("providers.id"), nullable=False),
    Column("reference", String(200), nullable=False),  # the file's own, or its content's hash
    Column("profile", String(64), nullable=False),
    Column("filename", String(255), nullable=False),
    Column("rows", Integer, nullable=False),
    Column("visits_new", Integer, nullable=False),
    Column("visits_changed", Integer, nullable=False),
    Column("visits_unchanged", Integer, nullable=False),
    Column("problems", JSON, nullable=False),  # [{"line", "field", "reason"}], none accepted
    Column("received_at", UtcDateTime, nullable=False),
    Column("received_by", String(254), nullable=False),
    UniqueConstraint("provider_id", "reference"),
)

visit_records = Table(
    "visit_records",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("provider_id", ForeignKey("providers.id"), nullable=False),
    Column("visit_id", String(128), nullable=False),  # the provider's own
    Column("version", Integer, nullable=False),
    Column("current", Boolean, nullable=False),  # the newest version
    Column("file_id", ForeignKey("ecm_files.id")),  # the file or API batch it came in
    Column("package_id", ForeignKey("care_packages.id")),  # once matched to a package
    Column("package_reference", String(64)),
    Column("person_reference", String(64)),
    Column("planned_start_at", UtcDateTime, nullable=False),
    Column("planned_minutes", Integer, nullable=False),
    Column("status", _enum(VisitStatus, "visit_status"), nullable=False),
    Column("actual_start_at", UtcDateTime),
    Column("actual_end_at", UtcDateTime),
    Column("carers_planned", Integer),
    Column("carers_present", Integer, nullable=False),
    Column("cancelled_at", UtcDateTime),
    Column("verification", _enum(Verification, "verification"), nullable=False),
    Column("notes", Text, nullable=False),
    Column("carer_ids", StringTuple, nullable=False),
    Column("service", String(64)),
    Column("contract", String(64)),
    Column("claimed", MONEY),
    Column("received_at", UtcDateTime, nullable=False),
    UniqueConstraint("provider_id", "visit_id", "version"),
    Index("ix_visit_records_current_start", "current", "planned_start_at"),
    Index("ix_visit_records_package", "package_id", "planned_start_at"),
    Index("ix_visit_records_provider_start", "provider_id", "current", "planned_start_at"),
    CheckConstraint("version >= 1", name="version_positive"),
    CheckConstraint("planned_minutes >= 0", name="planned_not_negative"),
)

visit_queries = Table(
    "visit_queries",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("record_id", ForeignKey("visit_records.id", ondelete="CASCADE"), nullable=False),
    Column("code", String(64), nullable=False),
    Column("message", Text, nullable=False),
    Column("holds", Boolean, nullable=False),  # kept out of payment until resolved
    Column("raised_at", UtcDateTime, nullable=False),
    Column("resolution", String(16)),  # "pay" or "do not pay"
    Column("resolved_at", UtcDateTime),
    Column("resolved_by", String(254)),
    Column("note", Text),
    Index("ix_visit_queries_record", "record_id"),
    CheckConstraint(
        "resolution IS NULL OR resolution IN ('pay', 'do not pay')", name="resolution_known"
    ),
)

payment_runs = Table(
    "payment_runs",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("reference", String(64), nullable=False, unique=True),
    Column("commissioner_id", ForeignKey("commissioners.id"), nullable=False),
    Column("period_start", Date, nullable=False),
    Column("period_end", Date, nullable=False),
    Column("status", String(16), nullable=False),  # "draft", then "approved" for good
    Column("created_at", UtcDateTime, nullable=False),
    Column("created_by", String(254), nullable=False),
    Column("approved_at", UtcDateTime),
    Column("approved_by", String(254)),
    CheckConstraint("period_end >= period_start", name="period_in_order"),
    CheckConstraint("status IN ('draft', 'approved')", name="status_known"),
)

payment_lines = Table(
    "payment_lines",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("run_id", ForeignKey("payment_runs.id", ondelete="CASCADE"), nullable=False),
    Column("provider_id", ForeignKey("providers.id"), nullable=False),
    Column("package_id", ForeignKey("care_packages.id")),
    Column("record_id", ForeignKey("visit_records.id")),  # the version paid
    Column("visit_id", String(128), nullable=False),
    Column("day", Date, nullable=False),
    Column("decided", String(64), nullable=False),  # the rule that decided it
    Column("planned_minutes", Integer, nullable=False),
    Column("actual_seconds", Integer),
    Column("payable_minutes", Integer, nullable=False),
    Column("carers_paid", Integer, nullable=False),
    Column("rate", MONEY, nullable=False),
    Column("basis", _enum(RateBasis, "rate_basis"), nullable=False),
    Column("enhancement", Numeric(6, 3), nullable=False),
    Column("percent", Numeric(6, 2), nullable=False),
    Column("amount", MONEY, nullable=False),
    Column("funders", JSON, nullable=False),  # {"HFD": "41.08", "PERSON": "10.27"}
    Column("held", Boolean, nullable=False),  # a query holds it: listed apart, not paid
    Column("working", Text, nullable=False),
    Column("adjusts_id", ForeignKey("payment_lines.id")),  # a correction of an approved line
    Index("ix_payment_lines_run_provider", "run_id", "provider_id"),
    Index("ix_payment_lines_provider_visit", "provider_id", "visit_id"),
    Index("ix_payment_lines_adjusts_id", "adjusts_id"),  # deleting a draft's lines checks it
)

invoices = Table(
    "invoices",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("provider_id", ForeignKey("providers.id"), nullable=False),
    Column("reference", String(64), nullable=False),
    Column("period_start", Date, nullable=False),
    Column("period_end", Date, nullable=False),
    Column("run_id", ForeignKey("payment_runs.id")),  # the run it was matched against
    Column("received_at", UtcDateTime, nullable=False),
    Column("received_by", String(254), nullable=False),
    UniqueConstraint("provider_id", "reference"),
)

invoice_lines = Table(
    "invoice_lines",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("invoice_id", ForeignKey("invoices.id", ondelete="CASCADE"), nullable=False),
    Column("line", Integer, nullable=False),  # its line in the provider's file
    Column("visit_id", String(128)),
    Column("package_reference", String(64)),
    Column("day", Date, nullable=False),
    Column("minutes", Integer, nullable=False),
    Column("amount", MONEY, nullable=False),
    UniqueConstraint("invoice_id", "line"),
)


# Market intelligence: weekly snapshots of the waiting list (one row per package waiting, so
# any breakdown can be drawn again), cost-of-care scenarios (the model's inputs, dated) and
# providers' open-book submissions (their own cost lines) to compare with the model.
waiting_list_snapshots = Table(
    "waiting_list_snapshots",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("commissioner_id", ForeignKey("commissioners.id"), nullable=False),
    Column("taken_on", Date, nullable=False),
    Column("taken_at", UtcDateTime, nullable=False),
    Column("taken_by", String(254), nullable=False),
    UniqueConstraint("commissioner_id", "taken_on"),
)

waiting_list_entries = Table(
    "waiting_list_entries",
    metadata,
    Column(
        "snapshot_id",
        ForeignKey("waiting_list_snapshots.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column("package_id", ForeignKey("care_packages.id"), primary_key=True),
    Column("zone_id", ForeignKey("zones.id"), nullable=False),
    Column("service_type_id", ForeignKey("service_types.id"), nullable=False),
    Column("weekly_hours", Numeric(10, 2), nullable=False),
    Column("waiting_since", Date, nullable=False),
    Column("need_score", Integer, nullable=False),
)

cost_of_care_scenarios = Table(
    "cost_of_care_scenarios",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("commissioner_id", ForeignKey("commissioners.id"), nullable=False),
    Column("name", String(200), nullable=False),
    Column("effective_from", Date, nullable=False),
    Column("inputs", JSON, nullable=False),  # the model's inputs, as domain code writes them
    Column("created_at", UtcDateTime, nullable=False),
    Column("created_by", String(254), nullable=False),
    UniqueConstraint("commissioner_id", "name"),
)

open_book_submissions = Table(
    "open_book_submissions",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("provider_id", ForeignKey("providers.id"), nullable=False),
    Column("commissioner_id", ForeignKey("commissioners.id"), nullable=False),
    Column("period_start", Date, nullable=False),
    Column("period_end", Date, nullable=False),
    Column("lines", JSON, nullable=False),  # {cost line: pounds an hour}, exact decimals
    Column("submitted_at", UtcDateTime, nullable=False),
    Column("submitted_by", String(254), nullable=False),
    UniqueConstraint("provider_id", "commissioner_id", "period_start"),
    CheckConstraint("period_end >= period_start", name="period_in_order"),
)

zone_designs = Table(
    "zone_designs",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("commissioner_id", ForeignKey("commissioners.id"), nullable=False),
    Column("name", String(200), nullable=False),
    Column("area", String(64), nullable=False),
    Column("method", String(32), nullable=False),
    Column("wards", JSON, nullable=False),  # {zone code: [ward codes]}
    Column("sectors", JSON, nullable=False),  # {zone code: [postcode sectors]}
    Column("effective_from", Date, nullable=False),
    Column("applied_at", UtcDateTime, nullable=False),
    Column("applied_by", String(254), nullable=False),
    Column("redrawn_at", UtcDateTime),  # when the zones took it; null while it waits for its day
    UniqueConstraint("commissioner_id", "name"),
)

simulation_scenarios = Table(
    "simulation_scenarios",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("commissioner_id", ForeignKey("commissioners.id"), nullable=False),
    Column("name", String(200), nullable=False),
    Column("title", String(500), nullable=False),
    Column("text", Text, nullable=False),  # the scenario's TOML, as saved
    Column("options", JSON, nullable=False),  # the options' names, in order
    Column("saved_at", UtcDateTime, nullable=False),
    Column("saved_by", String(254), nullable=False),
    UniqueConstraint("commissioner_id", "name"),
)

simulation_runs = Table(
    "simulation_runs",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("scenario_id", ForeignKey("simulation_scenarios.id"), nullable=False, index=True),
    Column("replications", Integer, nullable=False),
    Column("seed", Integer, nullable=False),
    Column("status", String(16), nullable=False, index=True),
    Column("done", Integer, nullable=False),
    Column("total", Integer, nullable=False),
    Column("requested_at", UtcDateTime, nullable=False),
    Column("requested_by", String(254), nullable=False),
    Column("started_at", UtcDateTime),
    Column("progress_at", UtcDateTime),  # the last word from the process running it
    Column("finished_at", UtcDateTime),
    Column("error", Text),
    Column("results", JSON),  # simulation/results.py: estimates, differences, every run
)
