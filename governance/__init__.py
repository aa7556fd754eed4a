"""What every part of the site shares about people and records: staff roles, version
history in the admin, who is asking (a keyed hash, never an address), and safe counters."""
