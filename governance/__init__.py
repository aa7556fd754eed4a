"""What every part of the site shares: staff roles, version history in the admin, who is
asking (a keyed hash, never an address), safe counters, and English word stems."""
