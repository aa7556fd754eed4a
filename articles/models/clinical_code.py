"""Clinical codes on articles: the diagnoses an article is patient education for.

A clinician's record knows a diagnosis by a code: ICD-10-CM in the United States, the WHO's
ICD-10 in much of the world, SNOMED CT in the NHS. With the same codes on our articles, a
health record or a patient portal can ask for the pages that match a patient's diagnosis
(as with MedlinePlus Connect). Each code system is named by its HL7 OID, as those systems
name it.

ICD-10-CM codes are checked against the code list published with the `simple-icd-10-cm`
package (the CDC's list). Only the plain list is read, never the package's module: importing
that parses the whole classification, 5 seconds and 180 MB per process. WHO ICD-10 has no
freely usable list, so its codes are checked for their form; SNOMED CT identifiers carry a
check digit, which is checked.
"""

import functools
import importlib.metadata
import re

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Case, Q, Value, When
from django.db.models.functions import Abs, Length


class CodeSystem(models.TextChoices):
    """Code systems by their HL7 OID (what an Infobutton request names them by)."""

    ICD10CM = "2.16.840.1.113883.6.90", "ICD-10-CM"
    ICD10 = "2.16.840.1.113883.6.3", "ICD-10 (WHO)"
    SNOMED_CT = "2.16.840.1.113883.6.96", "SNOMED CT"


# An ICD-10 category or sub-category written without its dot: a letter, two characters (a
# digit or, as in QA0, a letter), and up to four more. The code list also names chapters
# ("13") and blocks ("M60-M63").
ICD10_WITHOUT_DOT = re.compile(r"[A-Z][0-9A-Z]{2,6}")
# WHO ICD-10: a category (M62) or one of its sub-categories (M62.8); a few have a fifth
# character for a site or a type.
WHO_ICD10 = re.compile(r"[A-Z][0-9]{2}(\.[0-9A-Z]{1,2})?")
# A SNOMED CT identifier: 6 to 18 digits, not starting with 0.
SCTID = re.compile(r"[1-9][0-9]{5,17}")
# Its partition (the second and third digits from the right): "00" or "10" for a concept.
CONCEPT_PARTITIONS = ("00", "10")


@functools.cache
def icd10cm_code_list():
    """(name of the list, every ICD-10-CM category and sub-category in it, without dots).

    About 98,000 codes, a 0.8 MB file and 12 MB in memory: read on the first check, in
    the process that checks.
    """
    (path,) = [
        file
        for file in importlib.metadata.files("simple-icd-10-cm")
        if file.name.startswith("code-list-") and file.suffix == ".txt"
    ]
    codes = frozenset(
        line for line in path.read_text().split() if ICD10_WITHOUT_DOT.fullmatch(line)
    )
    # "code-list-April-2026.txt": the April 2026 list.
    return path.stem.removeprefix("code-list-").replace("-", " "), codes


def icd10_with_dot(code):
    """ "m62830", "M62.830" or " M62 830 " as the code is written: "M62.830"."""
    code = re.sub(r"[\s.]", "", code).upper()
    return f"{code[:3]}.{code[3:]}" if len(code) > 3 else code


