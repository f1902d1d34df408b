"""Lookups over BigCommerce: Gladly's search, auto-link and DETAILED profile.

``entry.py`` routes a lookup to its use case; ``search.py`` finds shoppers by email and phone;
``profile.py`` makes the DETAILED profile; ``auto_link/`` decides whether a profile may link by itself
(``decision.py``: the rule and its conflicts); ``mapping/`` turns BigCommerce records into Gladly's
results and transactions; ``store_settings.py`` keeps the store's configuration per container;
``deadlines.py`` counts Gladly's 5 s. Import each from its module.
"""
