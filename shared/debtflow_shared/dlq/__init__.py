"""``debtflow dlq``: list, show and replay dead letters, on the embedded bus and on Kafka.

A dead letter (see :mod:`debtflow_shared.dead_letters`) is the original message, byte for
byte, plus ``dlq.*`` headers saying why. Replaying publishes it again on its original topic
with its original headers: the same envelope, so every consumer that already had its effect
drops it through its inbox, and the one that dead-lettered it (its claim rolled back with
the failed transaction) applies it now.
"""
