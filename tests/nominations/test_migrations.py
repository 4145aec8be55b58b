"""Migration 0004: criterion 4 and the evaluation field became one, and no text was lost."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from tests.factories.hyvakaytanto import CompetitionFactory

BEFORE = [("nominations", "0003_single_line_fields")]
AFTER = [("nominations", "0004_evaluation_is_criterion_4")]


def migrate(target):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(target)
    return executor.loader.project_state(target).apps


@pytest.fixture(autouse=True)
def back_to_the_latest():
    """Whatever a test does, the database ends at the latest migrations, as others expect."""
    yield
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_evaluation_texts_are_kept_in_criterion_4():
    competition = CompetitionFactory()
    old = migrate(BEFORE)
    Nomination = old.get_model("nominations", "Nomination")
    CriterionAnswer = old.get_model("nominations", "CriterionAnswer")
    criteria = {c.number: c for c in old.get_model("hyvakaytanto", "Criterion").objects.all()}
    long_answer = "A" * 3000

    def nomination(name: str, evaluation: str, fourth: str | None):
        made = Nomination.objects.create(
            competition_id=competition.pk,
            practice_name=name,
            summary="Kuvaus",
            organisations="Kunta",
            region="lappi",
            target_group="Asiakkaat",
            evaluation=evaluation,
            contact_name="Liisa",
            contact_title="Sosiaalityöntekijä",
            contact_email="liisa@example.fi",
            contact_phone="+358 40 123 4567",
            publish_consent=True,
            privacy_acknowledged_at=timezone.now(),
            token_hash=name.ljust(64, "0"),
        )
        CriterionAnswer.objects.create(nomination=made, criterion=criteria[1], text="Yksi.")
        if fourth is not None:
            CriterionAnswer.objects.create(nomination=made, criterion=criteria[4], text=fourth)
        return made.pk

    different = nomination("eri", "Ulkoinen arviointi 2024.", "Asiakaskysely 2023.")
    same = nomination("sama", "Asiakaskysely  2023.", "Asiakaskysely 2023.\n")
    contained = nomination("sisalla", "Kysely.", "Kysely. Lisäksi haastattelut.")
    unanswered = nomination("puuttuu", "Vain arviointikentässä.", None)
    longest = nomination("pitka", "B" * 3000, long_answer)

    new = migrate(AFTER)

    fourth = {
        answer.nomination_id: answer.text
        for answer in new.get_model("nominations", "CriterionAnswer").objects.filter(
            criterion__number=4
        )
    }
    assert fourth == {
        different: "Asiakaskysely 2023.\n\nUlkoinen arviointi 2024.",
        same: "Asiakaskysely 2023.",
        contained: "Kysely. Lisäksi haastattelut.\n\nKysely.",
        unanswered: "Vain arviointikentässä.",
        longest: long_answer + "\n\n" + "B" * 3000,
    }
    first = new.get_model("nominations", "CriterionAnswer").objects.filter(criterion__number=1)
    assert {answer.text for answer in first} == {"Yksi."}
    fields = {f.name for f in new.get_model("nominations", "Nomination")._meta.get_fields()}
    assert "evaluation" not in fields


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_going_back_puts_criterion_4_into_the_evaluation_field():
    from tests.factories.nominations import NominationFactory

    nomination = NominationFactory()
    nomination.answers.filter(criterion__number=4).update(text="Arvioitu kyselyllä.")

    old = migrate(BEFORE)

    restored = old.get_model("nominations", "Nomination").objects.get(pk=nomination.pk)
    assert restored.evaluation == "Arvioitu kyselyllä."
