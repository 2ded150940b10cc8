"""The provisions a police force's information-rights team cites, with the words its letters need.

Each entry: what the provision covers, its test, its neither-confirm-nor-deny (NCND) provision and the dates
that provision was in force, and the public-interest arguments the Information Commissioner's guidance on
that exemption recognises as typical – for disclosure, for maintaining the exemption, and (where NCND
applies) for and against confirming or denying. They are starting points the caseworker replaces with the
case's own reasoning (`/foi answer REF pit …`); they are never one boilerplate for every exemption.
"""

from __future__ import annotations

from datetime import date

from commands.rules.letters.exemptions import DPA_2018, Exemption

KING = date(2022, 9, 8)  # communications with "Her Majesty" became "His Majesty" (FOIA s.37, FOISA s.41)

_FOIA: tuple[Exemption, ...] = (
    Exemption(
        "foia", "12", "Cost of compliance exceeds the appropriate limit", "procedural",
        "Section 12(1) does not oblige a public authority to comply with a request if it estimates that the cost "
        "of complying would exceed the appropriate limit set by the Fees Regulations.",
        test="none", ncnd="12(2)",
    ),
    Exemption(
        "foia", "14", "Vexatious or repeated requests", "procedural",
        "Section 14 does not oblige a public authority to comply with a request that is vexatious, or that is "
        "identical or substantially similar to a previous request from the same person.",
        test="none",
    ),
    Exemption(
        "foia", "21", "Information accessible to the applicant by other means", "absolute",
        "Section 21 exempts information that is reasonably accessible to the applicant otherwise than under the "
        "Act, for example because it is already published.",
    ),
    Exemption(
        "foia", "22", "Information intended for future publication", "qualified",
        "Section 22 exempts information held with a view to its publication at a future date, where it is "
        "reasonable in all the circumstances to withhold it until then.",
        ncnd="22(2)",
        for_disclosure=(
            "Earlier access would let the public see the information while it is most relevant to current debate.",
        ),
        against=(
            "The information will be published, and it is reasonable for the force to manage the timing and "
            "quality assurance of that publication.",
            "Releasing it piecemeal before publication could present an incomplete or inaccurate picture.",
        ),
    ),
    Exemption(
        "foia", "22A", "Research", "qualified",
        "Section 22A exempts information obtained in the course of an ongoing programme of research intended "
        "for future publication, where disclosure would, or would be likely to, prejudice the programme, the "
        "interests of its participants or the authority holding the information.",
        test="prejudice", harm="the research programme, the interests of its participants or the authority",
        ncnd="22A(2)", since=date(2014, 10, 1),
        for_disclosure=("Disclosure would show how public money is being spent on research.",),
        against=("Premature disclosure would undermine a programme of research that is itself in the public interest.",),
    ),
    Exemption(
        "foia", "23", "Information supplied by, or concerning, certain security bodies", "absolute",
        "Section 23(1) exempts information directly or indirectly supplied by, or relating to, the security "
        "bodies listed in section 23(3).",
        ncnd="23(5)",
        ncnd_reason="Confirming or denying whether the information is held would itself reveal whether any of "
        "the security bodies listed in section 23(3) has been involved, or has an interest, in the matter you "
        "have asked about.",
    ),
    Exemption(
        "foia", "24", "National security", "qualified",
        "Section 24(1) exempts information that does not fall within section 23(1), where exemption is required "
        "for the purpose of safeguarding national security.",
        test="required", harm="safeguarding national security", ncnd="24(2)",
        ncnd_reason="Confirming or denying whether the information is held would itself reveal something of the "
        "police service's capability and priorities in matters of national security, which could be exploited "
        "by those who threaten it; exemption from the duty to confirm or deny is required to safeguard national "
        "security.",
        for_disclosure=(
            "Disclosure would reassure the public that matters of national security are dealt with appropriately "
            "and that public money is spent well on them.",
        ),
        against=(
            "There is a very strong public interest in safeguarding national security.",
            "Disclosure would give those who threaten national security information about police capability, "
            "tactics and resources, which could be combined with other information to harm it.",
        ),
        ncnd_for=("Confirming or denying would show openness about the police service's role in protecting national security.",),
        ncnd_against=(
            "The public interest in safeguarding national security is very strong; a pattern of confirmations "
            "and denials would let those who threaten it learn where the police service's interest lies.",
        ),
    ),
    Exemption(
        "foia", "26", "Defence", "qualified",
        "Section 26 exempts information whose disclosure would, or would be likely to, prejudice the defence of "
        "the British Islands or of any colony, or the capability, effectiveness or security of the armed forces.",
        test="prejudice", harm="the defence of the British Islands or the capability of the armed forces",
        ncnd="26(3)",
        for_disclosure=("Disclosure would inform public debate on defence matters.",),
        against=("There is a strong public interest in not weakening the country's defence or the security of the armed forces.",),
    ),
    Exemption(
        "foia", "27", "International relations", "qualified",
        "Section 27 exempts information whose disclosure would, or would be likely to, prejudice relations "
        "between the United Kingdom and another State or international organisation, and confidential "
        "information obtained from them.",
        test="prejudice", harm="relations between the United Kingdom and another State or international organisation",
        ncnd="27(4)",
        for_disclosure=("Disclosure would increase understanding of the United Kingdom's dealings with other States.",),
        against=("It is in the public interest that the United Kingdom can maintain effective relations, and the trust of its partners, abroad.",),
    ),
    Exemption(
        "foia", "28", "Relations within the United Kingdom", "qualified",
        "Section 28 exempts information whose disclosure would, or would be likely to, prejudice relations "
        "between any administration in the United Kingdom and any other such administration.",
        test="prejudice", harm="relations between administrations in the United Kingdom", ncnd="28(3)",
        for_disclosure=("Disclosure would show how administrations in the United Kingdom work together.",),
        against=("It is in the public interest that the administrations of the United Kingdom can work together in confidence.",),
    ),
    Exemption(
        "foia", "29", "The economy", "qualified",
        "Section 29 exempts information whose disclosure would, or would be likely to, prejudice the economic "
        "interests of the United Kingdom or the financial interests of any administration in it.",
        test="prejudice", harm="the economic interests of the United Kingdom", ncnd="29(2)",
        for_disclosure=("Disclosure would inform public debate on economic matters.",),
        against=("There is a public interest in protecting the United Kingdom's economic and financial interests.",),
    ),
    Exemption(
        "foia", "30", "Investigations and proceedings conducted by public authorities", "qualified",
        "Section 30(1) exempts information held at any time for the purposes of an investigation which the force "
        "has a duty to conduct with a view to it being ascertained whether a person should be charged with an "
        "offence, or whether a person charged is guilty of it; section 30(2) covers information relating to "
        "the obtaining of information from confidential sources.",
        ncnd="30(3)",
        ncnd_reason="Confirming or denying whether the information is held would itself reveal whether or not "
        "the force has conducted, or is conducting, an investigation into the matter or the people you have "
        "asked about. That would undermine any investigation, and the confidence of witnesses, victims and "
        "sources, whether or not an investigation exists.",
        for_disclosure=(
            "There is a public interest in accountability for the way the police investigate crime, and in public "
            "confidence that investigations are thorough and properly conducted.",
            "Disclosure could help victims and the public understand how particular offences are dealt with.",
        ),
        against=(
            "Investigations must be able to proceed without the information gathered being disclosed to the world, "
            "so that the prosecution process and any future trial are not prejudiced.",
            "Witnesses, victims and informants must be confident that what they tell the police stays confidential, "
            "or they will be less willing to assist the police in future.",
        ),
        ncnd_for=(
            "Confirming or denying whether information is held would show openness about the force's "
            "investigations and how it uses its powers.",
        ),
        ncnd_against=(
            "Confirming or denying would reveal whether the force has, or has not, investigated a particular "
            "matter or person, which could alert those involved and undermine any investigation.",
            "The force must give the same answer whether or not information is held, or its answers would, over "
            "time, reveal where investigations exist.",
        ),
    ),
    Exemption(
        "foia", "31", "Law enforcement", "qualified",
        "Section 31(1) exempts information not covered by section 30 whose disclosure would, or would be likely "
        "to, prejudice the prevention or detection of crime, the apprehension or prosecution of offenders, the "
        "administration of justice, or the other law-enforcement interests listed in it.",
        test="prejudice", harm="the prevention or detection of crime or the apprehension or prosecution of offenders",
        ncnd="31(3)",
        ncnd_reason="Confirming or denying whether the information is held would itself reveal whether the force "
        "has, or has not, taken an interest in the matter you have asked about, and so its capabilities, "
        "priorities and tactics; that would, or would be likely to, prejudice the prevention and detection of "
        "crime.",
        for_disclosure=(
            "Disclosure would show how the force uses its resources to prevent and detect crime, and could "
            "increase public awareness that helps people protect themselves from crime.",
            "Disclosure would add to public confidence that the force is effective and accountable.",
        ),
        against=(
            "There is a very strong public interest in protecting society from crime; disclosure would give those "
            "intent on committing crime information about police capability, tactics or resourcing that they "
            "could use to avoid detection.",
            "Disclosure to the world could compromise current and future law-enforcement operations.",
        ),
        ncnd_for=(
            "Confirming or denying would show openness about the force's law-enforcement activity and how it "
            "spends public money.",
        ),
        ncnd_against=(
            "Confirming or denying would show whether the force has an interest in a particular matter; criminals "
            "could use a pattern of such answers to learn where the police are, and are not, active.",
            "The force must give the same answer whether or not information is held, so that the answer reveals "
            "nothing.",
        ),
    ),
    Exemption(
        "foia", "32", "Court records", "absolute",
        "Section 32 exempts information held only by virtue of being contained in documents filed with, or "
        "created by, a court for the purposes of proceedings.",
        ncnd="32(3)",
    ),
    Exemption(
        "foia", "33", "Audit functions", "qualified",
        "Section 33 exempts information whose disclosure would, or would be likely to, prejudice the exercise of "
        "an authority's functions in relation to the audit or examination of other public authorities.",
        test="prejudice", harm="the exercise of audit functions", ncnd="33(3)",
        for_disclosure=("Disclosure would show how public bodies are held to account through audit.",),
        against=("Audit must be able to proceed effectively, with those audited cooperating openly.",),
    ),
    Exemption(
        "foia", "34", "Parliamentary privilege", "absolute",
        "Section 34 exempts information where exemption is required to avoid an infringement of the privileges "
        "of either House of Parliament.",
        ncnd="34(2)",
    ),
    Exemption(
        "foia", "35", "Formulation of government policy", "qualified",
        "Section 35 exempts information held by a government department relating to the formulation or "
        "development of government policy, ministerial communications and related matters.",
        ncnd="35(3)",
        for_disclosure=("Disclosure would improve public understanding of, and participation in, the making of policy.",),
        against=("Officials and ministers need a safe space to develop policy and to debate options frankly.",),
    ),
    Exemption(
        "foia", "36", "Prejudice to effective conduct of public affairs", "qualified",
        "Section 36 exempts information whose disclosure would, in the reasonable opinion of a qualified person, "
        "prejudice the free and frank provision of advice or exchange of views, or otherwise prejudice the "
        "effective conduct of public affairs.",
        test="qualified-person",
        harm="the free and frank provision of advice or exchange of views, or the effective conduct of public affairs",
        ncnd="36(3)",
        for_disclosure=("Disclosure would show how decisions were reached and promote accountability for them.",),
        against=("Staff must be able to give advice and exchange views freely and frankly, without a chilling effect on future discussions.",),
    ),
    Exemption(
        "foia", "37", "Communications with His Majesty and honours", "qualified",
        "Section 37 exempts communications with the Sovereign, other members of the Royal Family and the Royal "
        "Household, and information relating to the conferring of honours or dignities.",
        ncnd="37(2)", title_before=((KING, "Communications with Her Majesty and honours"),),
        for_disclosure=("Disclosure would increase understanding of how the honours system operates.",),
        against=("The honours system depends on the confidentiality of nominations and assessments.",),
    ),
    Exemption(
        "foia", "38", "Health and safety", "qualified",
        "Section 38(1) exempts information whose disclosure would, or would be likely to, endanger the physical "
        "or mental health, or the safety, of any individual.",
        test="endanger", harm="the physical or mental health, or the safety, of any individual", ncnd="38(2)",
        ncnd_reason="Confirming or denying whether the information is held would itself reveal something about "
        "the people or circumstances you have asked about that would, or would be likely to, endanger their "
        "health or safety.",
        for_disclosure=("Disclosure would increase public awareness of matters of health and safety.",),
        against=(
            "There is a very strong public interest in protecting the health and safety of individuals, which "
            "disclosure to the world would put at risk.",
        ),
        ncnd_for=("Confirming or denying would show openness about the force's dealings in the matter.",),
        ncnd_against=("The safety of the individuals concerned would be put at risk by confirming or denying, whichever the answer.",),
    ),
    Exemption(
        "foia", "39", "Environmental information", "qualified",
        "Section 39 exempts environmental information, which is instead dealt with under the Environmental "
        "Information Regulations 2004.",
        ncnd="39(2)",
        for_disclosure=("The public interest in the information is met by dealing with it under the Environmental Information Regulations 2004.",),
        against=("The request falls to be answered under the Environmental Information Regulations 2004, which provide their own regime.",),
    ),
    Exemption(
        "foia", "40(1)", "Personal information (the requester's own)", "absolute",
        "Section 40(1) exempts information that is the personal data of the requester; it is dealt with as a "
        "subject access request under data protection law instead.",
        ncnd="40(5A)", ncnd_before=((DPA_2018, "40(5)(a)"),),
        ncnd_reason="Confirming or denying whether the information is held would itself disclose personal data "
        "about you to the world; you may ask for your own personal data as a subject access request.",
    ),
    Exemption(
        "foia", "40(2)", "Personal information (third parties)", "absolute",
        "Section 40(2) exempts the personal data of someone other than the requester where disclosure would "
        "contravene the data protection principles. Disclosure under the Act is disclosure to the world, and "
        "releasing this information would not be fair or lawful to the individuals concerned.",
        ncnd="40(5B)(a)(i)", ncnd_before=((DPA_2018, "40(5)(b)(i)"),), ncnd_qualified=False,
        ncnd_reason="Confirming or denying whether the information is held would itself disclose personal data "
        "about an identifiable individual – whether or not they have been of interest to the police – to the "
        "world. That would not be fair or lawful to them, so it would contravene the data protection principles.",
    ),
    Exemption(
        "foia", "41", "Information provided in confidence", "absolute",
        "Section 41 exempts information obtained from another person where its disclosure would constitute an "
        "actionable breach of confidence.",
        ncnd="41(2)",
        ncnd_reason="Confirming or denying whether the information is held would itself be an actionable breach "
        "of the confidence in which any such information would have been given.",
    ),
    Exemption(
        "foia", "42", "Legal professional privilege", "qualified",
        "Section 42 exempts information in respect of which a claim to legal professional privilege could be "
        "maintained in legal proceedings.",
        ncnd="42(2)",
        for_disclosure=(
            "Disclosure would help the public understand the legal basis of the force's decisions and hold it to "
            "account for them.",
        ),
        against=(
            "There is a strong inherent public interest in the confidentiality of communications between lawyers "
            "and their clients, so that the force can obtain full and frank legal advice.",
        ),
    ),
    Exemption(
        "foia", "43", "Commercial interests", "qualified",
        "Section 43(2) exempts information whose disclosure would, or would be likely to, prejudice the "
        "commercial interests of any person, including the force; section 43(1) exempts trade secrets.",
        test="prejudice", harm="the commercial interests of the force or of its suppliers", ncnd="43(3)",
        for_disclosure=(
            "There is a public interest in accountability for the spending of public money, and in openness about "
            "how contracts are awarded.",
        ),
        against=(
            "Disclosure would be likely to weaken the force's position in future negotiations, or the competitive "
            "position of its suppliers, and so its ability to obtain value for money.",
        ),
    ),
    Exemption(
        "foia", "44", "Prohibitions on disclosure", "absolute",
        "Section 44 exempts information whose disclosure is prohibited by or under any enactment or would be a "
        "contempt of court.",
        ncnd="44(2)",
    ),
)

