"""BigCommerce records as Gladly sees them (pure, no I/O): ``customers.py`` (results, search columns,
custom attributes), ``orders.py`` (ORDER transactions), ``order_lines.py`` (an order's lines as bought
and their statuses). Import each from its module."""
