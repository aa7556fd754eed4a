"""“Was this page helpful?” on every article: anonymous Yes/No counts per article per day,
and short “what was missing” notes held for a moderator, shown only to clinicians."""
