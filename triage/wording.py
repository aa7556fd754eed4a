"""How readers' words are read before red flags are looked for in them: case, apostrophes,
contractions, British and American spellings, common misspellings, clauses and Snowball
stems. Pure functions over word tables (the tables are most of this module).
"""

import re
import unicodedata
from functools import lru_cache

from governance.stemming import english_stem


def word_set(text):
    return frozenset(text.split())


def word_pairs(text):
    """{"tumour": "tumor", ...} from "tumour=tumor ..."."""
    return dict(pair.split("=") for pair in text.split())


# Little words: they never count towards a gap.
FREE_WORDS = word_set(
    """
    a an the my your his her their our its me him us them i you he she we they it myself
    am is are was were be been being have has had having
    really very so quite totally completely fully properly just all even bit little slightly
    kind sort of like literally actually basically still also too now suddenly sometimes
    always constantly keep keeps kept gone go goes going went get gets got getting become
    becomes became feel feels felt seem seems
    in on at to from into around round across over through by for with down up near inside
    under below
    """
)
# Left out of a phrase's pattern, so a phrase written "my" or "I" matches "his" or "she". Not
# "it": "can't get it up" is not "can't get up".
WHOSE = word_set("a an the my your his her their our its i you he she we they me him us them")
# Words that end a phrase's span: what comes after them is about something else.
SPAN_BREAKERS = word_set(
    "and but because cos coz cause although though however whereas unless except then "
    "plus while whilst"
)
NEGATIONS = word_set("no not never without nor neither none nothing deny denies denied")
# Words that may stand between a negation and what it negates: "I don't have any signs of
# numbness" negates the numbness; "I can't sleep with a numb bum" does not ("sleep").
NEGATION_FILLERS = FREE_WORDS | word_set(
    """
    any much many sign signs symptom symptoms problem problems issue issues trouble notice
    noticed noticing experience experienced experiencing suffer suffered suffering ever think
    thought believe recent recently new further other more real obvious do does did doing
    done such thing things type form hint trace evidence apparent
    """
)
# A phrase that says a negation ("can't pee", "no feeling down there") is never cancelled by
# one before it: "no i cant pee" is still can't pee. "Without" is not such a negation: "not
# lost weight without trying" has not lost weight.
SAYS_NEGATION = NEGATIONS - {"without"}
# "No pain or numbness in both legs": the negation reaches across "or" and the word before.
NEGATION_LISTS = frozenset(("or", "nor"))
COORDINATED_WORDS = 2
# "I never had numbness down there before" is new numbness, not none.
NEGATION_UNDOERS = frozenset(("until", "till", "til", "before"))
UNDOER_REACH = 4


# One spelling for each word, whichever the reader used: British to American (so a phrase
# written either way matches both), and the misspellings readers make of the words that
# matter most. Listed, never guessed: see the module docstring.
SPELLINGS = word_pairs(
    """
    tumour=tumor tumours=tumors paralysed=paralyzed paralyse=paralyze paralysis=paralyzed
    paralised=paralyzed paralized=paralyzed parralysed=paralyzed rigour=rigor
    oesophagus=esophagus behaviour=behavior genitalia=genitals centre=center
    """
)
COMMON_MISSPELLINGS = word_pairs(
    """
    numbess=numbness numbnes=numbness numbnness=numbness numness=numbness numbeness=numbness
    numbmess=numbness nummness=numbness numbnss=numbness numbb=numb num=numb tingleing=tingling
    tinglin=tingling tinglng=tingling tingeling=tingling incontinance=incontinence
    incontinense=incontinence incontenance=incontinence incontinace=incontinence
    incontience=incontinence incontinant=incontinent incontinet=incontinent
    incontinents=incontinence bladdar=bladder blader=bladder bladda=bladder bowles=bowels
    bowls=bowels bowells=bowels genetals=genitals genitles=genitals gentials=genitals
    genitails=genitals genitels=genitals genatals=genitals buttox=buttocks butocks=buttocks
    siatica=sciatica sciatia=sciatica sciattica=sciatica scitica=sciatica sciatca=sciatica
    errection=erection erecton=erection errections=erections urinat=urinate
    temprature=temperature temperture=temperature tempreture=temperature temperatue=temperature
    fevor=fever feaver=fever breathles=breathless osteoperosis=osteoporosis
    ostioporosis=osteoporosis osteoporsis=osteoporosis osteoprosis=osteoporosis
    steriods=steroids sterioids=steroids steroides=steroids canser=cancer cancor=cancer
    wieght=weight weigth=weight corda=cauda cauder=cauda corder=cauda caudia=cauda cawda=cauda
    equinna=equina aquina=equina equinea=equina
    """
)
SAME_WORD = SPELLINGS | COMMON_MISSPELLINGS
# British -ae-/-oe- medical spellings: anaesthesia, haemorrhoid, faecal, oedema, diarrhoea.
BRITISH_DIGRAPHS = [
    (re.compile(r"^(an|h|f|leuk|orthop|p|par|septic)ae"), r"\1e"),
    (re.compile(r"^(f?)oe"), r"\1e"),
    (re.compile(r"(rrh|pn)oe"), r"\1e"),
]

