"""Text normalisation shared by the area classifier, the interest ranker and duplicate detection.

Course titles are short and written by many hands ("EKG", "ECG", "Electrocardiography"), so the ranker
adds one canonical token per synonym group found in a text (``syn_ecg``) next to the original words.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping

from catalog.records import Course

# Each group: the ways MAs and providers name one topic. Phrases are matched on whole words after
# normalisation (lower case, punctuation → space), so "12-lead" is written "12 lead".
SYNONYM_GROUPS: dict[str, tuple[str, ...]] = {
    "ecg": ("ekg", "ecg", "electrocardiogram", "electrocardiograms", "electrocardiography", "12 lead"),
    "rhythm": ("arrhythmia", "arrhythmias", "dysrhythmia", "heart rhythm", "heart rhythms", "rhythm strip"),
    "phlebotomy": (
        "phlebotomy", "venipuncture", "blood draw", "blood draws", "draw blood", "drawing blood",
        "blood collection", "difficult draws", "capillary puncture", "finger stick", "fingerstick",
    ),
    "privacy": ("hipaa", "privacy", "confidentiality", "phi", "protected health information"),
    "pediatrics": (
        "pediatric", "pediatrics", "paediatric", "children", "child", "kids", "kid", "infant", "infants",
        "baby", "babies", "adolescent", "adolescents", "teens", "well child", "childhood", "newborn",
    ),
    "revenue": ("billing", "bill", "coding", "insurance claims", "claims", "claim", "reimbursement"),
    "coding": ("coding", "codes", "coder", "icd 10", "icd 10 cm", "cpt", "hcpcs", "modifiers", "e m"),
    "insurance": ("insurance", "payer", "payers", "eligibility", "claims", "medicare", "medicaid"),
    "injection": ("injection", "injections", "shots", "shot", "intramuscular", "subcutaneous", "intradermal"),
    "immunization": ("vaccine", "vaccines", "vaccination", "vaccinations", "immunization", "immunizations"),
    "cpr": ("cpr", "bls", "basic life support", "resuscitation", "aed"),
    "ehr": (
        "ehr", "emr", "electronic health record", "electronic health records", "electronic medical record",
        "electronic medical records", "electronic records",
    ),
    "scheduling": (
        "scheduling", "schedule", "appointment", "appointments", "booking", "no shows", "calendars",
    ),
    "reception": ("front desk", "front office", "reception", "receptionist", "check in", "checking in"),
    "infection": (
        "infection control", "hand hygiene", "handwashing", "hand washing", "germs", "standard precautions",
        "aseptic", "asepsis", "sterilization", "disinfecting", "pathogens",
    ),
    "nutrition": ("nutrition", "diet", "diets", "dietary", "food", "eating", "supplements"),
    "dosage": ("dosage", "dosages", "dose calculation", "medication math", "drug calculations", "drug math"),
    "medication": ("medication", "medications", "meds", "drug", "drugs", "pharmacology"),
    "burnout": ("burnout", "stress", "compassion fatigue", "self care"),
    "lung": ("spirometry", "lung function", "pulmonary function", "breathing test", "pft", "respiratory"),
    "glucose": ("glucose", "blood sugar", "a1c", "diabetes", "diabetic"),
    "law": ("law", "laws", "legal", "liability", "malpractice", "negligence", "lawsuit"),
    "culture": ("cultural", "culture", "cultures", "diverse", "diversity", "interpreters", "interpreter"),
    "hearing": ("deaf", "hearing loss", "hard of hearing", "sign language"),
    "urine": ("urine", "urinalysis", "ua"),
    "blood_pressure": ("bp", "blood pressure", "hypertension"),
    "first_aid": ("first aid", "bleeding", "burns", "fractures"),
    "vitals": ("vitals", "vital signs", "temperature", "pulse"),
    "terminology": ("terminology", "medical terms", "word parts", "prefixes", "suffixes", "root words"),
    "ethics": ("ethics", "ethical"),
    "safety": ("osha", "workplace safety", "safety"),
    "elderly": ("elderly", "older adults", "seniors", "geriatric", "geriatrics", "dementia"),
    "mental_health": ("mental health", "mental illness", "psychology", "behavioral health", "depression"),
}  # fmt: skip

_NON_WORD = re.compile(r"[^a-z0-9+]+")
_NUMBER = re.compile(r"\b(?:\d+(?:\.\d+)?|i{1,3}|iv|v|vi{1,3})\b")


class PhraseMatcher:
    """Finds which groups of phrases occur, as whole words, in normalised text.

    Looks up every run of up to ``longest`` words in a dictionary: linear in the text's length,
    whatever the number of phrases (one regex per group was the slowest part of training).
    """

    def __init__(self, groups: Mapping[str, Iterable[str]], prefix: str):
        self.groups_of: dict[str, list[str]] = {}
        for name, phrases in groups.items():
            for phrase in phrases:
                self.groups_of.setdefault(phrase, []).append(name)
        self.longest = max((len(phrase.split()) for phrase in self.groups_of), default=0)
        self.first_words = {phrase.split()[0] for phrase in self.groups_of}
        self.order = {name: position for position, name in enumerate(groups)}
        self.prefix = prefix

    def tokens(self, normalised_text: str) -> list[str]:
        """One ``<prefix><group>`` token per group with a phrase in the text, in group order."""
        words = normalised_text.split()
        found: set[str] = set()
        for start, word in enumerate(words):
            if word not in self.first_words:
                continue
            for length in range(1, min(self.longest, len(words) - start) + 1):
                found.update(self.groups_of.get(" ".join(words[start : start + length]), ()))
        return [f"{self.prefix}{name}" for name in sorted(found, key=self.order.__getitem__)]


_SYNONYMS = PhraseMatcher(SYNONYM_GROUPS, "syn_")


def normalise(text: str) -> str:
    """Lower case, accents folded, ``&`` as "and", every run of punctuation turned into one space."""
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").lower()
    return _NON_WORD.sub(" ", folded.replace("&", " and ")).strip()


def synonym_tokens(normalised_text: str) -> list[str]:
    """One ``syn_<group>`` token per synonym group whose phrases occur in already normalised text."""
    return _SYNONYMS.tokens(normalised_text)


def expand_synonyms(text: str) -> str:
    """The normalised text followed by its synonym-group tokens (input for the interest ranker)."""
    plain = normalise(text)
    return " ".join([plain, *synonym_tokens(plain)])


def numbers_in(text: str) -> frozenset[str]:
    """Part and level numbers in a title ("Part 2", "Level II", "2021"), which tell sequels apart."""
    return frozenset(_NUMBER.findall(normalise(text)))


def course_text(title: str, description: str | None) -> str:
    """The text a model reads for one course: the title, then the description on the next line.

    Record titles never hold a line break (whitespace is collapsed when a record is parsed), so
    ``title_of`` can take the title back out.
    """
    title = " ".join(title.split())
    return f"{title}\n{description}" if description else title


def title_of(text: str) -> str:
    """The title part of a ``course_text``."""
    return text.split("\n", 1)[0]


def texts_of(courses: Iterable[Course]) -> list[str]:
    return [course_text(course.title, course.description) for course in courses]
