"""Built-in canned statistics queries, one TOML file each (see ``commands.rules.query_catalogue``).

A package only so that the query files are installed with the bot; nothing here is Python.
"""
