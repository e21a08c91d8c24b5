"""The AAMA content outline as prior knowledge for the area classifier.

Each topic below is one of the topic examples of AAMA's exam content outline (docs/sources.md § Credential
rules) and AAMA's list of what MA graduates are trained in, with the words course titles use for it. The
classifier adds an ``outline_<topic>`` token to a text for each topic it mentions, and trains on one
pseudo-example per topic (its phrases, labelled with the topic's area) next to the catalog's labelled
courses, so that a small catalog still knows that "venipuncture" is clinical and "superbill"
administrative.
"""

from __future__ import annotations

from recommender.ml.labels import LabelledText
from recommender.ml.text import PhraseMatcher

# topic → (area, phrases matched on whole words of normalised text)
OUTLINE_TOPICS: dict[str, tuple[str, tuple[str, ...]]] = {
    # General: psychology; communication; professionalism; law and regulation; ethics; risk, quality,
    # safety; medical terminology.
    "psychology": ("general", (
        "psychology", "behavior", "behaviour", "mental health", "mental illness", "grief", "grieving",
        "death", "dying", "defense mechanisms", "growth and development", "burnout", "stress", "coping",
        "trauma", "suicide", "emotional", "maslow", "compassion fatigue", "domestic violence",
    )),
    "communication": ("general", (
        "communication", "communicating", "listening", "nonverbal", "interpreter", "interpreters",
        "cultural", "culture", "diversity", "inclusion", "inclusive", "bias", "health literacy",
        "hearing loss", "deaf", "sign language", "dementia", "conversations", "de escalation",
        "language", "phrases", "etiquette", "motivational interviewing",
    )),
    "professionalism": ("general", (
        "professionalism", "professional", "teamwork", "leadership", "time management", "career",
        "resume", "conflict resolution", "customer service", "critical thinking", "credentials",
        "harassment", "boundaries", "workplace",
    )),
    "law": ("general", (
        "law", "laws", "legal", "hipaa", "privacy", "confidentiality", "scope of practice", "consent",
        "negligence", "malpractice", "liability", "compliance", "regulatory", "regulations", "osha",
        "advance directives", "mandatory reporting", "abuse", "fraud", "patient rights", "subpoena",
        "subpoenas", "disabilities act", "ada", "title vi", "gina", "breach", "trafficking",
    )),
    "ethics": ("general", ("ethics", "ethical", "conflicts of interest", "end of life")),
    "safety": ("general", (
        "risk management", "quality improvement", "quality assurance", "safety", "incident",
        "errors", "error", "root cause", "fire", "evacuation", "ergonomics", "violence", "hazard",
        "cybersecurity", "phishing", "falls",
    )),
    "terminology": ("general", (
        "terminology", "medical terms", "word parts", "prefixes", "suffixes", "root words", "abbreviations",
    )),
    # Administrative: reception; navigation and advocacy; business practices; patient record / EHR;
    # scheduling; practice finances (billing, coding, insurance claims, bookkeeping).
    "reception": ("administrative", (
        "reception", "front desk", "front office", "check in", "check out", "checking in", "greeting",
        "registration", "demographics", "telephone", "patient flow",
    )),
    "navigation": ("administrative", (
        "navigation", "navigating", "advocacy", "referral", "referrals", "care coordination",
        "community resources", "financial assistance",
    )),
    "business": ("administrative", (
        "office management", "practice management", "inventory", "supply", "supplies", "ordering",
        "correspondence", "business", "keyboarding", "computer applications", "opening and closing",
        "payroll", "budgeting", "budget",
    )),
    "record": ("administrative", (
        "ehr", "emr", "electronic health record", "electronic medical record", "health record",
        "patient record", "medical records", "records", "portal", "filing", "retention", "scanning",
        "indexing", "paper charts",
    )),
    "scheduling": ("administrative", (
        "scheduling", "schedule", "appointment", "appointments", "no shows", "cancellations", "recall",
        "reminder", "calendars", "wave",
    )),
    "finances": ("administrative", (
        "billing", "coding", "codes", "icd 10", "icd 10 cm", "cpt", "hcpcs", "modifiers", "insurance",
        "claims", "claim", "denials", "appeals", "reimbursement", "revenue cycle", "medicare", "medicaid",
        "eligibility", "prior authorization", "pre certifications", "explanation of benefits", "eob",
        "copay", "copays", "coinsurance", "deductible", "deductibles", "collections", "accounts receivable",
        "bookkeeping", "accounting", "payment", "payments", "superbills", "encounter forms",
        "fee schedules", "chargemaster", "remittance", "petty cash", "deposit", "refunds", "statements",
        "self pay", "good faith estimates", "workers compensation", "hcc", "hccs", "e m",
    )),
    # Clinical: anatomy and physiology; infection control; intake and documentation of care; preparing
    # the patient and assisting the provider; nutrition; specimens; diagnostic testing; pharmacology
    # and medication administration; emergency management, first aid and CPR.
    "anatomy": ("clinical", (
        "anatomy", "physiology", "cardiovascular", "respiratory", "musculoskeletal", "endocrine",
        "renal", "kidney", "nervous system", "pathology", "disorders", "disease", "hypertension",
    )),
    "infection": ("clinical", (
        "infection control", "hand hygiene", "standard precautions", "sterilization", "sterile",
        "autoclave", "aseptic", "bloodborne pathogens", "pathogens", "ppe", "protective equipment",
        "disinfecting", "needlestick", "sharps",
    )),
    "intake": ("clinical", (
        "vital signs", "vitals", "blood pressure", "pain assessment", "rooming", "chief complaint",
        "medication history", "charting", "growth charts", "intake",
    )),
    "assisting": ("clinical", (
        "assisting", "procedures", "exam", "exams", "examination", "suture", "staple", "wound",
        "dressing", "minor surgery", "surgical instruments", "positioning", "draping", "irrigation",
        "cast", "prenatal", "gynecologic", "pap", "well child", "x ray", "imaging",
    )),
    "nutrition": ("clinical", (
        "nutrition", "diet", "diets", "dietary", "vitamins", "minerals", "supplements",
    )),
    "specimens": ("clinical", (
        "specimen", "specimens", "phlebotomy", "venipuncture", "capillary puncture", "order of draw",
        "tube", "culture collection", "throat culture", "urinalysis", "urine", "stool", "draws",
    )),
    "diagnostics": ("clinical", (
        "ecg", "ekg", "electrocardiography", "electrocardiogram", "12 lead", "arrhythmias", "rhythm",
        "holter", "spirometry", "pulmonary function", "peak flow", "audiometry", "tympanometry",
        "visual acuity", "clia", "waived testing", "point of care", "glucose", "a1c", "hematocrit",
        "hemoglobin", "pregnancy test", "pregnancy testing", "microscope", "laboratory", "lab",
        "skin testing", "screening", "testing",
    )),
    "pharmacology": ("clinical", (
        "pharmacology", "medication administration", "medications", "medication", "drug", "dosages",
        "dosage", "injection", "injections", "intramuscular", "subcutaneous", "vaccine", "vaccines",
        "immunization", "immunizations", "opioid", "nebulizer", "inhaler", "oxygen", "tuberculin",
        "cold chain",
    )),
    "emergency": ("clinical", (
        "emergency", "emergencies", "first aid", "cpr", "bls", "basic life support", "aed", "anaphylaxis",
        "epinephrine", "stroke", "syncope", "fainting", "crash cart", "sepsis", "bleeding", "burns",
        "fractures",
    )),
}  # fmt: skip

_TOPICS = PhraseMatcher({topic: phrases for topic, (_area, phrases) in OUTLINE_TOPICS.items()}, "outline_")


def outline_tokens(normalised_text: str) -> list[str]:
    """One ``outline_<topic>`` token per outline topic mentioned in already normalised text."""
    return _TOPICS.tokens(normalised_text)


def outline_examples() -> list[LabelledText]:
    """One pseudo-example per outline topic: its phrases as text, its area as label."""
    return [
        LabelledText(("aama-outline", topic), " ".join(phrases), None, area)
        for topic, (area, phrases) in OUTLINE_TOPICS.items()
    ]
