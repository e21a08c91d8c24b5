"""ML benchmark: training the area classifier on 10k synthetic courses (target ≤ 5 s on 2 cores).

Also times duplicate grouping and interest ranking over the same courses. Synthetic titles combine
the content-outline phrases of one area with filler words, plus a one-sentence description, so the
vocabulary is realistic in size. Run: `.venv/bin/python -m bench.bench_ml`.
"""

from __future__ import annotations

import os
import random
import statistics
import time
from collections.abc import Callable
from decimal import Decimal

from catalog.records import Course
from recommender.ml.classifier import AreaClassifier
from recommender.ml.duplicates import duplicate_groups
from recommender.ml.labels import labelled_from_courses
from recommender.ml.outline import OUTLINE_TOPICS
from recommender.ml.ranking import InterestRanker

N_COURSES = 10_000
REPEATS = 3
_FILLER = (
    "essentials", "update", "review", "for the medical office", "in practice", "skills", "workshop",
    "refresher", "fundamentals", "advanced", "case studies", "best practices", "today", "step by step",
)  # fmt: skip


def synthetic_courses(count: int = N_COURSES, seed: int = 7) -> list[Course]:
    """``count`` courses, each with one provider-stated area and a title and description from that
    area's outline phrases (1 contact hour, $10–$60)."""
    rng = random.Random(seed)
    topics = list(OUTLINE_TOPICS.values())
    courses = []
    for number in range(count):
        area, phrases = rng.choice(topics)
        picked = rng.sample(phrases, k=min(2, len(phrases)))
        title = f"{picked[0].title()} and {picked[1].title()}: {rng.choice(_FILLER).title()}"
        description = (
            f"This course covers {', '.join(rng.sample(phrases, k=min(4, len(phrases))))} "
            f"with {rng.choice(_FILLER)} for medical assistants."
        )
        courses.append(
            Course(
                provider=f"p{number % 7}",
                course_id=f"c{number}",
                title=title,
                url=f"https://p{number % 7}.example.test/c{number}",
                format="online",
                hours=Decimal(1),
                source="sample",
                price=Decimal(rng.randint(10, 60)),
                description=description,
                content_areas={area: Decimal(1)},
            )
        )
    return courses


def median_seconds(work: Callable[[], object], repeats: int = REPEATS) -> tuple[float, float]:
    """Median wall-clock and median CPU seconds of this process (the machine is shared: wall time
    grows with other processes' load, CPU time much less)."""
    walls, cpus = [], []
    for _ in range(repeats):
        wall, cpu = time.perf_counter(), time.process_time()
        work()
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    return statistics.median(walls), statistics.median(cpus)


def _line(name: str, timing: tuple[float, float]) -> str:
    return f"{name:<26} wall {timing[0]:6.2f} s   cpu {timing[1]:6.2f} s"


def main() -> None:
    courses = synthetic_courses()
    examples = labelled_from_courses(courses)
    train = median_seconds(lambda: AreaClassifier.train(examples))
    model = AreaClassifier.train(examples)
    predict = median_seconds(
        lambda: model.predict([c.title for c in courses], [c.description for c in courses])
    )
    groups = median_seconds(lambda: duplicate_groups(courses))
    ranker_build = median_seconds(lambda: InterestRanker(courses))
    ranker = InterestRanker(courses)
    query = median_seconds(lambda: ranker.scores(["EKG", "billing", "working with kids"]))
    print(f"courses: {len(courses)}, repeats: {REPEATS} (medians), load average {os.getloadavg()[0]:.1f}")
    print(_line("train area classifier", train), "(target ≤ 5 s)")
    print(_line("predict areas", predict))
    print(_line("duplicate groups", groups))
    print(_line("build interest ranker", ranker_build))
    print(_line("score 3 interests", query))


if __name__ == "__main__":
    main()