def verhoeff_valid(digits):
    """True if the last digit is the Verhoeff check digit of the others (SNOMED CT's)."""
    multiply = [
        [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
        [1, 2, 3, 4, 0, 6, 7, 8, 9, 5],
        [2, 3, 4, 0, 1, 7, 8, 9, 5, 6],
        [3, 4, 0, 1, 2, 8, 9, 5, 6, 7],
        [4, 0, 1, 2, 3, 9, 5, 6, 7, 8],
        [5, 9, 8, 7, 6, 0, 4, 3, 2, 1],
        [6, 5, 9, 8, 7, 1, 0, 4, 3, 2],
        [7, 6, 5, 9, 8, 2, 1, 0, 4, 3],
        [8, 7, 6, 5, 9, 3, 2, 1, 0, 4],
        [9, 8, 7, 6, 5, 4, 3, 2, 1, 0],
    ]
    permute = [
        [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
        [1, 5, 7, 6, 2, 8, 3, 0, 9, 4],
        [5, 8, 0, 3, 7, 9, 6, 1, 4, 2],
        [8, 9, 1, 6, 0, 4, 3, 5, 2, 7],
        [9, 4, 5, 3, 1, 2, 6, 8, 7, 0],
        [4, 2, 8, 6, 5, 7, 3, 9, 0, 1],
        [2, 7, 9, 3, 8, 0, 6, 4, 1, 5],
        [7, 0, 4, 6, 9, 1, 3, 2, 5, 8],
    ]
    check = 0
    for position, digit in enumerate(reversed(digits)):
        check = multiply[check][permute[position % 8][int(digit)]]
    return check == 0


def checked_code(system, code):
    """`code` of `system` as it is stored (ICD codes with their dot, capitals), or a
    ValidationError saying in plain words what is wrong with it."""
    code = code.strip()
    if system == CodeSystem.ICD10CM:
        code = icd10_with_dot(code)
        list_name, codes = icd10cm_code_list()
        if code.replace(".", "") not in codes:
            raise ValidationError(
                f"“{code}” is not an ICD-10-CM code: it is not in the {list_name} ICD-10-CM "
                "code list. Check the code in your clinical system (for example M62.830)."
            )
    elif system == CodeSystem.ICD10:
        code = icd10_with_dot(code)
        if not WHO_ICD10.fullmatch(code):
            raise ValidationError(
                f"“{code}” is not written as an ICD-10 code: a letter, two digits, and "
                "perhaps a dot and one or two more characters (for example M62.8)."
            )
    elif system == CodeSystem.SNOMED_CT:
        code = re.sub(r"\s", "", code)
        if not SCTID.fullmatch(code):
            raise ValidationError(
                f"“{code}” is not a SNOMED CT concept ID: it has 6 to 18 digits and no "
                "spaces or words (for example 279039007)."
            )
        if not verhoeff_valid(code):
            raise ValidationError(
                f"“{code}” is not a SNOMED CT concept ID: its check digit does not match. "
                "Copy the ID from your terminology browser again."
            )
        if code[-3:-1] not in CONCEPT_PARTITIONS:
            raise ValidationError(
                f"“{code}” is not a SNOMED CT concept ID: it is the ID of a description or "
                "a relationship. Copy the concept's ID (SCTID) instead."
            )
    return code


def asked_code(system, code):
    """A code another system asks about, written as codes are stored, or ValueError saying
    in plain words why it cannot be a code of `system`.

    Only its form is checked: a code of the right form that no article carries (or that a
    newer code list has) matches nothing, which is an answer, not a mistake.
    """
    written = code.strip()
    if system == CodeSystem.SNOMED_CT:
        if not SCTID.fullmatch(written):
            raise ValueError(
                f"“{written}” is not a SNOMED CT concept ID: it has 6 to 18 digits (for "
                "example 279039007)."
            )
        return written
    if system in (CodeSystem.ICD10CM, CodeSystem.ICD10):
        bare = re.sub(r"[\s.]", "", written).upper()
        # A word such as "spasm" has the form of a code but no digit, as no code has.
        if not (ICD10_WITHOUT_DOT.fullmatch(bare) and re.search("[0-9]", bare)):
            raise ValueError(
                f"“{written}” is not an ICD-10 code: a letter, two characters and perhaps a "
                "dot and up to four more (for example M62.830)."
            )
        return icd10_with_dot(written)
    raise ValueError(f"“{system}” is not a code system we know.")


class ClinicalCodeQuerySet(models.QuerySet):
    def matching(self, system, code):
        """The codes of `system` that answer a question about `code` (see `asked_code`),
        each annotated with its `closeness`: 0 the code itself, 1 a broader code (an
        article on M62.83 answers for M62.830), 2 a narrower one (an article on M62.830
        answers for M62.83, which covers it); then by how many characters apart they are.

        ICD codes nest by their characters, so broader and narrower codes are found by
        prefix. SNOMED CT identifiers do not nest that way: only the code itself matches.
        """
        written = asked_code(system, code)
        codes = self.filter(system=system)
        if system == CodeSystem.SNOMED_CT:
            return codes.filter(code=written).annotate(
                closeness=Value(0), characters_apart=Value(0)
            )
        bare = written.replace(".", "")
        broader = [icd10_with_dot(bare[:length]) for length in range(3, len(bare))]
        return (
            codes.filter(Q(code=written) | Q(code__in=broader) | Q(code__startswith=written))
            .annotate(
                closeness=Case(
                    When(code=written, then=Value(0)),
                    When(code__in=broader, then=Value(1)),
                    default=Value(2),
                ),
                characters_apart=Abs(Length("code") - len(written)),
            )
            .order_by("closeness", "characters_apart", "order", "pk")
        )


class ClinicalCode(models.Model):
    """A diagnosis an article is written for, as one code system codes it."""

    System = CodeSystem

    article = models.ForeignKey(
        "articles.Article", on_delete=models.CASCADE, related_name="clinical_codes"
    )
    system = models.CharField(
        "code system",
        max_length=64,
        choices=CodeSystem,
        default=CodeSystem.ICD10CM,
        help_text="Which coding the code is from. ICD-10-CM codes are checked against the "
        "published code list.",
    )
    code = models.CharField(
        max_length=20, help_text="As your clinical system shows it, e.g. M62.830."
    )
    display_name = models.CharField(
        max_length=255,
        help_text="The code's name in the code system, e.g. “Muscle spasm of back”. "
        "Other systems show it beside the link to this article.",
    )
    order = models.PositiveIntegerField(default=0, help_text="Lowest number is listed first.")

    objects = ClinicalCodeQuerySet.as_manager()

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = "clinical code"
        constraints = [
            models.UniqueConstraint(
                fields=["article", "system", "code"], name="one_code_of_a_system_per_article"
            )
        ]

    def __str__(self):
        return f"{self.get_system_display()} {self.code} {self.display_name}"

    def clean(self):
        if self.code and self.system:
            try:
                self.code = checked_code(self.system, self.code)
            except ValidationError as error:
                raise ValidationError({"code": error}) from None
