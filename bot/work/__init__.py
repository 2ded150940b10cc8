"""Work acknowledged to Slack and done afterwards: the durable job queue's workers.

`runner` runs one job exactly once (one transaction with its effects and its outbox rows); `pool` is the
bounded set of worker threads that claim jobs, keep their leases alive and drain on shutdown. Nothing here
knows Slack: the Slack layer gives the runner its handlers (`bot.slack.routes`).
"""
