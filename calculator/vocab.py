"""The closed vocabularies of requests, answers and data files (English identifiers).

The reader-visible labels of these values are in the message catalogues
(``labels.<vocabulary>.<value>``).
"""

from __future__ import annotations

QUESTIONS = ("networks", "quota", "contribution", "course", "pseudocode", "fees", "family_contribution")

NETWORKS = ("children_adolescents", "adults")
CARE_TYPES = ("sppl", "sps")  # of the four texts (2022-2024); also the fees question's
# The care types of the quota and course questions: those of the texts, then the functions of the
# convention of 1 April 2024 (which ones apply on a date: parameter care_types, quotas.toml).
QUOTA_CARE_TYPES = (*CARE_TYPES, "support", "treatment")
# A maximum of sessions that is not a number: "none" (no maximum), "unknown" (no source of ours gives one).
SESSIONS_WITHOUT_NUMBER = ("none", "unknown")
MODALITIES = ("individual", "group")

# How the session is arranged (see calculator/data/contribution.toml).
ROUTES = (
    "outside",             # the family goes to a conventioned psychologist, outside any arrangement
    "own_convention",      # the CPMS/CLB has its own convention with the network
    "other_organisation",  # the CPMS/CLB works with another conventioned organisation
    "independent_psychologist",  # the CPMS/CLB coordinates with a conventioned independent psychologist
                                 # (neither the centre nor another organisation holds a convention for it)
)
# Which centre organises the session (the routes other than "outside"): its community's
# text applies (circular-8761 for a CPMS, riziv-note-clb for a CLB). The German-speaking
# Community's centres are not among them (amendment-5 §1/1 names the two decrees).
CENTRES = ("cpms", "clb")
CENTRE_ROUTES = tuple(r for r in ROUTES if r != "outside")


def route_parameter(route: str, centre: str | None) -> str:
    """The parameter of calculator/data/contribution.toml that holds a route's place rules."""
    return f"route_{route}_{centre}" if route in CENTRE_ROUTES else f"route_{route}"


ROUTE_PARAMETERS = tuple(route_parameter(r, c) for r in ROUTES for c in (CENTRES if r in CENTRE_ROUTES else (None,)))
# What a parent knows (question family_contribution): who proposed the sessions, and
# whether the centre has its own convention with the network ("unknown": I don't know).
PROPOSERS = ("centre", "school", "family")
CONVENTION_ANSWERS = ("yes", "no", "unknown")
# Where the session takes place.
PLACES = (
    "psychologist_office",
    "cpms_clb",
    "school",
    "boarding_school",
    "video",
    "living_environment",
)

# Pseudocode attributes (calculator/data/pseudocodes.toml).
CODE_CARE_TYPES = ("sppl", "sps", "none")
CODE_MODALITIES = ("individual", "group", "other")
CODE_KINDS = (
    # individual sessions
    "first",
    "before_group",
    "after_group",
    "outreach_institution",
    "outreach_living_environment",
    "physical_other",
    "video",
    # group sessions
    "standard",
    "outreach",
    # individual or group sessions without personal contribution (§1/1)
    "no_contribution",
    # other services
    "multidisciplinary_consultation",
    "trajectory_without_referral",
    "trajectory_with_referral",
    "trajectory_after_referral",
    "additional_session",
    "knowledge_sharing_provider",
    "knowledge_sharing_group",
    "community_group",
    "post_covid_treatment",
    "post_covid_coordination",
    "post_covid_team_meeting",
)
TEAMS = (
    "one_psychologist",
    "psychologist_and_other_provider",
    "two_psychologists_or_doctor_and_psychologist",
    "psychologist_reimbursed_only",
    "none",
)

# Services whose fee the `fees` question gives.
FEE_SERVICES = (
    "individual_session",
    "group_session",
    "group_second_provider",
    "trajectory",
    "multidisciplinary_consultation",
)

# Outcomes and reasons of a contribution.
OUTCOMES = ("pay", "free", "not_allowed")
REASONS = (
    "usual_contribution",
    "reduced_contribution_bim",
    "first_session_free",
    "no_contribution_arrangement",
    "place_not_allowed",
    "free_young_person",
)
BILLING = ("reserved_no_contribution_codes", "standard_codes")

# Units of the parameters of the data files.
UNITS = ("age_years", "age_limit", "sessions", "months", "eur", "providers", "places", "modalities", "codes",
         "care_types")

# Reader-visible labels: vocabulary name -> catalogue prefix (labels.<prefix>.<value>).
LABELLED = {
    "question": ("questions", QUESTIONS),
    "network": ("network", NETWORKS),
    "care_type": ("care_type", CARE_TYPES),
    "quota_care_type": ("care_type", QUOTA_CARE_TYPES),
    "modality": ("modality", MODALITIES),
    "route": ("route", ROUTES),
    "centre": ("centre", CENTRES),
    "proposer": ("proposer", PROPOSERS),
    "convention": ("convention", CONVENTION_ANSWERS),
    "place": ("place", PLACES),
    "code_care_type": ("code_care_type", CODE_CARE_TYPES),
    "code_modality": ("code_modality", CODE_MODALITIES),
    "kind": ("kind", CODE_KINDS),
    "team": ("team", TEAMS),
    "service": ("service", FEE_SERVICES),
    "outcome": ("outcome", OUTCOMES),
    "reason": ("reason", REASONS),
    "billing": ("billing", BILLING),
}


def label_key_lists() -> dict[str, list[tuple[str, str]]]:
    """vocabulary name -> [(value, catalogue key of its label)]."""
    return {name: [(v, f"labels.{prefix}.{v}") for v in values] for name, (prefix, values) in LABELLED.items()}
