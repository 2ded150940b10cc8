"""Response letters, as pure rules: no Slack, no database, no clock.

The command layer (``commands/drafts.py``) builds a letter's inputs from a case; these modules turn them into
text and the text into the forms the team needs.

- ``catalogue``: the kinds of letter and what sending each records;
- ``law``: what each regime's letters cite (sections, time limits, the cost limit);
- ``exemptions``: the exemptions and exceptions, their wording and public-interest factors;
- ``organisation``: the organisation profile (TOML) every letter takes its own words from;
- ``wording``: dates and small words as British letters write them;
- ``context``: everything a template reads, built from the facts of a case;
- ``render``: Jinja2 rendering and the ``[ANSWER NEEDED: …]`` markers;
- ``text_forms``: the letter's structure read back, and its Markdown, plain-text and Slack forms;
- ``docx_letter``: the Word letter.
"""