# Words Snowball leaves apart that mean the same for a red flag: irregular verbs, the modal
# verbs (could not / will not / cannot pee are the same sign), and each reflexive pronoun
# (the reader may write about someone else: "she wet herself").
SAME_MEANING = word_pairs(
    """
    felt=feel lost=lose fell=fall fallen=fall went=go gone=go goes=go gave=give given=give
    had=have has=have having=have was=be were=be is=be are=be am=be been=be being=be did=do
    does=do done=do doing=do got=get gotten=get woke=wake woken=wake slept=sleep kept=keep
    broke=break broken=break came=come threw=throw thrown=throw lying=lie lay=lie dying=die
    tying=tie skies=sky sat=sit stood=stand shat=shit peed=pee poop=poo pooped=poo pooping=poo
    poops=poo tingly=tingle shivery=shiver feverish=fever could=can will=can would=can
    himself=myself herself=myself yourself=myself themselves=myself themself=myself
    ourselves=myself
    """
)
# Kept whole, not stemmed: "legs" is both legs (an emergency) where "leg" is one (urgent at
# most); "tearing" pain is the aorta's warning, a muscle "tear" is not.
KEEP_WHOLE = frozenset(("legs", "tearing", "ripping"))

CURLY_APOSTROPHES = re.compile("[\u2018\u2019\u201b\u02bc\u2032`\u00b4]")
DEGREES = re.compile(
    r"(\d+)\s*(?:\u00b0|\u00ba|\u02da|deg\b|degrees?\b|(?<=\d)[cf]\b)\s*"
    r"(?:celsius\b|centigrade\b|fahrenheit\b|[cf]\b)?"
)
DECIMAL = re.compile(r"(\d)[.,](\d)")
# Clauses end at sentence punctuation, commas, brackets and dashes set apart by spaces.
CLAUSE_BREAK = re.compile(r"[.,;:!?()\[\]{}\n\r\u2013\u2014|]+|\s-+\s")
SUFFIX_HYPHEN = re.compile(r"(\w)-(ing|ed)\b")
# Each rewrite runs only if the text has its tell-tale letters: most comments have few.
CONTRACTIONS = [
    (("ca", "cnt"), re.compile(r"\b(?:can'?t|cannot|carnt|caint|cnt)\b"), "can not"),
    (("won",), re.compile(r"\bwon'?t\b"), "will not"),
    (("shan",), re.compile(r"\bshan'?t\b"), "shall not"),
    (("ain",), re.compile(r"\bain'?t\b"), "is not"),
    (("n't",), re.compile(r"\b(\w+)n't\b"), r"\1 not"),
    (
        ("nt",),
        re.compile(
            r"\b(do|does|did|is|are|was|were|has|have|had|could|would|should|must|need|"
            r"might)nt\b"
        ),
        r"\1 not",
    ),
    (("'",), re.compile(r"\b(it|he|she|that|what|there|who|where|here)'s\b"), r"\1 is"),
    (("'",), re.compile(r"'(m|re|ve|ll|d|s)\b"), lambda match: ENDINGS[match.group(1)]),
]
ENDINGS = {"m": " am", "re": " are", "ve": " have", "ll": " will", "d": " would", "s": ""}
REWRITES = [
    (("no longer",), re.compile(r"\bno longer\b"), "not"),
    (
        ("able to",),
        re.compile(r"\b(?:unable|not able|incapable|barely able|hardly able) to\b"),
        "can not",
    ),
    (("able to",), re.compile(r"\bnot (?:be|been|being) able to\b"), "can not"),
    (
        ("barely", "hardly", "scarcely"),
        re.compile(r"\b(can|could) (?:barely|hardly|scarcely)\b"),
        r"\1 not",
    ),
    # "The bottom of my back" is the lower back, not the bottom a saddle touches.
    (
        ("bottom of",),
        re.compile(r"\bbottom of (?:my|the|your|his|her|their|our|each|both) "),
        "lower ",
    ),
    (
        ("base of",),
        re.compile(r"\bbase of (?:my|the|your|his|her|their|our) spine\b"),
        "lower back",
    ),
]
NOT_A_WORD = re.compile(r"[^a-z0-9]+")
REPEATED_LETTER = re.compile(r"([a-z])\1{2,}")


