"""Retire cached pages whenever the rule set readers see changes: the care cards, the
checker's questions and its advice."""

from pagecache.pages import retire_when_changed

from .models import Advice, Question, RedFlag

retire_when_changed(RedFlag, Question, Advice)