_EIR: tuple[Exemption, ...] = (
    Exemption(
        "eir", "12(4)(a)", "Information not held", "not-held",
        "Regulation 12(4)(a) applies where the authority does not hold the information when the request is "
        "received.",
        test="none",
    ),
    Exemption(
        "eir", "12(4)(b)", "Manifestly unreasonable request", "qualified",
        "Regulation 12(4)(b) applies where a request is manifestly unreasonable, including where the cost or "
        "burden of complying would be grossly excessive.",
        test="circumstance",
        for_disclosure=(
            "There is a presumption in favour of disclosure, and a public interest in the environmental "
            "information the request concerns.",
        ),
        against=(
            "Complying would divert a disproportionate amount of the force's resources from its other functions, "
            "at the expense of the public it serves.",
        ),
    ),
    Exemption(
        "eir", "12(4)(c)", "Request formulated in too general a manner", "qualified",
        "Regulation 12(4)(c) applies where a request is formulated in too general a manner and the authority has "
        "offered advice and assistance under regulation 9.",
        test="circumstance",
        for_disclosure=("There is a presumption in favour of disclosure.",),
        against=("The information cannot be identified until the request is made more specific.",),
    ),
    Exemption(
        "eir", "12(4)(d)", "Material in the course of completion, unfinished documents or incomplete data", "qualified",
        "Regulation 12(4)(d) applies where the request relates to material still in the course of completion, "
        "to unfinished documents or to incomplete data.",
        test="circumstance",
        for_disclosure=("Earlier access would allow the public to take part in decisions while they are being made.",),
        against=("Unfinished material could mislead, and the force needs space to complete its work.",),
    ),
    Exemption(
        "eir", "12(4)(e)", "Internal communications", "qualified",
        "Regulation 12(4)(e) applies where the request would involve the disclosure of internal "
        "communications.",
        test="circumstance",
        for_disclosure=("Disclosure would show how decisions affecting the environment were reached.",),
        against=("Staff need a private space to discuss matters frankly before decisions are made.",),
    ),
    Exemption(
        "eir", "12(5)(a)", "International relations, defence, national security or public safety", "qualified",
        "Regulation 12(5)(a) applies where disclosure would adversely affect international relations, defence, "
        "national security or public safety.",
        test="prejudice", harm="public safety or national security", ncnd="12(6)",
        ncnd_reason="Confirming or denying whether the information exists and is held would itself involve the "
        "disclosure of information that would adversely affect public safety or national security "
        "(regulation 12(7)).",
        for_disclosure=("Disclosure would inform the public about risks to their safety.",),
        against=("Disclosure would adversely affect public safety by helping those who would cause harm.",),
        ncnd_for=("Confirming or denying would show openness about the force's work on public safety.",),
        ncnd_against=("Whichever the answer, confirming or denying would itself adversely affect public safety or national security.",),
    ),
    Exemption(
        "eir", "12(5)(b)", "The course of justice and inquiries", "qualified",
        "Regulation 12(5)(b) applies where disclosure would adversely affect the course of justice, the ability "
        "of a person to receive a fair trial, or the ability of a public authority to conduct an inquiry of a "
        "criminal or disciplinary nature.",
        test="prejudice", harm="the course of justice or the force's ability to conduct criminal inquiries",
        for_disclosure=("Disclosure would show how the force carries out its inquiries.",),
        against=("Disclosure would adversely affect the force's ability to conduct criminal inquiries and the fairness of any trial.",),
    ),
    Exemption(
        "eir", "12(5)(c)", "Intellectual property rights", "qualified",
        "Regulation 12(5)(c) applies where disclosure would adversely affect intellectual property rights.",
        test="prejudice", harm="intellectual property rights",
        for_disclosure=("There is a presumption in favour of disclosure.",),
        against=("The owner of the rights would suffer from their infringement.",),
    ),
    Exemption(
        "eir", "12(5)(d)", "Confidentiality of proceedings", "qualified",
        "Regulation 12(5)(d) applies where disclosure would adversely affect the confidentiality of the "
        "proceedings of a public authority where that confidentiality is provided by law.",
        test="prejudice", harm="the confidentiality of proceedings provided by law",
        for_disclosure=("Disclosure would show how the proceedings were conducted.",),
        against=("Confidentiality provided by law protects the proper conduct of the proceedings.",),
    ),
    Exemption(
        "eir", "12(5)(e)", "Confidentiality of commercial or industrial information", "qualified",
        "Regulation 12(5)(e) applies where disclosure would adversely affect the confidentiality of commercial "
        "or industrial information where such confidentiality is provided by law to protect a legitimate "
        "economic interest.",
        test="prejudice", harm="the confidentiality of commercial information protecting a legitimate economic interest",
        for_disclosure=("There is a public interest in accountability for the spending of public money.",),
        against=("Disclosure would harm the legitimate economic interests that the confidentiality protects.",),
    ),
    Exemption(
        "eir", "12(5)(f)", "Interests of the person who provided the information", "qualified",
        "Regulation 12(5)(f) applies where disclosure would adversely affect the interests of a person who "
        "provided the information voluntarily and has not consented to its disclosure.",
        test="prejudice", harm="the interests of the person who provided the information",
        for_disclosure=("There is a presumption in favour of disclosure.",),
        against=("People would be less willing to provide information voluntarily in future.",),
    ),
    Exemption(
        "eir", "12(5)(g)", "Protection of the environment", "qualified",
        "Regulation 12(5)(g) applies where disclosure would adversely affect the protection of the environment "
        "to which the information relates.",
        test="prejudice", harm="the protection of the environment",
        for_disclosure=("Disclosure would inform the public about the environment.",),
        against=("Disclosure would put the environment the information relates to at risk.",),
    ),
    Exemption(
        "eir", "13", "Personal data", "absolute",
        "Regulation 13 applies to the personal data of someone other than the requester where disclosure would "
        "contravene the data protection principles.",
        ncnd="13(5A)", ncnd_before=((DPA_2018, "13(5)(a)"),), ncnd_qualified=False,
        ncnd_reason="Confirming or denying whether the information exists and is held would itself disclose "
        "personal data about an identifiable individual to the world, which would contravene the data "
        "protection principles.",
    ),
)

