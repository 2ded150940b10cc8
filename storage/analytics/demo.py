"""A SYNTHETIC crime extract for demonstrations, training and tests - never real records.

It reproduces, to the row, the statistics table Hertfordshire Constabulary attached to FOI2018/00739
(crimes concerning indecent photos of children by offence, outcome dates 1 Jan 2016 - 31 Jan 2018:
685 crimes, 149 with Outcome 21, 9 with Outcome 10), so that a new team member can run the canned
queries and see the published answer come back. Around it are plausible other offences and outcomes
from 2015 to 2019, including rows just outside the seed period and crimes with no outcome yet, so that
the date filters and groups are exercised. Generation is deterministic (a seeded RNG): the same seed
always gives the same rows.

Every row is flagged synthetic and the data source is labelled SYNTHETIC, which the runner repeats
under every answer.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.engine import Engine

from storage.analytics.import_extract import load_extract_records
from storage.analytics.loading import FileResult
from storage.analytics.schema import create_schema, data_sources

DEMO_SOURCE = "demo"
DEMO_SEED = 739  # FOI2018/00739
SEED_START = date(2016, 1, 1)
SEED_END = date(2018, 1, 31)
DATA_START = date(2015, 1, 1)
DATA_END = date(2019, 12, 31)
OUTCOME_22_FROM = date(2019, 4, 1)  # Outcome 22 (diversionary activity) exists from April 2019


@dataclass(frozen=True)
class SeedOffence:
    offence: str
    ho_code: str
    total: int  # crimes with an outcome date in the seed period
    fixed: dict[int, int]  # exact counts of outcomes the published table states (21, 10)


INDECENT_IMAGES_GROUP = "indecent-images"

#: The published table: offence, HO code, total, Outcome 21 and Outcome 10 counts.
SEED_OFFENCES: tuple[SeedOffence, ...] = (
    SeedOffence("Child - Having Indecent Photo Of", "86/2", 125, {21: 2}),
    SeedOffence("Child-Distribute Indecent Photo", "86/2", 358, {21: 139, 10: 9}),
    SeedOffence("Child-Make Indecent Photo/Pseudo Photo Of Child", "86/2", 98, {21: 6}),
    SeedOffence("Child-Possess Indecent Photo For Distribution", "86/2", 12, {}),
    SeedOffence("Child-Show Indecent Photo", "86/2", 1, {}),
    SeedOffence("Child-Taking Indecent Photo", "86/2", 12, {21: 1}),
    SeedOffence("Harassment-Disclose Private Sexual Photographs", "8/71", 79, {21: 1}),
)

# Outcomes for the seed offences' other crimes inside the period: anything plausible except 21 and 10,
# whose counts the published table fixes.
_IMAGE_OUTCOMES = {1: 26, 2: 3, 3: 6, 8: 3, 9: 2, 14: 5, 15: 12, 16: 8, 18: 22, 20: 10, 11: 3}
_HARASSMENT_OUTCOMES = {1: 14, 3: 5, 8: 4, 14: 14, 15: 24, 16: 27, 18: 5, 20: 4}
# ... and outside the period, where 21 and 10 may appear freely.
_IMAGE_OUTCOMES_OUTSIDE = {**_IMAGE_OUTCOMES, 21: 25, 10: 3}


@dataclass(frozen=True)
class OtherOffence:
    offence: str
    ho_code: str
    group: str
    per_year: int
    outcomes: dict[int, int]


_GENERAL = {1: 8, 3: 2, 8: 3, 14: 14, 15: 9, 16: 12, 18: 45, 20: 2, 21: 1, 10: 1}
OTHER_OFFENCES: tuple[OtherOffence, ...] = (
    OtherOffence("Burglary - Residential", "28E", "burglary", 900, {1: 5, 3: 1, 14: 6, 15: 6, 16: 3, 18: 78, 21: 1}),
    OtherOffence("Burglary - Business and Community", "30C", "burglary", 350, {1: 4, 14: 6, 15: 5, 16: 4, 18: 80, 21: 1}),
    OtherOffence("Theft from the Person", "39", "theft", 300, {1: 3, 14: 8, 15: 4, 16: 5, 18: 80}),
    OtherOffence("Shoplifting", "46", "theft", 1200, {1: 25, 3: 6, 6: 4, 8: 10, 14: 5, 15: 10, 16: 5, 18: 35}),
    OtherOffence("Theft of Pedal Cycle", "44", "theft", 400, {1: 1, 14: 5, 15: 2, 16: 2, 18: 90}),
    OtherOffence("Theft from Motor Vehicle", "45", "theft", 700, {1: 2, 14: 5, 15: 2, 16: 2, 18: 89}),
    OtherOffence("Criminal Damage to a Dwelling", "58A", "criminal-damage", 600, {**_GENERAL, 8: 6}),
    OtherOffence("Criminal Damage to a Vehicle", "58C", "criminal-damage", 700, {1: 2, 8: 3, 14: 10, 16: 8, 18: 75, 21: 1}),
    OtherOffence("Assault with Injury", "8N", "violence", 1100, {1: 18, 3: 4, 8: 5, 14: 10, 15: 18, 16: 40, 21: 2, 10: 1}),
    OtherOffence("Assault without Injury", "105A", "violence", 1300, {1: 10, 3: 3, 8: 6, 14: 10, 15: 14, 16: 50, 21: 3, 10: 1}),
    OtherOffence("Public Fear Alarm or Distress", "9A", "public-order", 500, {1: 8, 6: 3, 8: 8, 14: 12, 15: 15, 16: 45, 21: 2}),
    OtherOffence("Possession of Cannabis", "92E", "drugs", 450, {1: 20, 3: 8, 6: 10, 7: 30, 8: 20, 10: 2, 21: 5}),
)

#: Offence groups for the canned queries' ``group`` parameter.
DEMO_GROUPS: dict[str, list[str]] = {INDECENT_IMAGES_GROUP: [s.offence for s in SEED_OFFENCES]}
for _other in OTHER_OFFENCES:
    DEMO_GROUPS.setdefault(_other.group, []).append(_other.offence)


class RealDataPresent(RuntimeError):
    """The store holds real extract data; the demo refuses to mix synthetic rows into it."""


def generate_demo_records(seed: int = DEMO_SEED, *, scale: float = 1.0) -> Iterator[tuple[object, ...]]:
    """Synthetic extract rows in ``import_extract.FIELDS`` order.

    ``scale`` multiplies the volume of the other offences (the benchmark uses it to reach a million
    rows); the seed offences' in-period rows are always exactly the published counts.
    """
    rng = random.Random(seed)
    counter = 0

    def ref(day: date) -> str:
        nonlocal counter
        counter += 1
        return f"SYN/{day:%y}/{counter:07d}"

    def recorded_before(outcome_day: date) -> date:
        lag = min(int(rng.expovariate(1 / 60)), 700)
        return max(outcome_day - timedelta(days=lag), date(2014, 1, 1))

    def day_between(start: date, end: date) -> date:
        return start + timedelta(days=rng.randint(0, (end - start).days))

    def pick(weights: dict[int, int], day: date) -> int:
        choices = [o for o in weights if o != 22 or day >= OUTCOME_22_FROM]
        return rng.choices(choices, weights=[weights[o] for o in choices])[0]

    for seed_offence in SEED_OFFENCES:
        group = INDECENT_IMAGES_GROUP
        pool = _HARASSMENT_OUTCOMES if seed_offence.ho_code == "8/71" else _IMAGE_OUTCOMES
        fixed: list[int] = []
        for number, count in seed_offence.fixed.items():
            fixed.extend([number] * count)
        rest = fixed[2:] + rng.choices(list(pool), weights=list(pool.values()), k=seed_offence.total - len(fixed))
        rng.shuffle(rest)
        outcomes = fixed[:2] + rest
        for i, outcome in enumerate(outcomes):
            # the first two crimes of each offence sit on the period's first and last days, with the
            # published outcomes where there are any, so the edges of the date filter are exercised
            if i == 0:
                day = SEED_START
            elif i == 1:
                day = SEED_END
            else:
                day = day_between(SEED_START, SEED_END)
            yield (ref(day), seed_offence.ho_code, seed_offence.offence, group, recorded_before(day).isoformat(),
                   outcome, day.isoformat())
        # outside the period: before it, after it, and one each on the days just outside its edges
        outside_pool = _HARASSMENT_OUTCOMES if seed_offence.ho_code == "8/71" else _IMAGE_OUTCOMES_OUTSIDE
        extra = max(2, seed_offence.total // 3)
        for i in range(extra):
            if i == 0:
                day = SEED_START - timedelta(days=1)
            elif i == 1:
                day = SEED_END + timedelta(days=1)
            elif i % 2:
                day = day_between(DATA_START, SEED_START - timedelta(days=1))
            else:
                day = day_between(SEED_END + timedelta(days=1), DATA_END)
            outcome = 21 if i < 2 and seed_offence.fixed else pick(outside_pool, day)
            yield (ref(day), seed_offence.ho_code, seed_offence.offence, group, recorded_before(day).isoformat(),
                   outcome, day.isoformat())
        # still under investigation: recorded, no outcome yet
        for _ in range(max(1, seed_offence.total // 20)):
            day = day_between(date(2017, 6, 1), DATA_END)
            yield (ref(day), seed_offence.ho_code, seed_offence.offence, group, day.isoformat(), None, None)

    years = (DATA_END.year - DATA_START.year) + 1
    span = (DATA_END - DATA_START).days
    for other in OTHER_OFFENCES:
        outcome_list = list(other.outcomes)
        cum = []
        running = 0
        for o in outcome_list:
            running += other.outcomes[o]
            cum.append(running)
        outcome_22_share = 3 if other.group in ("violence", "public-order", "drugs", "criminal-damage") else 0
        n = int(other.per_year * years * scale)
        start_ordinal = DATA_START.toordinal()
        for _ in range(n):
            day = date.fromordinal(start_ordinal + rng.randint(0, span))
            if outcome_22_share and day >= OUTCOME_22_FROM and rng.randrange(100) < outcome_22_share:
                outcome: int | None = 22
            elif rng.randrange(100) < 4:
                outcome = None  # not finalised
            else:
                outcome = rng.choices(outcome_list, cum_weights=cum)[0]
            recorded = recorded_before(day)
            yield (ref(day), other.ho_code, other.offence, other.group, recorded.isoformat(), outcome,
                   day.isoformat() if outcome is not None else None)


def load_demo(engine: Engine, *, seed: int = DEMO_SEED, scale: float = 1.0, progress: bool | None = None) -> FileResult:
    """Replace the demo source with freshly generated synthetic rows; refuses if real extract data is loaded."""
    create_schema(engine)
    with engine.connect() as conn:
        real = conn.execute(
            select(data_sources.c.name).where(data_sources.c.kind == "extract", data_sources.c.synthetic.is_(False))
        ).scalars().all()
    if real:
        raise RealDataPresent(
            "the statistics store holds real extract data (" + ", ".join(real) + "); "
            "point DATA_URL at a separate file for the demo so synthetic rows never mix with real ones"
        )
    return load_extract_records(
        engine,
        generate_demo_records(seed, scale=scale),
        source=DEMO_SOURCE,
        description="demo crime extract (not real records; reproduces the FOI2018/00739 table)",
        synthetic=True,
        progress=progress,
    )
