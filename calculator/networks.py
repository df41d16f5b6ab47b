"""Question `networks`: which networks a person of a given age can use.

Rules: circular-8761#networks-children (children and adolescents up to 23
inclusive), circular-8761#networks-adults (adults from 15),
circular-8761#networks-overlap (from 15 to 23 the person chooses).
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass

from .answer import Answer, Builder
from .declare import age_spec, date_spec, result_field
from .i18n import Count, Key
from .params import Rules

QUESTION = "networks"


@dataclass(frozen=True)
class NetworksRequest:
    date: _dt.date = date_spec()
    age: int = age_spec()


@dataclass(frozen=True)
class NetworksResult:
    age: int
    networks: list[str] = result_field(vocab="network")  # "children_adolescents", "adults" (in that order)
    can_choose: bool             # True when both networks are open (15-23)
    children_max_age: int
    adults_min_age: int


REQUEST, RESULT = NetworksRequest, NetworksResult


def open_networks(b: Builder, age: int) -> tuple[list[str], int, int]:
    """The networks open at this age (cited), with the two bounds."""
    children_max = b.use("children_max_age")  # circular-8761#networks-children
    adults_min = b.use("adults_min_age")      # circular-8761#networks-adults
    networks = []
    if age <= children_max:
        networks.append("children_adolescents")
    if age >= adults_min:
        networks.append("adults")
    return networks, children_max, adults_min


def networks(req: NetworksRequest, rules: Rules) -> Answer:
    b = Builder(rules, QUESTION, req.date)
    nets, children_max, adults_min = open_networks(b, req.age)
    age = Count(req.age, "years")
    if len(nets) == 2:
        b.cite("circular-8761#networks-overlap")
        b.say("networks.both", age=age, children_max=Count(children_max, "years"), adults_min=Count(adults_min, "years"))
        b.warn("two_networks", adults_min=Count(adults_min, "years"), children_max=Count(children_max, "years"))
    elif nets == ["children_adolescents"]:
        b.say("networks.children_only", age=age, children_max=Count(children_max, "years"))
    elif nets == ["adults"]:
        b.say("networks.adults_only", age=age, adults_min=Count(adults_min, "years"))
    else:  # only if the data left a gap between the two bounds
        b.say("networks.none", age=age)
    b.interpret("age-in-completed-years")
    return b.build(NetworksResult(req.age, nets, len(nets) == 2, children_max, adults_min))


def network_label(network: str) -> Key:
    return Key(f"labels.network.{network}")