_FOISA: tuple[Exemption, ...] = (
    Exemption(
        "foisa", "12", "Excessive cost of compliance", "procedural",
        "Section 12(1) does not oblige a Scottish public authority to comply with a request if it estimates "
        "that the cost of complying would exceed the amount prescribed by the Fees Regulations.",
        test="none",
    ),
    Exemption(
        "foisa", "14", "Vexatious or repeated requests", "procedural",
        "Section 14 does not oblige a Scottish public authority to comply with a request that is vexatious, or "
        "that is identical or substantially similar to a previous request from the same person.",
        test="none",
    ),
    Exemption(
        "foisa", "25", "Information otherwise accessible", "absolute",
        "Section 25(1) exempts information that the applicant can reasonably obtain other than by requesting "
        "it under the Act.",
    ),
    Exemption(
        "foisa", "26", "Prohibitions on disclosure", "absolute",
        "Section 26 exempts information whose disclosure is prohibited by or under an enactment or would be a "
        "contempt of court.",
    ),
    Exemption(
        "foisa", "27", "Information intended for future publication", "qualified",
        "Section 27(1) exempts information held with a view to its publication within twelve weeks of the "
        "request, where it is reasonable to withhold it until then.",
        for_disclosure=("Earlier access would let the public see the information while it is most relevant.",),
        against=("The information will be published shortly, and it is reasonable to manage that publication.",),
    ),
    Exemption(
        "foisa", "28", "Relations within the United Kingdom", "qualified",
        "Section 28 exempts information whose disclosure would, or would be likely to, prejudice substantially "
        "relations between administrations in the United Kingdom.",
        test="prejudice", harm="relations between administrations in the United Kingdom", ncnd="18",
        for_disclosure=("Disclosure would show how administrations in the United Kingdom work together.",),
        against=("Administrations must be able to work together in confidence.",),
    ),
    Exemption(
        "foisa", "29", "Formulation of Scottish Administration policy", "qualified",
        "Section 29 exempts information held by the Scottish Administration relating to the formulation or "
        "development of government policy.",
        ncnd="18",
        for_disclosure=("Disclosure would improve understanding of how policy is made.",),
        against=("Policy must be developed in a safe space.",),
    ),
    Exemption(
        "foisa", "30", "Prejudice to effective conduct of public affairs", "qualified",
        "Section 30 exempts information whose disclosure would, or would be likely to, inhibit substantially "
        "the free and frank provision of advice or exchange of views, or otherwise prejudice substantially the "
        "effective conduct of public affairs.",
        test="prejudice", harm="the effective conduct of public affairs", ncnd="18",
        for_disclosure=("Disclosure would show how decisions were reached.",),
        against=("Staff must be able to give advice and exchange views freely and frankly.",),
    ),
    Exemption(
        "foisa", "31", "National security and defence", "qualified",
        "Section 31(1) exempts information where exemption is required for the purpose of safeguarding national "
        "security; section 31(4) exempts information whose disclosure would, or would be likely to, prejudice "
        "substantially the defence of the British Islands.",
        test="required", harm="safeguarding national security", ncnd="18",
        ncnd_reason="Revealing whether the information exists or is held would itself tell those who threaten "
        "national security something of police capability and priorities.",
        for_disclosure=("Disclosure would reassure the public that matters of national security are handled appropriately.",),
        against=("There is a very strong public interest in safeguarding national security.",),
    ),
    Exemption(
        "foisa", "32", "International relations", "qualified",
        "Section 32 exempts information whose disclosure would, or would be likely to, prejudice substantially "
        "relations between the United Kingdom and another State or international organisation.",
        test="prejudice", harm="relations between the United Kingdom and another State", ncnd="18",
        for_disclosure=("Disclosure would increase understanding of the United Kingdom's dealings abroad.",),
        against=("Effective international relations depend on trust and confidentiality.",),
    ),
    Exemption(
        "foisa", "33", "Commercial interests and the economy", "qualified",
        "Section 33 exempts trade secrets and information whose disclosure would, or would be likely to, "
        "prejudice substantially the commercial interests of any person or the economic interests of "
        "Scotland or the United Kingdom.",
        test="prejudice", harm="the commercial interests of the force or of its suppliers", ncnd="18",
        for_disclosure=("There is a public interest in accountability for the spending of public money.",),
        against=("Disclosure would weaken the force's ability to obtain value for money.",),
    ),
    Exemption(
        "foisa", "34", "Investigations by Scottish public authorities and proceedings arising out of such "
        "investigations", "qualified",
        "Section 34(1) exempts information held for the purposes of an investigation which the authority has a "
        "duty to conduct to ascertain whether a person should be prosecuted for an offence, or whether a person "
        "prosecuted is guilty of it.",
        ncnd="18",
        ncnd_reason="Revealing whether the information exists or is held would itself reveal whether an "
        "investigation into the matter or the people you asked about has taken place.",
        for_disclosure=("There is a public interest in accountability for the way crime is investigated.",),
        against=(
            "Investigations must be able to proceed without the information gathered being disclosed, and "
            "witnesses must be confident that what they tell the police stays confidential.",
        ),
    ),
    Exemption(
        "foisa", "35", "Law enforcement", "qualified",
        "Section 35(1) exempts information whose disclosure would, or would be likely to, prejudice "
        "substantially the prevention or detection of crime, the apprehension or prosecution of offenders, or "
        "the administration of justice.",
        test="prejudice", harm="the prevention or detection of crime or the apprehension or prosecution of offenders",
        ncnd="18",
        ncnd_reason="Revealing whether the information exists or is held would itself show whether the police "
        "have an interest in the matter you asked about, which would be likely to prejudice substantially the "
        "prevention or detection of crime.",
        for_disclosure=("Disclosure would show how the police use their resources to prevent and detect crime.",),
        against=(
            "Disclosure would give those intent on committing crime information about police capability and "
            "tactics that they could use to avoid detection.",
        ),
    ),
    Exemption(
        "foisa", "36(1)", "Confidentiality (legal privilege)", "qualified",
        "Section 36(1) exempts information in respect of which a claim to confidentiality of communications "
        "could be maintained in legal proceedings.",
        for_disclosure=("Disclosure would help the public understand the legal basis of decisions.",),
        against=("There is a strong inherent public interest in the confidentiality of legal advice.",),
    ),
    Exemption(
        "foisa", "36(2)", "Confidentiality (information obtained from another person)", "absolute",
        "Section 36(2) exempts information obtained from another person where its disclosure would constitute "
        "a breach of confidence actionable by that person.",
    ),
    Exemption(
        "foisa", "37", "Court records", "absolute",
        "Section 37 exempts information contained in documents lodged with, or created by, a court for the "
        "purposes of proceedings.",
    ),
    Exemption(
        "foisa", "38(1)(a)", "Personal information (the requester's own)", "absolute",
        "Section 38(1)(a) exempts personal data of which the applicant is the data subject; it is dealt with as "
        "a subject access request under data protection law instead.",
        ncnd="18",
        ncnd_reason="Revealing whether the information exists or is held would itself disclose personal data "
        "about you.",
    ),
    Exemption(
        "foisa", "38(1)(b)", "Personal information (third parties)", "absolute",
        "Section 38(1)(b) exempts the personal data of someone other than the applicant where disclosure would "
        "contravene the data protection principles.",
        ncnd="18",
        ncnd_reason="Revealing whether the information exists or is held would itself disclose personal data "
        "about an identifiable individual, which would not be fair or lawful to them.",
    ),
    Exemption(
        "foisa", "39", "Health, safety and the environment", "qualified",
        "Section 39(1) exempts information whose disclosure would, or would be likely to, endanger the physical "
        "or mental health or the safety of an individual; section 39(2) exempts environmental information, "
        "dealt with under the Environmental Information (Scotland) Regulations 2004.",
        test="endanger", harm="the physical or mental health or the safety of an individual", ncnd="18",
        for_disclosure=("Disclosure would increase public awareness of matters of health and safety.",),
        against=("There is a very strong public interest in protecting the health and safety of individuals.",),
    ),
    Exemption(
        "foisa", "40", "Audit functions", "qualified",
        "Section 40 exempts information whose disclosure would, or would be likely to, prejudice substantially "
        "the exercise of an authority's audit functions.",
        test="prejudice", harm="the exercise of audit functions",
        for_disclosure=("Disclosure would show how public bodies are held to account through audit.",),
        against=("Audit must be able to proceed effectively.",),
    ),
    Exemption(
        "foisa", "41", "Communications with His Majesty etc. and honours", "qualified",
        "Section 41 exempts communications with the Sovereign, other members of the Royal Family or the Royal "
        "Household, and information relating to the exercise of the prerogative of honour.",
        ncnd="18", title_before=((KING, "Communications with Her Majesty etc. and honours"),),
        for_disclosure=("Disclosure would increase understanding of how the honours system operates.",),
        against=("The honours system depends on the confidentiality of nominations.",),
    ),
)

EXEMPTIONS: dict[str, dict[str, Exemption]] = {
    regime: {e.section.lower(): e for e in entries}
    for regime, entries in (("foia", _FOIA), ("eir", _EIR), ("foisa", _FOISA))
}