def normalise(text):
    """The text as the matcher reads it: lower case, contractions spelt out ("can't" is
    "can not"), one spelling per word, no punctuation, single spaces."""
    return " ".join(clause for clause in clauses(text) if clause)


def clauses(text):
    """The normalised text, clause by clause: a phrase or a negation never reaches across a
    full stop, a comma or a bracket."""
    text = unicodedata.normalize("NFKC", text).lower()
    text = CURLY_APOSTROPHES.sub("'", text)
    text = DEGREES.sub(r"\1 degrees ", text)
    text = DECIMAL.sub(r"\1 \2", text)
    text = SUFFIX_HYPHEN.sub(r"\1\2", text)
    # None of these reaches across punctuation, so the whole text is done at once.
    for needles, pattern, replacement in CONTRACTIONS + REWRITES:
        if any(needle in text for needle in needles):
            text = pattern.sub(replacement, text)
    text = REPEATED_LETTER.sub(r"\1\1", text)
    return [normalise_clause(part) for part in CLAUSE_BREAK.split(text)]


def normalise_clause(text):
    return " ".join(map(spelling, NOT_A_WORD.sub(" ", text.replace("'", "")).split()))


@lru_cache(maxsize=50000)
def spelling(word):
    """The word in its one spelling: misspellings corrected, British spelt American."""
    word = SAME_WORD.get(word, word)
    if "ae" in word or "oe" in word:
        for pattern, replacement in BRITISH_DIGRAPHS:
            word = pattern.sub(replacement, word)
    return word


@lru_cache(maxsize=50000)  # Snowball in pure Python takes ~40 µs a word
def stem(word):
    """The word as phrases are compared: its Snowball English stem, after SAME_MEANING.

    Expects a normalised word. A word with a digit in it is kept whole ("38").
    """
    word = SAME_MEANING.get(word, word)
    if word in KEEP_WHOLE or any(character.isdigit() for character in word):
        return word
    return english_stem(word)


def stem_start(word_stem):
    """How every word with this stem begins, so that a word that cannot have it is not stemmed
    (Snowball takes ~40 µs a word: a long comment of new words would take milliseconds).

    Snowball English changes at most the last two letters of a stem of five or more ("possibl"
    is from "possibility"), and of a shorter one only a final e or i ("wipe" from "wiping",
    "dri" from "dry"). Checked over 187,000 words: after SAME_MEANING, which maps Snowball's
    exceptions ("lying", "skies"), every word begins with stem_start() of its stem.
    """
    if len(word_stem) >= 5:
        return word_stem[:-2]
    if len(word_stem) >= 3 and word_stem[-1] in "ei":
        return word_stem[:-1]
    return word_stem
