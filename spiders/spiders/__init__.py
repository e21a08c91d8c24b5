"""Provider spiders: one file per provider; file name = spider name = provider id."""
