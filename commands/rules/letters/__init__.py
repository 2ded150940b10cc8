"""Response letters, as pure rules: no Slack, no database, no clock.

The command layer (``commands/drafts.py``) builds a letter's inputs from a case; these modules turn them into
text and the text into the forms the team needs.

- ``catalogue``: the kinds of letter and what sending each records;
- ``law``: what each regime's letters cite (sections, time limits, the cost limit);
- ``exemptions`` (model, reader) and ``exemption_list`` (the provisions, their NCND provisions by date and
  their public-interest factors);
- ``cost_estimate``: the cost-limit estimate read from the ``hours`` note and checked;
- ``organisation``: the organisation profile (TOML) every letter takes its own words from, and its problems;
- ``wording``: dates and small words as British letters write them;
- ``figures``: statistics as a letter-ready table, small numbers protected; ``annex_files``: the figures as
  .xlsx/.csv;
- ``context``: everything a template reads, built from the facts of a case;
- ``render``: Jinja2 rendering (the organisation's own and Welsh templates first) and the markers;
- ``text_forms``: the letter's structure read back, and its Markdown, plain-text and Slack forms;
- ``docx_letter`` and ``html_letter``: the Word letter and the accessible web page;
- ``disclosure_log``: the published version, without the requester's details or withheld parts.
"""
