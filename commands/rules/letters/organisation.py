"""The organisation profile: everything in a letter or a reference that differs between public bodies.

Another force changes one TOML file (``FOI_ORG_PROFILE``), never a template. The profile is a plain
pydantic model so that a missing field is reported by name when the file is loaded, not as a blank in
a letter months later.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from commands.rules.small_numbers import DisclosureRule

DEFAULT_PROFILE_PATH = Path(__file__).resolve().parents[3] / "templates" / "organisation.example.toml"


DEFAULT_DATA_CAVEAT = (
    "The numerical data presented in this response is an un-audited snapshot of un-published data sourced from "
    '"live" systems and is subject to the interpretation of the original request by the individual extracting '
    "the data."
)
DEFAULT_PAYMENT_INSTRUCTIONS = (
    "Please contact us at the address above to arrange payment, quoting the reference number of your request."
)
DEFAULT_REVIEW_PARAGRAPH_EIR = (
    "If you are dissatisfied with this response, you may make representations to us under regulation 11 of the "
    "Environmental Information Regulations 2004 and ask us to reconsider it. Representations should be made in "
    "writing, within 40 working days of the date of this response, to the address above."
)
DEFAULT_REVIEW_PARAGRAPH_FOISA = (
    "If you are dissatisfied with this response, you may require us to review our decision under section 20 of "
    "the Freedom of Information (Scotland) Act 2002. Your requirement for review must be in writing, state your "
    "name and an address for correspondence, describe the request and explain why you are dissatisfied."
)
DEFAULT_COMPLAINT_PARAGRAPH_FOISA = (
    "If you are dissatisfied with the outcome of the review, you may apply to the Scottish Information "
    "Commissioner for a decision under section 47(1) of the Act, generally within six months of receiving our "
    "review response. You must ask us for a review before applying to the Commissioner."
)


class Signatory(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str
    title: str


class Regulator(BaseModel):
    """The body a requester complains to after internal review (ICO, or the Scottish Commissioner)."""

    model_config = ConfigDict(extra="forbid")
    name: str
    address: list[str]
    telephone: str
    website: str
    email: str = ""
    complaint_url: str = Field(
        default="", description="Page on how to complain; letters fall back to the website"
    )


class OrganisationProfile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str
    short_name: str
    unit: str = Field(description="The team's name as it appears on the letterhead")
    address: list[str]
    telephone: str
    email: str
    website: str = ""
    signatory: Signatory
    reference_prefix: str = "FOI"
    default_regime: Literal["foia", "eir", "foisa", "sar"] = "foia"
    country: Literal["england", "wales", "scotland", "northern-ireland"] = "england"
    authority_type: Literal["central-government", "other"] = Field(
        default="other",
        description="Fees Regulations 2004 reg 3: £600/24 hours for central government, £450/18 hours for others",
    )
    review_paragraph: str
    complaint_paragraph: str
    regulator: Regulator
    scottish_regulator: Regulator | None = None
    # Letter wording. Defaults keep older profiles loading; a force with its own house wording sets them.
    sign_off: str = "Yours sincerely"
    data_caveat: str = DEFAULT_DATA_CAVEAT
    payment_instructions: str = DEFAULT_PAYMENT_INSTRUCTIONS
    review_paragraph_eir: str = DEFAULT_REVIEW_PARAGRAPH_EIR
    review_paragraph_foisa: str = DEFAULT_REVIEW_PARAGRAPH_FOISA
    complaint_paragraph_foisa: str = DEFAULT_COMPLAINT_PARAGRAPH_FOISA
    # Small-number protection in letters and disclosed tables (commands/rules/small_numbers.py).
    small_number_threshold: int = Field(default=4, ge=0, le=100)
    small_number_wording: str = "fewer than 5"
    # How letters look: one date style throughout, the marking in the Word header and footer, how a
    # statistics period is worded ("{start}" and "{end}" in the date style).
    date_style: Literal["ordinal", "plain"] = "ordinal"
    protective_marking: str = "OFFICIAL"
    period_wording: str = "{start} to {end}"
    # True only in the shipped example: every draft is then marked EXAMPLE PROFILE and cannot be approved.
    example: bool = False

    @property
    def disclosure_rule(self) -> DisclosureRule:
        return DisclosureRule(threshold=self.small_number_threshold, wording=self.small_number_wording)

    @property
    def cost_limit_pounds(self) -> int:
        return 600 if self.authority_type == "central-government" else 450

    @property
    def cost_limit_hours(self) -> int:
        return 24 if self.authority_type == "central-government" else 18


#: What gives the shipped example away when someone copies it without changing it.
EXAMPLE_NAME = "Example Constabulary"
_EXAMPLE_DOMAIN = re.compile(r"(^|[@./])example\.", re.IGNORECASE)


def profile_problems(profile: OrganisationProfile) -> list[str]:
    """Why letters made with this profile must not go out: it is the shipped example, or a value a letter
    needs is blank. Empty when the profile is ready. Pure (the file was read by ``load_profile``)."""
    problems: list[str] = []
    if profile.example:
        problems.append("it is the shipped example (example = true): copy templates/organisation.example.toml, "
                        "put in your organisation's details, delete the line `example = true` and point "
                        "FOI_ORG_PROFILE at the copy")
    if profile.name.strip() == EXAMPLE_NAME or profile.short_name.strip() == EXAMPLE_NAME:
        problems.append(f"name: still the example's ({EXAMPLE_NAME!r})")
    for field in ("email", "website"):
        if _EXAMPLE_DOMAIN.search(getattr(profile, field)):
            problems.append(f"{field}: still the example's ({getattr(profile, field)})")
    required = {
        "name": profile.name, "short_name": profile.short_name, "unit": profile.unit, "telephone": profile.telephone,
        "email": profile.email, "signatory.name": profile.signatory.name, "signatory.title": profile.signatory.title,
        "review_paragraph": profile.review_paragraph, "complaint_paragraph": profile.complaint_paragraph,
        "regulator.name": profile.regulator.name, "regulator.telephone": profile.regulator.telephone,
        "regulator.website": profile.regulator.website, "sign_off": profile.sign_off,
    }
    problems.extend(f"{name}: empty" for name, value in required.items() if not value.strip())
    if not [line for line in profile.address if line.strip()]:
        problems.append("address: empty")
    if (profile.country == "scotland" or profile.default_regime == "foisa") and profile.scottish_regulator is None:
        problems.append("scottish_regulator: missing, and FOISA letters name the Scottish Information Commissioner")
    if "{start}" not in profile.period_wording or "{end}" not in profile.period_wording:
        problems.append("period_wording: must contain {start} and {end}")
    return problems


class ProfileError(ValueError):
    """A profile file that cannot be used; the message names the file and the field."""


def load_profile(path: Path | str | None = None) -> OrganisationProfile:
    path = Path(path) if path else DEFAULT_PROFILE_PATH
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise ProfileError(f"organisation profile {path} does not exist") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ProfileError(f"organisation profile {path} is not valid TOML: {exc}") from exc
    try:
        return OrganisationProfile.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        field = ".".join(str(p) for p in first["loc"])
        raise ProfileError(f"organisation profile {path}: field '{field}': {first['msg']}") from exc
