"""Auto-link resolution: may Gladly link this profile to one BigCommerce shopper by itself?

Gladly links an unlinked profile when its auto-link lookup gets back exactly one result that matches
the profile on an enabled Auto-Linking Field. Linking the wrong shopper shows an agent someone else's
orders and lets them refund or cancel them, so the rule here (the seed's: "a unique profile, at least
one auto-linking field match, no conflicts") is strict:

    linked     exactly one shopper matches any of the profile's emails or phones, on any field, and it
               matches on at least one enabled Auto-Linking Field;
    ambiguous  several shoppers match (two accounts share an email, the email points at one shopper
               and the phone at another, ...), or the only shopper matches on disabled fields only;
    no_match   no shopper matches.

A match on a disabled field still counts as a conflict: a phone that points at another shopper is a
reason for doubt even when the admin does not link by phone.

A shopper is a registered customer, or a guest (orders with no account, found by billing email). Guest
orders under the email of a registered customer belong to that customer: one shopper, not a conflict.

The work is split in three: ``resolver.resolve_auto_link`` searches BigCommerce (every email and phone
at once, under the lookup's deadline); ``evidence.match_evidence`` turns what it found into evidence
items (which profile value matched which customer field); ``decision.decide``, the rule above and its
conflicts, is a pure function of the profile, the evidence and the enabled fields, so it can be tested
exhaustively. ``resolver.auto_link_response`` then shapes the answer so that Gladly's own match check
passes for a linked shopper and for nobody else.

Entry points (``resolver.py``): ``answer_auto_link`` (the Lookup URL, for Gladly) and
``explain_auto_link`` (POST /auto-link, for admins: the decision with its evidence). Import each from
its module.
"""
